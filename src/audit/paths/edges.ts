import type { Evidence, PermissionSource, Question, Reach } from "./reach.js";
import { intersectReach } from "./reach.js";

/*
 * The edges of the attack-path graph: "with this permission, the identity can act as that one" (or
 * take cluster-admin power outright). Each edge names the requests it relies on (evidence) and what
 * it reaches; whether a reached ServiceAccount really exists, runs a pod or has a token Secret is
 * decided later from the facts the audit could see (search.ts). Sources: the Kubernetes RBAC good
 * practices, rbac-police and KubeHound's edge catalogues; every edge was checked on kube-apiserver v1.37.
 */

/** What a ServiceAccount must have for the edge to reach it. */
export type Need = "exists" | "pod" | "token-secret" | `workload:${string}`;

/** What an edge leads to. `namespace` "" means every namespace; absent `names` means every name. */
export type EdgeTarget =
  | { kind: "power" }
  | { kind: "serviceaccounts"; namespace: string; names?: readonly string[]; need: Need }
  | { kind: "users"; names?: readonly string[] }
  | { kind: "groups"; names?: readonly string[]; except?: readonly string[] };

/** One way an identity can act as others. */
export interface Edge {
  /** `serviceaccount-token`, `pod-create`, `impersonate`, ... */
  kind: string;
  /** The permission in words, without the target: `create serviceaccounts/token`. */
  permission: string;
  target: EdgeTarget;
  evidence: Evidence[];
  /** The request names the identity reached (a token for it, impersonating it). */
  namesTarget?: boolean;
  /** Constrained impersonation: the mode; the target is then acted as only through `impersonate-on`. */
  constrained?: string;
  /** A condition no fact can settle (names of Secrets or pods it is limited to). */
  precondition?: string;
}

/** What the edges need besides the identity's permissions. */
export interface EdgeContext {
  /** ClusterRoles that grant cluster-admin power (a full wildcard rule), `cluster-admin` always among them. */
  adminRoles: ReadonlySet<string>;
  /** Names of the ClusterRoles bound to the identity through ClusterRoleBindings (what `escalate` can grow). */
  boundClusterRoles: readonly string[];
}

const MASTERS = "system:masters";

const core = (verb: string, resource: string, subresource?: string, clusterScoped = false): Question => ({ verb, group: "", resource, ...(subresource ? { subresource } : {}), ...(clusterScoped ? { clusterScoped } : {}) });
const grouped = (group: string, verb: string, resource: string, subresource?: string, clusterScoped = false): Question => ({ ...core(verb, resource, subresource, clusterScoped), group });

/** Workload controllers create pods on their creator's behalf; a pod template may name any ServiceAccount of the namespace. */
export const WORKLOADS: readonly { group: string; resource: string }[] = [
  { group: "apps", resource: "deployments" },
  { group: "apps", resource: "daemonsets" },
  { group: "apps", resource: "statefulsets" },
  { group: "apps", resource: "replicasets" },
  { group: "", resource: "replicationcontrollers" },
  { group: "batch", resource: "jobs" },
  { group: "batch", resource: "cronjobs" },
];

/** `create pods/exec`, `bind clusterroles.rbac.authorization.k8s.io`. */
export function questionText(question: Question): string {
  return `${question.verb} ${question.resource}${question.subresource ? `/${question.subresource}` : ""}${question.group ? `.${question.group}` : ""}`;
}

/** Reaches without resourceNames: a create names no object, so a rule limited by names never allows it. */
const unnamed = (reaches: Reach[]): Reach[] => reaches.filter((reach) => !reach.names);

function toServiceAccounts(kind: string, question: Question, reaches: Reach[], need: Need, extra: Partial<Edge> = {}): Edge[] {
  return reaches.map((reach) => ({
    kind,
    permission: questionText(question),
    target: { kind: "serviceaccounts", namespace: reach.namespace, ...(reach.names && extra.namesTarget ? { names: reach.names } : {}), need },
    evidence: reach.evidence,
    ...extra,
    ...(reach.names && !extra.namesTarget ? { precondition: `only ${question.resource} named ${reach.names.join(", ")}` } : {}),
  }));
}

function podEdges(source: PermissionSource): Edge[] {
  const edges: Edge[] = [];
  const create = core("create", "pods");
  edges.push(...toServiceAccounts("pod-create", create, unnamed(source.reach(create)), "exists"));
  for (const workload of WORKLOADS) {
    const question = grouped(workload.group, "create", workload.resource);
    edges.push(...toServiceAccounts("workload-create", question, unnamed(source.reach(question)), "exists"));
  }
  for (const workload of WORKLOADS) {
    for (const verb of ["patch", "update"]) {
      const question = grouped(workload.group, verb, workload.resource);
      edges.push(...toServiceAccounts("workload-update", question, source.reach(question), `workload:${workload.resource}`));
    }
  }
  for (const question of [core("patch", "pods"), core("update", "pods"), core("create", "pods", "exec"), core("create", "pods", "attach"), core("patch", "pods", "ephemeralcontainers"), core("update", "pods", "ephemeralcontainers")]) {
    edges.push(...toServiceAccounts(question.subresource ? `pod-${question.subresource}` : "pod-update", question, source.reach(question), "pod"));
  }
  return edges;
}

function secretEdges(source: PermissionSource): Edge[] {
  const token = core("create", "serviceaccounts", "token");
  // A TokenRequest names its ServiceAccount, so resourceNames limit which ones.
  const edges: Edge[] = toServiceAccounts("serviceaccount-token", token, source.reach(token), "exists", { namesTarget: true });
  const reads = ["get", "list", "watch"].map((verb) => core(verb, "secrets"));
  for (const question of reads) edges.push(...toServiceAccounts("secret-read", question, source.reach(question), "token-secret"));
  // Create alone leaves the token unreadable (the server refuses even kubectl apply's read): it needs a read too.
  const create = core("create", "secrets");
  for (const made of unnamed(source.reach(create))) {
    for (const question of reads) {
      for (const read of source.reach(question)) {
        const both = intersectReach({ namespace: made.namespace, evidence: made.evidence }, { namespace: read.namespace, evidence: read.evidence });
        if (both) edges.push({ kind: "secret-create-read", permission: `create and ${question.verb} secrets`, target: { kind: "serviceaccounts", namespace: both.namespace, need: "exists" }, evidence: both.evidence });
      }
    }
  }
  return edges;
}

function impersonationEdges(source: PermissionSource): Edge[] {
  const edges: Edge[] = [];
  const legacyUsers = core("impersonate", "users", undefined, true);
  const legacyAccounts = core("impersonate", "serviceaccounts");
  const users = source.reach(legacyUsers);
  const accounts = source.reach(legacyAccounts);
  for (const reach of users) edges.push({ kind: "impersonate", permission: questionText(legacyUsers), target: { kind: "users", ...(reach.names ? { names: reach.names } : {}) }, evidence: reach.evidence, namesTarget: true });
  edges.push(...toServiceAccounts("impersonate", legacyAccounts, accounts, "exists", { namesTarget: true }));
  // A group can only be impersonated together with a user (the server refuses Impersonate-Group alone).
  const asSomeone = users[0] ?? accounts[0];
  const legacyGroups = core("impersonate", "groups", undefined, true);
  if (asSomeone) {
    for (const reach of source.reach(legacyGroups)) {
      edges.push({ kind: "impersonate", permission: questionText(legacyGroups), target: { kind: "groups", ...(reach.names ? { names: reach.names } : {}) }, evidence: [...reach.evidence, ...asSomeone.evidence], namesTarget: true });
    }
  }
  // Constrained impersonation (on by default since v1.36): the identity verb in authentication.k8s.io.
  const infoUsers = grouped("authentication.k8s.io", "impersonate:user-info", "users", undefined, true);
  const infoGroups = grouped("authentication.k8s.io", "impersonate:user-info", "groups", undefined, true);
  const infoAccounts = grouped("authentication.k8s.io", "impersonate:serviceaccount", "serviceaccounts");
  const constrainedUsers = source.reach(infoUsers);
  for (const reach of constrainedUsers) edges.push({ kind: "impersonate", permission: questionText(infoUsers), target: { kind: "users", ...(reach.names ? { names: reach.names } : {}) }, evidence: reach.evidence, namesTarget: true, constrained: "user-info" });
  if (constrainedUsers[0]) {
    for (const reach of source.reach(infoGroups)) {
      edges.push({ kind: "impersonate", permission: questionText(infoGroups), target: { kind: "groups", ...(reach.names ? { names: reach.names } : {}) }, evidence: [...reach.evidence, ...constrainedUsers[0].evidence], namesTarget: true, constrained: "user-info" });
    }
  }
  edges.push(...toServiceAccounts("impersonate", infoAccounts, source.reach(infoAccounts), "exists", { namesTarget: true, constrained: "serviceaccount" }));
  return edges;
}

function powerEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  const edges: Edge[] = [];
  const power = { kind: "power" } as const;
  const rbac = "rbac.authorization.k8s.io";
  // bind: a binding to a role one does not hold; the server's bind check asks the identity's own permissions.
  const createBinding = unnamed(source.reach(grouped(rbac, "create", "clusterrolebindings", undefined, true)))[0];
  if (createBinding) {
    const bind = source.unrestricted.reach(grouped(rbac, "bind", "clusterroles", undefined, true)).find((reach) => !reach.names || reach.names.some((name) => context.adminRoles.has(name)));
    if (bind) edges.push({ kind: "bind", permission: "create clusterrolebindings and bind a cluster-admin ClusterRole", target: power, evidence: [...createBinding.evidence, ...bind.evidence] });
  }
  // escalate: grow a ClusterRole the identity is bound to cluster-wide into a full wildcard.
  for (const escalate of source.unrestricted.reach(grouped(rbac, "escalate", "clusterroles", undefined, true))) {
    for (const verb of ["patch", "update"]) {
      const write = source.reach(grouped(rbac, verb, "clusterroles", undefined, true)).find((reach) => context.boundClusterRoles.some((name) => (!reach.names || reach.names.includes(name)) && (!escalate.names || escalate.names.includes(name))));
      if (write) {
        edges.push({ kind: "escalate", permission: `escalate and ${verb} a ClusterRole bound to it`, target: power, evidence: [...escalate.evidence, ...write.evidence] });
        break;
      }
    }
  }
  return edges;
}

/**
 * A client certificate for any user and groups: create a CertificateSigningRequest for the
 * kube-apiserver-client signer, approve it, read the certificate the controller-manager signs. The API
 * server's CertificateSubjectRestriction admission refuses O=system:masters for that signer (checked on
 * v1.37), so the edge reaches users and groups, not system:masters itself.
 */
function certificateEdges(source: PermissionSource): Edge[] {
  const certificates = "certificates.k8s.io";
  const createCsr = unnamed(source.reach(grouped(certificates, "create", "certificatesigningrequests", undefined, true)))[0];
  const approval = source.reach(grouped(certificates, "update", "certificatesigningrequests", "approval", true))[0];
  const signer = source.reach(grouped(certificates, "approve", "signers", undefined, true)).find((reach) => !reach.names || reach.names.includes("kubernetes.io/kube-apiserver-client") || reach.names.includes("kubernetes.io/*"));
  const read = source.reach(grouped(certificates, "get", "certificatesigningrequests", undefined, true))[0];
  if (!createCsr || !approval || !signer || !read) return [];
  const evidence = [...createCsr.evidence, ...approval.evidence, ...signer.evidence, ...read.evidence];
  const permission = "create, approve and read a CertificateSigningRequest (signer kubernetes.io/kube-apiserver-client) for";
  return [
    { kind: "csr-approve", permission, target: { kind: "users" }, evidence, namesTarget: true },
    { kind: "csr-approve", permission, target: { kind: "groups", except: [MASTERS] }, evidence, namesTarget: true },
  ];
}

function clusterWideEdges(source: PermissionSource): Edge[] {
  const edges: Edge[] = [];
  for (const verb of ["get", "create"]) {
    const question = core(verb, "nodes", "proxy", true);
    for (const reach of source.reach(question)) edges.push({ kind: "nodes-proxy", permission: `${questionText(question)} (the kubelet API: exec into any pod)`, target: { kind: "serviceaccounts", namespace: "", need: "pod" }, evidence: reach.evidence });
  }
  const admission = "admissionregistration.k8s.io";
  const later = "a pod that runs as it is created after the change";
  for (const verb of ["create", "update", "patch"]) {
    const webhook = grouped(admission, verb, "mutatingwebhookconfigurations", undefined, true);
    const reach = (verb === "create" ? unnamed(source.reach(webhook)) : source.reach(webhook))[0];
    if (reach) edges.push({ kind: "mutating-admission", permission: `${questionText(webhook)} (mutate every new pod)`, target: { kind: "serviceaccounts", namespace: "", need: "exists" }, evidence: reach.evidence, precondition: later });
    const policy = unnamed(source.reach(grouped(admission, verb, "mutatingadmissionpolicies", undefined, true)))[0];
    const binding = unnamed(source.reach(grouped(admission, "create", "mutatingadmissionpolicybindings", undefined, true)))[0];
    if (policy && binding) edges.push({ kind: "mutating-admission", permission: `${verb} mutatingadmissionpolicies and create mutatingadmissionpolicybindings (mutate every new pod)`, target: { kind: "serviceaccounts", namespace: "", need: "exists" }, evidence: [...policy.evidence, ...binding.evidence], precondition: later });
  }
  return edges;
}

/**
 * Every edge out of an identity. Impersonation edges are left out for an identity that is itself
 * being impersonated (a request carries one set of impersonation headers).
 */
export function edgesOf(source: PermissionSource, context: EdgeContext): Edge[] {
  const impersonated = source.unrestricted !== source;
  return [
    ...powerEdges(source, context),
    ...(impersonated ? [] : impersonationEdges(source)),
    ...certificateEdges(source),
    ...secretEdges(source),
    ...podEdges(source),
    ...clusterWideEdges(source),
  ];
}
