/*
 * Whether a pod's containers reach its node's host: a privileged container (every device of the host,
 * its disks to mount), or a hostPath volume onto the node's credentials or its container runtime: the
 * host's root or a directory above the kubelet's credentials (/var/lib/kubelet: its kubeconfig and
 * client certificate; /var/lib/kubelet/pods: every pod's projected token; /etc/kubernetes: kubelet.conf),
 * or a runtime's socket (starts a privileged
 * container). Whoever runs code in such a pod (exec, attach, a new image) acts as the node. Other
 * hostPath volumes (logs, /proc read by an exporter) are not counted: they give no credential.
 */

import { containersOf, objectsIn, type Raw } from "./pod-spec.js";

/** Host directories whose mount exposes the node's credentials: every directory on the way to them. */
const CREDENTIAL_DIRECTORIES = new Set([
  "/",
  "/var",
  "/var/lib",
  "/var/lib/kubelet",
  "/var/lib/kubelet/pki",
  "/var/lib/kubelet/pods",
  "/etc",
  "/etc/kubernetes",
  "/run",
  "/var/run",
]);
const RUNTIME_SOCKET = /\/(containerd|docker|crio|cri-dockerd)\.sock$|\/(containerd|docker|crio)$/;

function exposesHost(path: string): boolean {
  const normalized = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return CREDENTIAL_DIRECTORIES.has(normalized) || RUNTIME_SOCKET.test(normalized);
}

/** True when a pod (as the API serves it) has a privileged container or a hostPath volume onto the node's credentials or runtime. */
export function hasHostAccess(pod: Raw): boolean {
  const spec = (pod.spec ?? {}) as Raw;
  for (const container of containersOf(spec)) {
    if (((container.securityContext ?? {}) as Raw).privileged === true) return true;
  }
  for (const volume of objectsIn(spec.volumes)) {
    const path = ((volume.hostPath ?? {}) as Raw).path;
    if (typeof path === "string" && exposesHost(path)) return true;
  }
  return false;
}

/** The nodes that pods with host access are bound to, by namespace (from the live audit's kept pods: `hostAccess`). */
export function hostPodNodes(pods: readonly Raw[]): Map<string, string[]> {
  const byNamespace = new Map<string, string[]>();
  for (const pod of pods) {
    if (pod.hostAccess !== true) continue;
    const namespace = ((pod.metadata ?? {}) as Raw).namespace;
    const node = ((pod.spec ?? {}) as Raw).nodeName;
    if (typeof namespace !== "string" || typeof node !== "string" || !node) continue;
    const nodes = byNamespace.get(namespace) ?? [];
    if (!nodes.includes(node)) nodes.push(node);
    byNamespace.set(namespace, nodes);
  }
  return byNamespace;
}
