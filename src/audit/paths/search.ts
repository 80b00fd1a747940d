import type { ObjectRef } from "../../model/report.js";
import { edgesOf, type Edge, type EdgeContext, type Need } from "./edges.js";
import { edgeCacheOf } from "./edge-cache.js";
import { confinedNamespaces } from "./escape-bypass.js";
import { searchedEscapes } from "./escape-edges.js";
import { impersonatedNodeEdges, nodeEdges, nodeNameOf } from "./node-edges.js";
import {
  escapesSomewhere,
  escapeWay,
  nodesByNamespace,
  nodeWayFrom,
  podNamespacesOn,
  podsUnread,
  reachability,
  type EscapeWay,
  type PathFacts,
  type Reachability,
} from "./facts.js";
import { identityKey, type Identity, type IdentityTable } from "./grants.js";
import { grantSource, impersonatedSource, type Evidence, type PermissionSource } from "./reach.js";
import { couldReach, nodeOutlook, outlookOf, type Outlook, type Reached } from "./relevance.js";
import { powerOf } from "./power.js";
import { grownEdges } from "./self-grant.js";
import { NODE_TARGET } from "./targets.js";

/*
 * Shortest paths to cluster-admin power, level by level from the power node backwards: holders are
 * one step away, an identity with an edge to one of them two, and so on. A first pass uses only
 * edges whose facts the audit saw; a second one lets the rest in with their preconditions, so an
 * identity gets a path without preconditions whenever one exists, and the shortest such path. An
 * identity's edges are built only once a node they could lead to is reached (relevance.ts).
 *
 * Impersonation does not chain: a request carries one set of impersonation headers and is authorized as
 * the identity that sent it (checked on v1.37.2: a user who may impersonate bee, who may impersonate
 * cee, is bee and no more; a second Impersonate-User header is ignored). So an impersonation edge leads
 * on only along a route of the identity reached that does not itself start by impersonating: each
 * identity keeps a second, "direct" route when its shortest one starts with impersonation.
 */

/** The power node. */
export const POWER: ObjectRef = { kind: "Power", name: "cluster-admin" };

/** One step: an edge taken by `from` (maybe while impersonating), to `reaches`. */
export interface Step {
  edge: Edge;
  from: ObjectRef;
  reaches: ObjectRef;
  preconditions: string[];
}

/** How an identity reaches power: its first steps (two for constrained impersonation), then `next`'s route. */
export interface Route {
  depth: number;
  steps: Step[];
  /** The identity the steps lead to; undefined when they lead to power itself. */
  next?: string;
  conditional: boolean;
}

const MAX_DEPTH = 6;
/** The routes key of an identity's direct route, when its shortest route is not direct. */
const DIRECT = "\u0000direct";
const NO_EDGES: Edge[] = [];
const MASTERS = "system:masters";
const IMPERSONATE = "impersonate";
const ANY_NODE = identityKey(NODE_TARGET.ref);

interface Candidate {
  key?: string;
  ref: ObjectRef;
  depth: number;
  preconditions: string[];
  conditional: boolean;
}

/** Identities to reach instead of cluster-admin power (their routes end at them; power edges do not count). */
export interface Goal {
  targets: readonly Identity[];
}

/** Computes every identity's shortest route to cluster-admin power, or to one of `goal`'s targets. Pure. */
export function findRoutes(table: IdentityTable, facts: PathFacts, adminRoles: ReadonlySet<string>, goal?: Goal): Map<string, Route> {
  const routes = new Map<string, Route>();
  const reachedBy = {
    ServiceAccount: new Map<string, Identity[]>(),
    User: [] as Identity[],
    Group: [] as Identity[],
    Node: [] as Identity[],
    every: [] as Identity[],
    /** ServiceAccounts a pod the scheduler binds later runs as (a node's `future` edge: future-pods.ts). */
    future: [] as Identity[],
  };
  // The routes key of each identity's shortest route that does not start by impersonating.
  const directOf = new Map<string, string>();
  // The depth of the longest route recorded: a round may reach nobody and the next still reach someone through it.
  let deepest = 0;
  const record = (identity: Identity, route: Route): void => {
    deepest = Math.max(deepest, route.depth);
    if (routes.has(identity.key)) {
      // A longer route, found after one that impersonates: the direct route an impersonator goes on with.
      routes.set(identity.key + DIRECT, route);
      directOf.set(identity.key, identity.key + DIRECT);
      return;
    }
    routes.set(identity.key, route);
    if (!impersonates(route)) directOf.set(identity.key, identity.key);
    if (identity.ref.kind === "ServiceAccount") {
      const namespace = identity.ref.namespace ?? "";
      const list = reachedBy.ServiceAccount.get(namespace);
      if (list) list.push(identity);
      else reachedBy.ServiceAccount.set(namespace, [identity]);
      reachedBy.every.push(identity);
      if (facts.futurePods?.has(`${namespace}/${identity.ref.name}`)) reachedBy.future.push(identity);
    } else if (identity.ref.kind === "User") reachedBy.User.push(identity);
    else if (identity.ref.kind === "Node") reachedBy.Node.push(identity);
    else reachedBy.Group.push(identity);
  };

  // A pod creator may escape to a node (facts.ts escapeWay), the same way for every creator in a namespace.
  const escapes = escapesSomewhere(facts);
  // Or by code run in a pod with host access (escape-edges.ts): any identity that reaches ServiceAccounts may.
  const nodeWays = nodeWayFrom(facts, "");
  const ways = new Map<string, EscapeWay | undefined>();
  const escapeOf = (namespace: string): EscapeWay | undefined => {
    if (!ways.has(namespace)) ways.set(namespace, escapeWay(facts, namespace));
    return ways.get(namespace);
  };
  // Where Pod Security confines pods, a way past it (escape-bypass.ts).
  const confined = confinedNamespaces(facts);
  // Sources are kept only while edges are computed, and only for the identities impersonation reaches.

  const sourceOf = (identity: Identity): PermissionSource => grantSource(identity.ref, table.grantsOf(identity));
  const contextOf = (identity: Identity): EdgeContext => ({
    adminRoles,
    clusterBindingsTo: table.roles.clusterBindingsTo,
    ...(facts.tokenSecretOwners ? { tokenSecretOwners: facts.tokenSecretOwners } : {}),
    ...(identity.ref.kind === "ServiceAccount" && facts.podNodes
      ? { podNodes: [...(facts.podNodes.get(`${identity.ref.namespace}/${identity.ref.name}`) ?? [])] }
      : {}),
    ...(escapes ? { escape: escapeOf, nodesByNamespace: nodesByNamespace(facts) } : {}),
    ...(facts.hostPodNodes ? { hostPodNodes: facts.hostPodNodes } : {}),
    ...(confined ? { confined } : {}),
    ...(podsUnread(facts) ? { podsUnknown: "unread" as const } : facts.live ? {} : { podsUnknown: "offline" as const }),
    boundClusterRoles: table
      .grantsOf(identity)
      .filter((grant) => grant.namespace === "" && grant.roleRef.kind === "ClusterRole")
      .map((grant) => grant.roleRef.name),
  });
  // Pods the scheduler binds later: every node may get them (future-pods.ts).
  const futures = (facts.futurePods?.size ?? 0) > 0;
  const future = { accounts: futures, ...(facts.futureTokenSecrets ? { secrets: facts.futureTokenSecrets } : {}), facts };
  // A node's own edges are the Node authorizer's (besides what RBAC grants its groups).
  const authorizerEdges = (identity: Identity): Edge[] =>
    identity.ref.kind === "Node"
      ? nodeEdges(identity.ref, podNamespacesOn(facts, nodeNameOf(identity.ref)), facts.nodeTokenSecrets?.get(nodeNameOf(identity.ref)), future)
      : NO_EDGES;
  const edgeCache = edgeCacheOf(table, facts, adminRoles);
  const edgesFor = (identity: Identity): Edge[] => {
    let edges = edgeCache.all.get(identity.key);
    if (!edges) {
      const source = sourceOf(identity);
      const context = source.asksAnything ? contextOf(identity) : undefined;
      const granted = context ? edgesOf(source, context) : NO_EDGES;
      // Edges it has only after binding or escalating a role for itself: after every edge it has now.
      const grown = context ? grownEdges(source, table.grantsOf(identity), table.roles, context) : NO_EDGES;
      const authorized = authorizerEdges(identity);
      edges = authorized.length === 0 && grown.length === 0 ? granted : [...authorized, ...granted, ...grown];
      edgeCache.all.set(identity.key, edges);
    }
    return edges;
  };
  // Only its escapes to a node: all an identity can take while nothing else it leads to is reached.
  const escapesFor = (identity: Identity): Edge[] => {
    let edges = edgeCache.escapes.get(identity.key);
    if (!edges) {
      const source = sourceOf(identity);
      edges = source.asksAnything ? searchedEscapes(source, contextOf(identity), facts.live) : NO_EDGES;
      edgeCache.escapes.set(identity.key, edges);
    }
    return edges;
  };

  // A goal's targets are where routes end: nothing is left to take from them.
  for (const identity of goal?.targets ?? []) record(identity, { depth: 0, steps: [], conditional: false });
  // Level 1: holders of cluster-admin power (a full wildcard, or every REST verb spelled out on everything)
  // through a ClusterRoleBinding, and system:masters.
  for (const identity of goal ? [] : table.identities.values()) {
    const grants = table.grantsOf(identity);
    let holds: Evidence | undefined;
    for (const grant of grants) {
      if (grant.namespace !== "") continue;
      const power = powerOf(grant.rules);
      const rule = power && !power.restricted ? power.rules[0] : undefined;
      if (rule) {
        holds = { as: identity.ref, grant, rule, question: { verb: "*", group: "*", resource: "*", clusterScoped: true } };
        break;
      }
    }
    const masters = identity.ref.kind === "Group" && identity.ref.name === MASTERS;
    if (!holds && !masters) continue;
    const edge: Edge = holds
      ? { kind: "holds", permission: "* on *.* (every verb on every resource)", target: { kind: "power" }, evidence: [holds] }
      : { kind: "holds", permission: "membership of system:masters (allowed before RBAC is asked)", target: { kind: "power" }, evidence: [] };
    record(identity, { depth: 1, steps: [{ edge, from: identity.ref, reaches: POWER, preconditions: [] }], conditional: false });
  }

  // Every edge of every identity asks it of the same candidates, level after level: once per identity and need.
  const reachabilities = new Map<Identity, Map<string, Reachability>>();
  const reachabilityOf = (identity: Identity, need: Need): Reachability => {
    let byNeed = reachabilities.get(identity);
    if (!byNeed) reachabilities.set(identity, (byNeed = new Map()));
    let reach = byNeed.get(need);
    if (!reach) byNeed.set(need, (reach = reachability(facts, identity.ref.namespace ?? "", identity.ref.name, need)));
    return reach;
  };

  const pick = (edge: Edge, from: Identity, maxDepth: number, allowConditional: boolean): Candidate | undefined => {
    const target = edge.target;
    if (target.kind === "power")
      return maxDepth >= 0 && !goal ? { ref: POWER, depth: 0, preconditions: edge.precondition ? [edge.precondition] : [], conditional: false } : undefined;
    // Every namespace: the identity's own namespace first, where a path is easiest to read and to fix.
    const own = target.kind === "serviceaccounts" && !target.namespace && from.ref.namespace ? (reachedBy.ServiceAccount.get(from.ref.namespace) ?? []) : [];
    const pool =
      target.kind === "serviceaccounts"
        ? target.future
          ? // Kept to one namespace where constrained impersonation allows only that one (impersonatedNodeEdges).
            target.namespace
            ? reachedBy.future.filter((identity) => identity.ref.namespace === target.namespace)
            : reachedBy.future
          : target.namespace
            ? (reachedBy.ServiceAccount.get(target.namespace) ?? [])
            : own.length > 0
              ? [...own, ...reachedBy.every]
              : reachedBy.every
        : target.kind === "users"
          ? reachedBy.User
          : target.kind === "node"
            ? reachedBy.Node
            : reachedBy.Group;
    let best: Candidate | undefined;
    // Impersonating, the identity reached goes on only without impersonating in turn.
    const direct = edge.kind === IMPERSONATE;
    for (const identity of pool) {
      const key = direct ? directOf.get(identity.key) : identity.key;
      if (key === undefined) continue;
      const route = routes.get(key) as Route;
      if (route.depth > maxDepth || identity.key === from.key) continue;
      // Any node (offline, or pods unread) is each of the nodes a target names; a goal-only edge ends at a goal.
      if (target.names && !target.names.includes(identity.ref.name) && identity.key !== ANY_NODE) continue;
      if (edge.goalOnly && route.steps.length > 0) continue;
      if (edge.notGoal && route.steps.length === 0) continue;
      if (target.kind === "groups" && target.except?.includes(identity.ref.name)) continue;
      const preconditions = edge.precondition ? [edge.precondition] : [];
      if (target.kind === "serviceaccounts") {
        const reach = reachabilityOf(identity, target.need);
        if (!reach.reachable) continue;
        preconditions.push(...reach.preconditions);
      }
      const conditional = route.conditional || preconditions.length > 0;
      if (conditional && !allowConditional) continue;
      const candidate = { key, ref: identity.ref, depth: route.depth, preconditions, conditional };
      if (!conditional) return candidate;
      if (!best || candidate.depth < best.depth) best = candidate;
    }
    return best;
  };

  const impersonatedEdges = new Map<string, Edge[]>();
  const tryEdge = (identity: Identity, edge: Edge, depth: number, allowConditional: boolean): Route | undefined => {
    if (edge.grantFirst) {
      // A self-grant first (a hop of its own, to the same identity), then the edge it makes possible.
      const { grantFirst, ...after } = edge;
      const route = tryEdge(identity, after, depth - 1, allowConditional);
      if (!route) return undefined;
      const into = grantFirst.inNamespace ?? route.steps[0]?.reaches.namespace;
      const self: Step = { edge: into ? { ...grantFirst, inNamespace: into } : grantFirst, from: identity.ref, reaches: identity.ref, preconditions: [] };
      return { ...route, depth: route.depth + 1, steps: [self, ...route.steps] };
    }
    if (!edge.constrained) {
      const found = pick(edge, identity, depth - 1, allowConditional);
      if (!found) return undefined;
      return {
        depth: found.depth + 1,
        steps: [{ edge, from: identity.ref, reaches: found.ref, preconditions: found.preconditions }],
        ...(found.key ? { next: found.key } : {}),
        conditional: found.conditional,
      };
    }
    // Constrained impersonation: act as the target only where impersonate-on allows, then take one of its edges.
    const pool =
      edge.target.kind === "serviceaccounts"
        ? reachedBy.every
        : edge.target.kind === "users"
          ? reachedBy.User
          : edge.target.kind === "node"
            ? reachedBy.Node
            : reachedBy.Group;
    for (const target of pool) {
      if (target.key === identity.key || (routes.get(target.key) as Route).depth > depth - 1) continue;
      const named = constrainedReach(edge, target, facts);
      if (!named.reachable || (named.preconditions.length > 0 && !allowConditional)) continue;
      const pair = `${identity.key}\u0000${target.key}`;
      let edges = impersonatedEdges.get(pair);
      if (!edges) {
        const impersonator = sourceOf(identity);
        edges = [
          ...impersonatedNodeEdges(authorizerEdges(target), impersonator, edge.constrained),
          ...edgesOf(impersonatedSource(sourceOf(target), impersonator, edge.constrained), contextOf(target)),
        ];
        impersonatedEdges.set(pair, edges);
      }
      for (const next of edges) {
        const found = pick(next, target, depth - 2, allowConditional);
        if (!found) continue;
        const steps: Step[] = [
          { edge, from: identity.ref, reaches: target.ref, preconditions: named.preconditions },
          { edge: next, from: target.ref, reaches: found.ref, preconditions: found.preconditions },
        ];
        return { depth: found.depth + 2, steps, ...(found.key ? { next: found.key } : {}), conditional: found.conditional || named.preconditions.length > 0 };
      }
    }
    return undefined;
  };

  // An identity's outlook depends on the graph and the facts only: made once for both searches (edge-cache.ts).
  const outlookFor = (identity: Identity): Outlook | undefined => {
    if (edgeCache.outlooks.has(identity.key)) return edgeCache.outlooks.get(identity.key);
    const outlook =
      identity.ref.kind === "Node"
        ? nodeOutlook(nodeNamespaces(facts, nodeNameOf(identity.ref), futures), outlookOf(table, identity))
        : outlookOf(table, identity);
    // A pod creator may escape to a node (edges.ts escapeEdges): any identity that reaches ServiceAccounts, a superset.
    if (outlook && nodeWays && outlook.serviceAccountNamespaces.length > 0) outlook.escapes = true;
    edgeCache.outlooks.set(identity.key, outlook);
    return outlook;
  };
  // Only identities whose grants ask an edge's question can get a route; most identities of a big
  // cluster ask none. Their edges are built only once a node they could lead to is reached.
  // Two lists side by side, read by index: the level loop below runs over thousands of identities per level.
  const active: Identity[] = [];
  const outlooks: Outlook[] = [];
  for (const identity of table.identities.values()) {
    const outlook = routes.has(identity.key) ? undefined : outlookFor(identity);
    if (outlook) {
      active.push(identity);
      outlooks.push(outlook);
    }
  }
  const reached: Reached = {
    get users() {
      return reachedBy.User.length;
    },
    get groups() {
      return reachedBy.Group.length;
    },
    get nodes() {
      return reachedBy.Node.length;
    },
    get serviceAccounts() {
      return reachedBy.every.length;
    },
    serviceAccountsIn: (namespace) => reachedBy.ServiceAccount.has(namespace),
  };
  // A round that reaches nobody ends the pass, unless constrained impersonation can skip a level.
  const skipsLevels = outlooks.some((outlook) => outlook.constrained);
  for (const allowConditional of [false, true]) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const found: Identity[] = [];
      const foundRoutes: Route[] = [];
      for (let index = 0; index < active.length; index++) {
        const identity = active[index] as Identity;
        const outlook = outlooks[index] as Outlook;
        let reachedAlready = routes.has(identity.key);
        if (reachedAlready && directOf.has(identity.key)) continue;
        // A reached node alone: of a pod creator's many edges (thousands of namespaces' teams), only its escapes can lead there.
        const whole = couldReach(outlook, reached);
        if (!whole && !(outlook.escapes && reached.nodes > 0)) continue;
        for (const edge of whole ? edgesFor(identity) : escapesFor(identity)) {
          // Once a route is found, only a direct one is missing.
          if (reachedAlready && edge.kind === IMPERSONATE) continue;
          const route = tryEdge(identity, edge, depth, allowConditional);
          if (route && route.depth <= depth) {
            found.push(identity);
            foundRoutes.push(route);
            if (reachedAlready || edge.kind !== IMPERSONATE) break;
            reachedAlready = true;
          }
        }
      }
      for (let index = 0; index < found.length; index++) record(found[index] as Identity, foundRoutes[index] as Route);
      // Nothing new at this depth: the next can only build on a route this deep found by the first pass (a
      // conditional edge onto an unconditional route), so the pass ends once it is deeper than every route.
      if (found.length === 0 && !skipsLevels && depth > 1 && depth > deepest) break;
    }
  }
  return routes;
}

/** The namespaces a node's own edges lead to (podNamespacesOn), and every one ("") with future pods. */
function nodeNamespaces(facts: PathFacts, node: string, futures: boolean): readonly string[] | undefined {
  const namespaces = podNamespacesOn(facts, node);
  return futures && namespaces ? [...namespaces, ""] : namespaces;
}

/** True when a route starts by impersonating (legacy or constrained), after any self-grant: no impersonation can follow it. */
function impersonates(route: Route): boolean {
  return route.steps.find((step) => step.edge.target.kind !== "self")?.edge.kind === IMPERSONATE;
}

/** Whether a constrained impersonation edge names this identity (names, namespace, existence). */
function constrainedReach(edge: Edge, target: Identity, facts: PathFacts): Reachability {
  const goal = edge.target;
  const no: Reachability = { reachable: false };
  if (goal.kind === "power" || goal.kind !== kindOf(target)) return no;
  if (goal.names && !goal.names.includes(target.ref.name) && target.key !== ANY_NODE) return no;
  if (goal.kind !== "serviceaccounts") return { reachable: true, preconditions: edge.precondition ? [edge.precondition] : [] };
  if (goal.namespace && goal.namespace !== target.ref.namespace) return no;
  return reachability(facts, target.ref.namespace ?? "", target.ref.name, goal.need);
}

function kindOf(identity: Identity): string {
  const { kind } = identity.ref;
  return kind === "ServiceAccount" ? "serviceaccounts" : kind === "User" ? "users" : kind === "Node" ? "node" : "groups";
}
