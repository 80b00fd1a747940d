/*
 * The Secrets a pod refers to, as the Node authorizer counts them (Kubernetes' VisitPodSecretNames:
 * image pull Secrets, every container's env and envFrom, and the Secret-bearing volume sources), split
 * by who can read them: its containers see the Secrets of its env and its secret and projected volumes;
 * its node reads all of them (to pull images, to mount volumes). A legacy ServiceAccount token Secret
 * among them hands that ServiceAccount's token to both, whatever ServiceAccount the pod runs as.
 */

import type { MountedToken, NodeTokenSecret } from "../paths/facts.js";
import { containersOf, objectsIn, type Raw } from "./pod-spec.js";

/** Secret names a pod refers to: those its containers can read, and those only its node reads for it. */
export interface PodSecretNames {
  containers: string[];
  node: string[];
}

const nameOf = (value: unknown, field = "name"): string | undefined => {
  const name = value && typeof value === "object" ? (value as Raw)[field] : undefined;
  return typeof name === "string" && name ? name : undefined;
};

/** Volume sources whose Secret only the kubelet reads (credentials of a volume plugin), and the field naming it. */
const PLUGIN_SECRETS: readonly [string, string, string][] = [
  ["azureFile", "secretName", ""],
  ["cephfs", "secretRef", "name"],
  ["cinder", "secretRef", "name"],
  ["flexVolume", "secretRef", "name"],
  ["rbd", "secretRef", "name"],
  ["scaleIO", "secretRef", "name"],
  ["iscsi", "secretRef", "name"],
  ["storageos", "secretRef", "name"],
  ["csi", "nodePublishSecretRef", "name"],
];

/** The Secret names of a pod's spec (a full pod as the API serves it). */
export function podSecretNames(pod: Raw): PodSecretNames {
  const spec = (pod.spec ?? {}) as Raw;
  const containers = new Set<string>();
  const node = new Set<string>();
  const add = (into: Set<string>, name: string | undefined): void => {
    if (name) into.add(name);
  };
  for (const container of containersOf(spec)) {
    for (const from of objectsIn(container.envFrom)) add(containers, nameOf(from.secretRef));
    for (const variable of objectsIn(container.env)) add(containers, nameOf((variable.valueFrom as Raw | undefined)?.secretKeyRef));
  }
  for (const volume of objectsIn(spec.volumes)) {
    add(containers, nameOf(volume.secret, "secretName"));
    for (const source of objectsIn((volume.projected as Raw | undefined)?.sources)) add(containers, nameOf(source.secret));
    for (const [kind, field, inner] of PLUGIN_SECRETS) {
      const source = volume[kind] as Raw | undefined;
      if (source && typeof source === "object") add(node, inner ? nameOf(source[field], inner) : nameOf(source, field));
    }
  }
  for (const reference of objectsIn(spec.imagePullSecrets)) add(node, nameOf(reference));
  for (const name of containers) node.delete(name);
  return { containers: [...containers], node: [...node] };
}

/** What the live audit keeps of a pod's Secret references (podServiceAccountOnly's `secretNames`). */
export function keptSecretNames(pod: Raw): PodSecretNames | undefined {
  const kept = pod.secretNames as PodSecretNames | undefined;
  return kept && Array.isArray(kept.containers) && Array.isArray(kept.node) ? kept : undefined;
}

function namespaceOf(pod: Raw): string | undefined {
  const namespace = ((pod.metadata ?? {}) as Raw).namespace;
  return typeof namespace === "string" && namespace ? namespace : undefined;
}

/**
 * Every ServiceAccount (`namespace/name`) whose legacy token Secret a pod's containers can read, with the
 * first such pod: exec, attach or a new image in that pod acts as it, whatever ServiceAccount the pod
 * runs as. `owners` is the ServiceAccount of every legacy token Secret by `namespace/secret`.
 */
export function mountedTokens(pods: readonly Raw[], owners: ReadonlyMap<string, string>): Map<string, MountedToken> {
  const accounts = new Map<string, MountedToken>();
  for (const pod of pods) {
    const namespace = namespaceOf(pod);
    const names = keptSecretNames(pod);
    if (!namespace || !names) continue;
    for (const secret of names.containers) {
      const owner = owners.get(`${namespace}/${secret}`);
      const key = `${namespace}/${owner}`;
      if (owner && !accounts.has(key)) accounts.set(key, { pod: `${namespace}/${String(((pod.metadata ?? {}) as Raw).name ?? "")}`, secret });
    }
  }
  return accounts;
}

/** The legacy token Secrets each node can read for the pods bound to it (spec.nodeName), by node name. */
export function nodeTokenSecrets(pods: readonly Raw[], owners: ReadonlyMap<string, string>): Map<string, NodeTokenSecret[]> {
  const byNode = new Map<string, NodeTokenSecret[]>();
  for (const pod of pods) {
    const namespace = namespaceOf(pod);
    const node = ((pod.spec ?? {}) as Raw).nodeName;
    const names = keptSecretNames(pod);
    if (!namespace || typeof node !== "string" || !node || !names) continue;
    for (const secret of [...names.containers, ...names.node]) {
      const owner = owners.get(`${namespace}/${secret}`);
      if (!owner) continue;
      const found = byNode.get(node) ?? [];
      if (found.some((known) => known.namespace === namespace && known.secret === secret)) continue;
      found.push({ namespace, secret, owner, pod: String(((pod.metadata ?? {}) as Raw).name ?? "") });
      byNode.set(node, found);
    }
  }
  return byNode;
}
