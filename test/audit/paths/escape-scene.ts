import { kubectl, signClientCertificate, uniqueNamespace, writeKubeconfig, type KubectlResult } from "../../support/cluster.js";

/*
 * The scene of the live node-escape tests (node-escape.int.test.ts, future-pods.int.test.ts): two pod
 * creators, dev where no Pod Security level is enforced and careful where baseline is, a Node object to
 * take, and the server's own answer to the privileged pod either would create.
 */

const RBAC = "rbac.authorization.k8s.io";

/** Namespaces, users and the Node object of one escape test; `objects` grant the users pod creation. */
export interface EscapeScene {
  id: string;
  /** dev's namespace: no Pod Security level. */
  free: string;
  /** careful's namespace: Pod Security baseline enforced. */
  confined: string;
  node: string;
  dev: string;
  careful: string;
  /** The Node object (delete it after the test). */
  nodes: Record<string, unknown>[];
  /** dev's and careful's Roles and RoleBindings: create pods in their namespaces. */
  objects: Record<string, unknown>[];
}

function podCreator(user: string, namespace: string): Record<string, unknown>[] {
  return [
    { apiVersion: `${RBAC}/v1`, kind: "Role", metadata: { name: "run", namespace }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }] },
    {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: "run", namespace },
      roleRef: { apiGroup: RBAC, kind: "Role", name: "run" },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  ];
}

/** Makes the namespaces (confined labelled baseline) and names the rest; nothing else is created yet. */
export async function escapeScene(prefix: string): Promise<EscapeScene> {
  const id = await uniqueNamespace(prefix);
  const free = await uniqueNamespace("free");
  const confined = await uniqueNamespace("confined");
  await kubectl(["label", "namespace", confined, "pod-security.kubernetes.io/enforce=baseline"]);
  const [dev, careful] = [`dev-${id}`, `careful-${id}`];
  const node = `n-${id}`;
  return {
    id,
    free,
    confined,
    node,
    dev,
    careful,
    nodes: [{ apiVersion: "v1", kind: "Node", metadata: { name: node } }],
    objects: [...podCreator(dev, free), ...podCreator(careful, confined)],
  };
}

/** The server's answer (a dry run, as `user` with a client certificate) to a privileged pod with the host's filesystem bound to `node`. */
export function privilegedPodDryRun(user: string, namespace: string, node: string): Promise<KubectlResult> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "escape", namespace },
    spec: {
      nodeName: node,
      hostPID: true,
      containers: [{ name: "c", image: "busybox", securityContext: { privileged: true }, volumeMounts: [{ name: "host", mountPath: "/host" }] }],
      volumes: [{ name: "host", hostPath: { path: "/" } }],
    },
  };
  const cert = signClientCertificate(user);
  const kubeconfig = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
  return kubectl(["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(pod), kubeconfig });
}
