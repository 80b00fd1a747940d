import type { EdgeTarget } from "./edges.js";
import type { Question } from "./reach.js";
import { declareQuestions } from "./reach.js";

/*
 * The requests the attack-path edges ask about, one module constant each (the role memo in reach.ts is
 * keyed by the question object), and which kind of node an edge asking each one can lead to.
 */

const core = (verb: string, resource: string, subresource?: string, clusterScoped = false): Question => ({
  verb,
  group: "",
  resource,
  ...(subresource ? { subresource } : {}),
  ...(clusterScoped ? { clusterScoped } : {}),
});
const grouped = (group: string, verb: string, resource: string, subresource?: string, clusterScoped = false): Question => ({
  ...core(verb, resource, subresource, clusterScoped),
  group,
});

/** Workload controllers create pods on their creator's behalf; a pod template may name any ServiceAccount of the namespace. */
const WORKLOADS: readonly { group: string; resource: string }[] = [
  { group: "apps", resource: "deployments" },
  { group: "apps", resource: "daemonsets" },
  { group: "apps", resource: "statefulsets" },
  { group: "apps", resource: "replicasets" },
  { group: "", resource: "replicationcontrollers" },
  { group: "batch", resource: "jobs" },
  { group: "batch", resource: "cronjobs" },
];

// Every question is a module constant: the role memo in reach.ts is keyed by the question object.
const RBAC = "rbac.authorization.k8s.io";
const ADMISSION = "admissionregistration.k8s.io";
const CERTIFICATES = "certificates.k8s.io";
/** Every question an edge asks, by what it is for. */
export const Q = {
  token: core("create", "serviceaccounts", "token"),
  createPods: core("create", "pods"),
  workloadCreates: WORKLOADS.map((workload) => grouped(workload.group, "create", workload.resource)),
  // A Job's pod template is immutable once created (the server refuses a new serviceAccountName): no update edge.
  workloadUpdates: WORKLOADS.filter((workload) => workload.resource !== "jobs").flatMap((workload) =>
    ["patch", "update"].map((verb) => grouped(workload.group, verb, workload.resource)),
  ),
  podChanges: [
    core("patch", "pods"),
    core("update", "pods"),
    core("create", "pods", "exec"),
    core("create", "pods", "attach"),
    core("patch", "pods", "ephemeralcontainers"),
    core("update", "pods", "ephemeralcontainers"),
  ],
  secretReads: ["get", "list", "watch"].map((verb) => core(verb, "secrets")),
  secretCreate: core("create", "secrets"),
  legacyUsers: core("impersonate", "users", undefined, true),
  legacyGroups: core("impersonate", "groups", undefined, true),
  legacyAccounts: core("impersonate", "serviceaccounts"),
  infoUsers: grouped("authentication.k8s.io", "impersonate:user-info", "users", undefined, true),
  infoGroups: grouped("authentication.k8s.io", "impersonate:user-info", "groups", undefined, true),
  infoAccounts: grouped("authentication.k8s.io", "impersonate:serviceaccount", "serviceaccounts"),
  // Constrained impersonation of any node, and what a node's identity is for: its pods' Secrets and tokens.
  arbitraryNode: grouped("authentication.k8s.io", "impersonate:arbitrary-node", "nodes", undefined, true),
  onNode: [core("impersonate-on:arbitrary-node:get", "secrets"), core("impersonate-on:arbitrary-node:create", "serviceaccounts", "token")],
  // The node a ServiceAccount's pod-bound token names (extra authentication.kubernetes.io/node-name): the
  // server asks it on name "*" (checked on v1.37.2: a rule limited to the node's name is refused).
  associatedNode: grouped("authentication.k8s.io", "impersonate:associated-node", "nodes", undefined, true),
  onAssociatedNode: [core("impersonate-on:associated-node:get", "secrets"), core("impersonate-on:associated-node:create", "serviceaccounts", "token")],
  createClusterBinding: grouped(RBAC, "create", "clusterrolebindings", undefined, true),
  bindClusterRole: grouped(RBAC, "bind", "clusterroles", undefined, true),
  escalateClusterRole: grouped(RBAC, "escalate", "clusterroles", undefined, true),
  // A self-grant (self-grant.ts): a RoleBinding of a role it may bind, or a role bound to it that it may escalate.
  createRoleBinding: grouped(RBAC, "create", "rolebindings"),
  // Adding itself to an existing binding is bound by the same bind check as a create.
  writeRoleBinding: ["patch", "update"].map((verb) => grouped(RBAC, verb, "rolebindings")),
  writeClusterBinding: ["patch", "update"].map((verb) => grouped(RBAC, verb, "clusterrolebindings", undefined, true)),
  bindInNamespace: [grouped(RBAC, "bind", "clusterroles"), grouped(RBAC, "bind", "roles")],
  escalateRole: grouped(RBAC, "escalate", "roles"),
  writeRole: ["patch", "update"].map((verb) => grouped(RBAC, verb, "roles")),
  // A role created with any rules (escalate), then bound (bind): both kinds.
  createRole: grouped(RBAC, "create", "roles"),
  createClusterRole: grouped(RBAC, "create", "clusterroles", undefined, true),
  writeClusterRole: ["patch", "update"].map((verb) => grouped(RBAC, verb, "clusterroles", undefined, true)),
  createCsr: grouped(CERTIFICATES, "create", "certificatesigningrequests", undefined, true),
  approveCsr: grouped(CERTIFICATES, "update", "certificatesigningrequests", "approval", true),
  approveSigner: grouped(CERTIFICATES, "approve", "signers", undefined, true),
  readCsr: grouped(CERTIFICATES, "get", "certificatesigningrequests", undefined, true),
  nodesProxy: ["get", "create"].map((verb) => core(verb, "nodes", "proxy", true)),
  webhooks: ["create", "update", "patch"].map((verb) => grouped(ADMISSION, verb, "mutatingwebhookconfigurations", undefined, true)),
  policies: ["create", "update", "patch"].map((verb) => grouped(ADMISSION, verb, "mutatingadmissionpolicies", undefined, true)),
  policyBinding: grouped(ADMISSION, "create", "mutatingadmissionpolicybindings", undefined, true),
  // Past Pod Security (escape-bypass.ts). A request for one Namespace object is made in that namespace
  // (rbac/namespace-requests.ts), so a RoleBinding there allows it: not cluster-scoped here.
  namespaceWrites: ["patch", "update"].map((verb) => core(verb, "namespaces")),
  createPersistentVolumes: core("create", "persistentvolumes", undefined, true),
  createClaims: core("create", "persistentvolumeclaims"),
};

declareQuestions(Object.values(Q).flat());

/** A kind of node an edge leads to (a self-grant leads back to its identity). */
type NodeKind = Exclude<EdgeTarget["kind"], "self">;

/** Which kinds of node an edge asking a question can lead to (every question of an edge, so a superset). */
const REACHES = new Map<Question, readonly NodeKind[]>();
const leadTo = (kinds: readonly NodeKind[], ...questions: (Question | Question[])[]): void => {
  for (const question of questions.flat()) REACHES.set(question, kinds);
};
leadTo(["power"], Q.createClusterBinding, Q.bindClusterRole, Q.escalateClusterRole, Q.writeClusterRole);
leadTo(["users", "node"], Q.legacyUsers);
leadTo(["node"], Q.arbitraryNode, Q.onNode, Q.associatedNode, Q.onAssociatedNode);
leadTo(["users"], Q.infoUsers);
leadTo(["groups", "node"], Q.legacyGroups);
leadTo(["groups"], Q.infoGroups);
// A relabelled namespace or a hostPath PersistentVolume lets a pod creator onto a node (escape-bypass.ts); a claim
// alone leads nowhere, but counts as a pod creation does (the search's escapes), so its grant is kept.
leadTo(["node"], Q.namespaceWrites);
leadTo(["serviceaccounts", "node"], Q.createPersistentVolumes);
leadTo(["users", "groups", "node"], Q.createCsr, Q.approveCsr, Q.approveSigner, Q.readCsr);
// Alone these lead nowhere: a self-grant needs bind or escalate too, which the masks count.
leadTo([], Q.createRoleBinding, Q.writeRole, Q.writeRoleBinding, Q.writeClusterBinding, Q.createRole, Q.createClusterRole);
for (const question of Object.values(Q).flat()) if (!REACHES.has(question)) REACHES.set(question, ["serviceaccounts"]);

/** The kinds of node the edges that ask this declared question lead to: what search.ts needs reached before it builds them. */
export function reachedKindsOf(question: Question): readonly NodeKind[] {
  return REACHES.get(question) ?? [];
}

/** True for a question only constrained impersonation edges ask (they can skip a level of the search). */
export function isConstrainedQuestion(question: Question): boolean {
  return question === Q.infoUsers || question === Q.infoAccounts || question === Q.arbitraryNode || question === Q.associatedNode;
}

/** `create pods/exec`, `bind clusterroles.rbac.authorization.k8s.io`. */
export function questionText(question: Question): string {
  return `${question.verb} ${question.resource}${question.subresource ? `/${question.subresource}` : ""}${question.group ? `.${question.group}` : ""}`;
}
