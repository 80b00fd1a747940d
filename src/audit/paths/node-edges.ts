import type { ObjectRef } from "../../model/report.js";
import type { Edge } from "./edges.js";
import { Q, questionText } from "./questions.js";
import type { NodeTokenSecret, PathFacts } from "./facts.js";
import { awaitsText, futurePodText, scheduledOn, type FutureTokenSecret } from "./future-pods.js";
import { impersonateOnReach, intersectReach, reachNames, type Evidence, type PermissionSource, type Question, type Reach } from "./reach.js";
import { NODES_GROUP, NODE_USER_PREFIX } from "./targets.js";

/*
 * The edges into and out of a node's identity (user system:node:<name> in group system:nodes). In: legacy
 * or constrained impersonation of a node (CSRs are certificateEdges'). Out: the Node authorizer lets a
 * node create a token for the ServiceAccount of any pod bound to it (checked on v1.37.2: a
 * SubjectAccessReview allows it for a pod's ServiceAccount with spec.nodeName that node, denies it for
 * another node's with "no relationship found", and the token is that ServiceAccount's, with its power).
 */

/** The Node authorizer lets a node get (never list) a Secret its pods refer to. */
const SECRET_GET = Q.secretReads[0] as (typeof Q.secretReads)[number];

/** The node names (`system:node:<name>`) among a reach's user names; undefined when it names none (any user). */
function nodeUsers(reach: Reach): readonly string[] | undefined {
  return reach.names?.filter((name) => name.startsWith(NODE_USER_PREFIX));
}

/**
 * A node's identity by legacy impersonation: the Node authorizer answers only a user named
 * system:node:<name> who is also in group system:nodes, so both headers are needed (a node user alone
 * is an ordinary user to RBAC). resourceNames are honoured: the user names must include a node's, and
 * the edge reaches only those nodes.
 */
export function nodeImpersonation(source: PermissionSource): Edge[] {
  const users = source.reach(Q.legacyUsers);
  const user = users.find((reach) => !reach.names) ?? users.find((reach) => (nodeUsers(reach)?.length ?? 0) > 0);
  const groups = source.reach(Q.legacyGroups);
  const group = groups.find((reach) => !reach.names || reach.names.includes(NODES_GROUP));
  if (!user || !group) return [];
  const names = nodeUsers(user);
  return [
    {
      kind: "impersonate",
      permission: `impersonate users "${names?.[0] ?? `${NODE_USER_PREFIX}<node>`}" and groups "${NODES_GROUP}"`,
      target: { kind: "node", ...(names ? { names } : {}) },
      evidence: [...user.evidence, ...group.evidence],
    },
  ];
}

/**
 * A node's identity by constrained impersonation (mode arbitrary-node, checked on v1.37.2: `--as
 * system:node:<name>` alone, the server adds the group): only for the requests impersonate-on allows.
 * Two edges: one that reaches the node's identity as a goal (high-value.ts) when impersonate-on allows
 * what a node is for (its pods' Secrets, their tokens), and a constrained one that goes on from the node
 * only by the node's edges impersonate-on allows (search.ts; a token where it allows create
 * serviceaccounts/token: checked on v1.37.2, get secrets alone is refused the token).
 */
export function arbitraryNodeImpersonation(source: PermissionSource): Edge[] {
  const nodes = source.reach(Q.arbitraryNode);
  const node = nodes.find((reach) => !reach.names) ?? nodes[0];
  if (!node) return [];
  const names = node.names?.map((name) => `${NODE_USER_PREFIX}${name}`);
  return constrainedNodeEdges(source, "arbitrary-node", Q.onNode, { permission: questionText(Q.arbitraryNode), names, evidence: node.evidence });
}

/**
 * Constrained impersonation of a node (`mode`): the edge that goes on from the node by what impersonate-on
 * allows (search.ts), and a goal-only one when one of `on` (what a node is for: its pods' Secrets, their
 * tokens) is allowed.
 */
function constrainedNodeEdges(
  source: PermissionSource,
  mode: string,
  on: readonly Question[],
  node: { permission: string; names: readonly string[] | undefined; evidence: Evidence[]; precondition?: string },
): Edge[] {
  const target = { kind: "node", ...(node.names ? { names: node.names } : {}) } as const;
  const precondition = node.precondition ? { precondition: node.precondition } : {};
  const edges: Edge[] = [{ kind: "impersonate", permission: node.permission, target, evidence: node.evidence, constrained: mode, ...precondition }];
  const allowed = on.map((question) => source.reach(question)[0]).find((reach) => reach !== undefined);
  if (allowed)
    edges.push({
      kind: "impersonate",
      permission: `${node.permission} and ${questionText(allowed.evidence[0]?.question ?? Q.token)} (constrained impersonation: only what impersonate-on allows)`,
      target,
      evidence: [...node.evidence, ...allowed.evidence],
      goalOnly: true,
      ...precondition,
    });
  return edges;
}

/**
 * The node a ServiceAccount's pod runs on, by constrained impersonation (mode associated-node, checked on
 * v1.37.2): a token bound to a pod carries the pod's node (extra authentication.kubernetes.io/node-name),
 * and with `impersonate:associated-node` on nodes (asked on name "*") the ServiceAccount may act as that
 * node, for what `impersonate-on:associated-node:<verb>` allows; as another node it is asked
 * arbitrary-node's verb instead. `podNodes`: the nodes its pods are bound to (live), else unknown, then
 * the hop's precondition. Like arbitraryNodeImpersonation, a goal-only edge when impersonate-on allows
 * what a node is for.
 */
export function associatedNodeImpersonation(source: PermissionSource, podNodes: readonly string[] | undefined): Edge[] {
  if (source.ref.kind !== "ServiceAccount" || podNodes?.length === 0) return [];
  const node = source.reach(Q.associatedNode).find((reach) => !reach.names || reach.names.includes("*"));
  if (!node) return [];
  return constrainedNodeEdges(source, "associated-node", Q.onAssociatedNode, {
    permission: `${questionText(Q.associatedNode)} (the node its pod runs on)`,
    names: podNodes?.map((name) => `${NODE_USER_PREFIX}${name}`),
    evidence: node.evidence,
    ...(podNodes
      ? {}
      : { precondition: `a pod that runs as ${source.ref.namespace}/${source.ref.name} is bound to the node (its pod-bound token names the node)` }),
  });
}

/**
 * A node's edges while an identity impersonates it with constrained impersonation (`mode`): a token only
 * where the impersonator's `impersonate-on:<mode>:create` on serviceaccounts/token allows, a token Secret
 * (node-secret) only where its `impersonate-on:<mode>:get` on secrets allows that Secret; that
 * permission the edge's evidence.
 */
export function impersonatedNodeEdges(edges: readonly Edge[], impersonator: PermissionSource, mode: string): Edge[] {
  const tokens = impersonateOnReach(impersonator, Q.token, mode);
  return edges.flatMap((edge) => {
    if (edge.target.kind !== "serviceaccounts") return [];
    const target = edge.target;
    // A token Secret the node reads: where `impersonate-on:<mode>:get` on secrets allows that Secret.
    const secret = edge.kind === "node-secret" ? edge.authorizer?.name : undefined;
    const allowed = secret ? impersonateOnReach(impersonator, SECRET_GET, mode).filter((on) => reachNames(on, secret)) : tokens;
    return allowed.flatMap((on) => {
      const both = intersectReach({ namespace: target.namespace, evidence: edge.evidence }, on);
      if (!both) return [];
      // A Secret's names are not ServiceAccounts': the target keeps its owner.
      const names = secret ? target.names : both.names;
      return [{ ...edge, target: { ...target, namespace: both.namespace, ...(names ? { names } : {}) }, evidence: both.evidence }];
    });
  });
}

/** The node's name in a node identity's user name (`*` for any node: the identity offline, or when pods could not be read). */
export function nodeNameOf(ref: ObjectRef): string {
  return ref.name.startsWith(NODE_USER_PREFIX) ? ref.name.slice(NODE_USER_PREFIX.length) : "*";
}

/**
 * What a node's identity can act as: the ServiceAccount of every pod bound to it, by a token the Node
 * authorizer allows; one edge per namespace of its pods when they are known (live), so that a cluster of
 * many nodes looks only where each node's pods are, else one to every namespace. Live, with pods the
 * scheduler binds later (`future.accounts`), one more to their ServiceAccounts wherever they are (one
 * edge, not one per namespace: every node has it). And live, the owner of every legacy token Secret those
 * pods refer to, by reading it (`secrets`: the node's, nodeTokenSecrets; `future.secrets`: those future
 * pods refer to, once one is bound to the node, with that as the precondition).
 */
export function nodeEdges(
  node: ObjectRef,
  namespaces: readonly string[] = [""],
  secrets: readonly NodeTokenSecret[] = [],
  future: { accounts: boolean; secrets?: readonly FutureTokenSecret[]; facts?: PathFacts } = { accounts: false },
): Edge[] {
  const token = (namespace: string, later?: true): Edge => ({
    kind: "node-token",
    permission: questionText(Q.token),
    target: { kind: "serviceaccounts", namespace, need: `node:${nodeNameOf(node)}`, ...(later ? { future: later } : {}) },
    evidence: [],
    namesTarget: true,
    authorizer: { by: "the Node authorizer: a pod bound to the node runs as it", questions: [Q.token] },
  });
  const tokens = namespaces.map((namespace) => token(namespace));
  // Any node ("") already reaches every namespace, future pods' too.
  if (future.accounts && !namespaces.includes("")) tokens.push(token("", true));
  const later = future.secrets ?? [];
  if (secrets.length === 0 && later.length === 0) return tokens;
  const secretEdge = (found: NodeTokenSecret, by: string, extra: Partial<Edge> = {}, awaits?: string): Edge => ({
    kind: "node-secret",
    permission: `${questionText(SECRET_GET)} "${found.secret}" (a legacy token Secret of ServiceAccount ${found.owner})`,
    target: { kind: "serviceaccounts", namespace: found.namespace, names: [found.owner], need: "exists" },
    evidence: [],
    authorizer: { by, questions: [SECRET_GET], name: found.secret, ...(awaits ? { awaits } : {}) },
    ...extra,
  });
  return [
    ...tokens,
    ...secrets.map((found) => secretEdge(found, `the Node authorizer: pod ${found.namespace}/${found.pod}, bound to the node, refers to the Secret`)),
    // A future pod's Secret: the node reads it once the pod is bound there (the precondition), not before.
    ...later.map((found) =>
      secretEdge(
        found,
        `the Node authorizer: ${futurePodText(found.awaited)} refers to the Secret, once it is bound to the node`,
        future.facts ? { precondition: scheduledOn(found.awaited, nodeNameOf(node), future.facts) } : {},
        awaitsText(found.awaited),
      ),
    ),
  ];
}
