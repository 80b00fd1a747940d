import type { ObjectRef } from "../../model/report.js";
import type { ConfinedNamespaces } from "./escape-bypass.js";
import type { EscapeWay } from "./facts.js";
import { escapeEdges } from "./escape-edges.js";
import { arbitraryNodeImpersonation, associatedNodeImpersonation, nodeImpersonation } from "./node-edges.js";
import { Q, questionText } from "./questions.js";
import type { Evidence, PermissionSource, Question, Reach } from "./reach.js";
import { intersectReach, unnamed } from "./reach.js";
import { NODES_GROUP, NODE_USER_PREFIX } from "./targets.js";

/*
 * The edges of the attack-path graph: "with this permission, the identity can act as that one" (or
 * take cluster-admin power outright). Each edge names the requests it relies on (evidence) and what
 * it reaches; whether a reached ServiceAccount really exists, runs a pod or has a token Secret is
 * decided later from the facts the audit could see (search.ts). Sources: the Kubernetes RBAC good
 * practices, rbac-police and KubeHound's edge catalogues; every edge was checked on kube-apiserver v1.37.
 */

/** What a ServiceAccount must have for the edge to reach it (`node:<name>`: a pod bound to that node, `*` any). */
export type Need = "exists" | "pod" | "token-secret" | `workload:${string}` | `node:${string}`;

/** What an edge leads to. `namespace` "" means every namespace; absent `names` means every name. */
export type EdgeTarget =
  | { kind: "power" }
  /** `future`: only the ServiceAccounts a pod the scheduler binds later runs as (future-pods.ts), wherever they are. */
  | { kind: "serviceaccounts"; namespace: string; names?: readonly string[]; need: Need; future?: true }
  | { kind: "users"; names?: readonly string[] }
  | { kind: "groups"; names?: readonly string[]; except?: readonly string[] }
  /** A node's identity (user system:node:<name> in group system:nodes); `names` are such user names. */
  | { kind: "node"; names?: readonly string[] }
  /** The identity itself, with more permissions (a self-grant: self-grant.ts). */
  | { kind: "self"; names?: undefined };

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
  /**
   * The identity reached is acted as only for requests that go no further (constrained impersonation
   * allowing reads): a route may end at a goal there (high-value.ts), not go on from it.
   */
  goalOnly?: boolean;
  /**
   * Requests an authorizer other than RBAC allows (no grant to name): who allows them, what they are, the
   * name they carry (else the identity reached's), and what they await (PathRequest.awaits: future-pods.ts).
   */
  authorizer?: { by: string; questions: readonly Question[]; name?: string; awaits?: string };
  /** The self-grant (bind-self, escalate-self) taken before this edge: the edge uses what it grants. */
  grantFirst?: Edge;
  /** A self-grant's role: the name its bind, escalate and update requests carry. */
  grantsRole?: ObjectRef;
  /** The namespace its requests are made in when the grant is cluster-wide: a self-grant's binding or role, an escape's pod. */
  inNamespace?: string;
  /** A route goes on through the identity reached, never ends there as at a goal (high-value.ts): an escape to a node. */
  notGoal?: boolean;
  /** The existing binding a bind edge adds the identity to: the name its patch or update request carries. */
  bindingName?: string;
}

/** What the edges need besides the identity's permissions. */
export interface EdgeContext {
  /** ClusterRoles that grant cluster-admin power (a full wildcard rule), `cluster-admin` always among them. */
  adminRoles: ReadonlySet<string>;
  /** Names of the ClusterRoles bound to the identity through ClusterRoleBindings (what `escalate` can grow). */
  boundClusterRoles: readonly string[];
  /** The names of the ClusterRoleBindings of a ClusterRole (`cluster-admin`'s always among cluster-admin's). */
  clusterBindingsTo?(roleName: string): readonly string[];
  /** Live: the ServiceAccount of each legacy token Secret, by `namespace/secret`. */
  tokenSecretOwners?: ReadonlyMap<string, string>;
  /** A ServiceAccount's: the nodes its pods are bound to (live); undefined when not known (offline, pods unread). */
  podNodes?: readonly string[];
  /** Where a pod created in a namespace ("" any) can run privileged on a node it names (facts.ts escapeWay). */
  escape?: (namespace: string) => EscapeWay | undefined;
  /** Live: the nodes the pods of each namespace are bound to, for escape-edges.ts. */
  nodesByNamespace?: ReadonlyMap<string, readonly string[]>;
  /** Live: the nodes of the pods with host access, by namespace (facts.ts), for escape-edges.ts. */
  hostPodNodes?: ReadonlyMap<string, readonly string[]>;
  /**
   * Why the pods are unknown, when they are: live, they could not be read (any namespace may run a pod
   * with host access, on any node); offline, the manifests hold none (any namespace where escape allows a privileged pod). escape-edges.ts.
   */
  podsUnknown?: "unread" | "offline";
  /** Where Pod Security confines pods: a way past it (escape-bypass.ts) may still lead to a node. */
  confined?: ConfinedNamespaces;
}

const MASTERS = "system:masters";

/** Shared and never written to: every caller spreads it into its own list. */
const NO_EDGES: readonly Edge[] = [];

function toServiceAccounts(kind: string, question: Question, reaches: Reach[], need: Need, extra: Partial<Edge> = {}): readonly Edge[] {
  if (reaches.length === 0) return NO_EDGES;
  return reaches.map((reach) => ({
    kind,
    permission: questionText(question),
    target: { kind: "serviceaccounts", namespace: reach.namespace, ...(reach.names && extra.namesTarget ? { names: reach.names } : {}), need },
    evidence: reach.evidence,
    ...extra,
    ...(reach.names && !extra.namesTarget ? { precondition: `only ${question.resource} named ${reach.names.join(", ")}` } : {}),
  }));
}

function podEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  const edges: Edge[] = [];
  edges.push(...toServiceAccounts("pod-create", Q.createPods, unnamed(source.reach(Q.createPods)), "exists"));
  for (const question of Q.workloadCreates) edges.push(...toServiceAccounts("workload-create", question, unnamed(source.reach(question)), "exists"));
  for (const question of Q.workloadUpdates)
    edges.push(...toServiceAccounts("workload-update", question, source.reach(question), `workload:${question.resource}`));
  for (const question of Q.podChanges) {
    edges.push(...toServiceAccounts(question.subresource ? `pod-${question.subresource}` : "pod-update", question, source.reach(question), "pod"));
  }
  if (context.escape || context.hostPodNodes || context.podsUnknown || context.confined) edges.push(...escapeEdges(source, context));
  return edges;
}

function secretEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  // A TokenRequest names its ServiceAccount, so resourceNames limit which ones.
  const edges: Edge[] = [];
  edges.push(...toServiceAccounts("serviceaccount-token", Q.token, source.reach(Q.token), "exists", { namesTarget: true }));
  for (const question of Q.secretReads) {
    const reaches = source.reach(question);
    edges.push(
      ...toServiceAccounts(
        "secret-read",
        question,
        reaches.length > 0 && reaches.some((reach) => reach.names) ? reaches.filter((reach) => !reach.names) : reaches,
        "token-secret",
      ),
    );
    // A read limited to named Secrets reaches a ServiceAccount only through a token Secret of that name,
    // which only a live audit sees; offline it would flag every TLS Secret an app may read.
    for (const reach of reaches) {
      if (!reach.names) continue;
      const owners = reach.names.flatMap((name) => context.tokenSecretOwners?.get(`${reach.namespace}/${name}`) ?? []);
      if (owners.length > 0)
        edges.push({
          kind: "secret-read",
          permission: `${questionText(question)} ${reach.names.map((name) => `"${name}"`).join(", ")}`,
          target: { kind: "serviceaccounts", namespace: reach.namespace, names: owners, need: "exists" },
          evidence: reach.evidence,
        });
    }
  }
  // Create alone leaves the token unreadable (the server refuses even kubectl apply's read): it needs a read too.
  for (const made of unnamed(source.reach(Q.secretCreate))) {
    for (const question of Q.secretReads) {
      for (const read of source.reach(question)) {
        const both = intersectReach({ namespace: made.namespace, evidence: made.evidence }, { namespace: read.namespace, evidence: read.evidence });
        if (both)
          edges.push({
            kind: "secret-create-read",
            permission: `create and ${question.verb} secrets`,
            target: { kind: "serviceaccounts", namespace: both.namespace, need: "exists" },
            evidence: both.evidence,
          });
      }
    }
  }
  return edges;
}

function impersonationEdges(source: PermissionSource): Edge[] {
  const edges: Edge[] = [];
  const { legacyUsers, legacyAccounts, legacyGroups, infoUsers, infoGroups, infoAccounts } = Q;
  const users = source.reach(legacyUsers);
  const accounts = source.reach(legacyAccounts);
  for (const reach of users)
    edges.push({
      kind: "impersonate",
      permission: questionText(legacyUsers),
      target: { kind: "users", ...(reach.names ? { names: reach.names } : {}) },
      evidence: reach.evidence,
      namesTarget: true,
    });
  edges.push(...toServiceAccounts("impersonate", legacyAccounts, accounts, "exists", { namesTarget: true }));
  edges.push(...nodeImpersonation(source), ...arbitraryNodeImpersonation(source));
  // A group can only be impersonated together with a user (the server refuses Impersonate-Group alone).
  const asSomeone = users[0] ?? accounts[0];
  if (asSomeone) {
    for (const reach of source.reach(legacyGroups)) {
      edges.push({
        kind: "impersonate",
        permission: questionText(legacyGroups),
        target: { kind: "groups", ...(reach.names ? { names: reach.names } : {}) },
        evidence: [...reach.evidence, ...asSomeone.evidence],
        namesTarget: true,
      });
    }
  }
  // Constrained impersonation (on by default since v1.36): the identity verb in authentication.k8s.io.
  const constrainedUsers = source.reach(infoUsers);
  for (const reach of constrainedUsers)
    edges.push({
      kind: "impersonate",
      permission: questionText(infoUsers),
      target: { kind: "users", ...(reach.names ? { names: reach.names } : {}) },
      evidence: reach.evidence,
      namesTarget: true,
      constrained: "user-info",
    });
  if (constrainedUsers[0]) {
    for (const reach of source.reach(infoGroups)) {
      edges.push({
        kind: "impersonate",
        permission: questionText(infoGroups),
        target: { kind: "groups", ...(reach.names ? { names: reach.names } : {}) },
        evidence: [...reach.evidence, ...constrainedUsers[0].evidence],
        namesTarget: true,
        constrained: "user-info",
      });
    }
  }
  edges.push(...toServiceAccounts("impersonate", infoAccounts, source.reach(infoAccounts), "exists", { namesTarget: true, constrained: "serviceaccount" }));
  return edges;
}

function powerEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  const edges: Edge[] = [];
  const power = { kind: "power" } as const;
  // bind: a binding to a role one does not hold; the server's bind check asks the identity's own permissions.
  const createBinding = unnamed(source.reach(Q.createClusterBinding))[0];
  if (createBinding) {
    const bind = source.unrestricted.reach(Q.bindClusterRole).find((reach) => !reach.names || reach.names.some((name) => context.adminRoles.has(name)));
    if (bind)
      edges.push({
        kind: "bind",
        permission: "create clusterrolebindings and bind a cluster-admin ClusterRole",
        target: power,
        evidence: [...createBinding.evidence, ...bind.evidence],
      });
  }
  // bind again: add itself to an existing ClusterRoleBinding of a cluster-admin ClusterRole (the bind check is the same).
  edges.push(...existingAdminBinding(source, context));
  // escalate: grow a ClusterRole the identity is bound to cluster-wide into a full wildcard.
  for (const escalate of source.unrestricted.reach(Q.escalateClusterRole)) {
    for (const question of Q.writeClusterRole) {
      const write = source
        .reach(question)
        .find((reach) =>
          context.boundClusterRoles.some((name) => (!reach.names || reach.names.includes(name)) && (!escalate.names || escalate.names.includes(name))),
        );
      if (write) {
        edges.push({
          kind: "escalate",
          permission: `escalate and ${question.verb} a ClusterRole bound to it`,
          target: power,
          evidence: [...escalate.evidence, ...write.evidence],
        });
        break;
      }
    }
  }
  return edges;
}

/** An existing ClusterRoleBinding of a ClusterRole that the identity may patch or update (adding itself to it). */
export function writableClusterBinding(
  source: PermissionSource,
  bindings: readonly string[],
): { name: string; verb: string; evidence: Evidence[] } | undefined {
  for (const question of Q.writeClusterBinding) {
    for (const write of source.reach(question)) {
      const name = bindings.find((binding) => !write.names || write.names.includes(binding));
      if (name) return { name, verb: question.verb, evidence: write.evidence };
    }
  }
  return undefined;
}

/** Patch or update of an existing ClusterRoleBinding to a cluster-admin ClusterRole, with bind on that role. */
function existingAdminBinding(source: PermissionSource, context: EdgeContext): Edge[] {
  for (const bind of source.unrestricted.reach(Q.bindClusterRole)) {
    for (const role of bind.names?.filter((name) => context.adminRoles.has(name)) ?? context.adminRoles) {
      const write = writableClusterBinding(source, context.clusterBindingsTo?.(role) ?? []);
      if (write)
        return [
          {
            kind: "bind",
            permission: `${write.verb} ClusterRoleBinding ${write.name} (adding itself) and bind ClusterRole ${role}`,
            target: { kind: "power" },
            evidence: [...write.evidence, ...bind.evidence],
            grantsRole: { kind: "ClusterRole", name: role },
            bindingName: write.name,
          },
        ];
    }
  }
  return [];
}

/**
 * A client certificate for any user and groups: create a CertificateSigningRequest for the
 * kube-apiserver-client signer, approve it, read the certificate the controller-manager signs. The API
 * server's CertificateSubjectRestriction admission refuses O=system:masters for that signer (checked on
 * v1.37), so the edge reaches users and groups, not system:masters itself.
 */
function certificateEdges(source: PermissionSource): Edge[] {
  const createCsr = unnamed(source.reach(Q.createCsr))[0];
  const approval = source.reach(Q.approveCsr)[0];
  const read = source.reach(Q.readCsr)[0];
  if (!createCsr || !approval || !read) return [];
  const edges: Edge[] = [];
  for (const signerName of [CLIENT_SIGNER, KUBELET_CLIENT_SIGNER]) {
    const signer = source.reach(Q.approveSigner).find((reach) => !reach.names || reach.names.includes(signerName) || reach.names.includes("kubernetes.io/*"));
    if (!signer) continue;
    const evidence = [...createCsr.evidence, ...approval.evidence, ...signer.evidence, ...read.evidence];
    const permission = `create, approve and read a CertificateSigningRequest (signer ${signerName}) for`;
    // The kubelet-client signer signs only O=system:nodes, CN=system:node:<name> (a node's identity);
    // the client signer any subject but system:masters, a node's too.
    if (signerName === CLIENT_SIGNER)
      edges.push(
        { kind: "csr-approve", permission, target: { kind: "users" }, evidence, namesTarget: true },
        { kind: "csr-approve", permission, target: { kind: "groups", except: [MASTERS] }, evidence, namesTarget: true },
      );
    edges.push({ kind: "csr-approve", permission: `${permission} O=${NODES_GROUP}, CN=${NODE_USER_PREFIX}<node>`, target: { kind: "node" }, evidence });
    // A node's certificate is group system:nodes too: whatever RBAC grants that group.
    if (signerName === KUBELET_CLIENT_SIGNER)
      edges.push({ kind: "csr-approve", permission, target: { kind: "groups", names: [NODES_GROUP] }, evidence, namesTarget: true });
  }
  return edges;
}

/** The signer of client certificates for any subject (system:masters refused by admission). */
export const CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";
/** The signer of kubelets' client certificates: node identities only. */
export const KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";

function clusterWideEdges(source: PermissionSource): Edge[] {
  const edges: Edge[] = [];
  for (const question of Q.nodesProxy) {
    for (const reach of source.reach(question))
      edges.push({
        kind: "nodes-proxy",
        permission: `${questionText(question)} (the kubelet API: exec into any pod)`,
        target: { kind: "serviceaccounts", namespace: "", need: "pod" },
        evidence: reach.evidence,
      });
  }
  const later = "a pod that runs as it is created after the change";
  Q.webhooks.forEach((webhook, position) => {
    const reach = (webhook.verb === "create" ? unnamed(source.reach(webhook)) : source.reach(webhook))[0];
    if (reach)
      edges.push({
        kind: "mutating-admission",
        permission: `${questionText(webhook)} (mutate every new pod)`,
        target: { kind: "serviceaccounts", namespace: "", need: "exists" },
        evidence: reach.evidence,
        precondition: later,
      });
    const policyQuestion = Q.policies[position] as Question;
    const policy = unnamed(source.reach(policyQuestion))[0];
    const binding = policy && unnamed(source.reach(Q.policyBinding))[0];
    if (policy && binding)
      edges.push({
        kind: "mutating-admission",
        permission: `${policyQuestion.verb} mutatingadmissionpolicies and create mutatingadmissionpolicybindings (mutate every new pod)`,
        target: { kind: "serviceaccounts", namespace: "", need: "exists" },
        evidence: [...policy.evidence, ...binding.evidence],
        precondition: later,
      });
  });
  return edges;
}

/**
 * Every edge out of an identity. Impersonation edges are left out for an identity that is itself
 * being impersonated (a request carries one set of impersonation headers).
 */
export function edgesOf(source: PermissionSource, context: EdgeContext): Edge[] {
  const impersonated = source.unrestricted !== source;
  if (!source.asksAnything) return [];
  return [
    ...powerEdges(source, context),
    ...(impersonated ? [] : [...impersonationEdges(source), ...associatedNodeImpersonation(source, context.podNodes)]),
    ...certificateEdges(source),
    ...secretEdges(source, context),
    ...podEdges(source, context),
    ...clusterWideEdges(source),
  ];
}
