import type { ObjectRef } from "../../model/report.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot, RoleBinding } from "../../rbac/types.js";
import { clusterAdminPower } from "../cluster-admin-power.js";
import type { PreparedSnapshot } from "../prepare.js";
import { withControllerBindings } from "./controllers.js";
import { bypassScope } from "./escape-bypass-scope.js";
import { nodeWayFrom, type PathFacts } from "./facts.js";
import { knownNodes } from "./future-pods.js";
import { ensureIdentity, identityTable, type IdentityTable } from "./grants.js";
import { asksBeyondServiceAccounts, grantAsks } from "./relevance.js";
import { routeNamespaces } from "./scope.js";
import { powerOf } from "./power.js";
import { findRoutes, type Route } from "./search.js";
import { NODE_TARGET, NODE_USER_PREFIX } from "./targets.js";

/*
 * The attack-path analysis of one audit: the identity graph and every identity's shortest route to
 * cluster-admin power. The graph of a big cluster is the costly part, so it is built only when a route
 * beyond the holders is possible: with no holder but system:masters, only an edge to power or to a
 * group could start one, and every such edge asks a cluster-scoped question, which only a
 * ClusterRoleBinding can grant (a look at those few bindings settles it). Offline, the graph has the
 * bootstrap policy's controller bindings too, where a route can go through them (controllers.ts).
 */

/** The identity graph (built on first use) and the cluster-admin routes of one audit. */
export interface PathAnalysis {
  readonly table: IdentityTable;
  routes: Map<string, Route>;
  facts: PathFacts;
  adminRoles: ReadonlySet<string>;
  /** The snapshot searched: the input's, plus the controller bindings of `implied` (offline). */
  prepared: PreparedSnapshot;
  /** Bindings every cluster has that the input lacks: their subjects get no finding through them. */
  implied: ReadonlySet<ClusterRoleBinding | RoleBinding>;
}

/** ClusterRoles that hold cluster-admin power, and `cluster-admin` (the API server restores it at start-up). */
function adminRoleNames(snapshot: RbacSnapshot): Set<string> {
  const names = new Set(["cluster-admin"]);
  for (const role of snapshot.clusterRoles) {
    const power = clusterAdminPower(role.rules);
    if (power && !power.restricted) names.add(role.metadata.name);
  }
  return names;
}

function namespacesOf(snapshot: RbacSnapshot): Set<string> {
  const namespaces = new Set<string>();
  for (const objects of [snapshot.roles, snapshot.roleBindings, snapshot.serviceAccounts])
    for (const object of objects) namespaces.add(object.metadata.namespace);
  return namespaces;
}

function holds(rules: readonly PolicyRule[]): boolean {
  const power = powerOf(rules);
  return power !== undefined && !power.restricted;
}

/** True when no ClusterRoleBinding gives cluster-admin power or an edge to power, users, groups or nodes: only system:masters can hold it then. */
function onlyMastersHold(prepared: PreparedSnapshot): boolean {
  for (const binding of prepared.snapshot.clusterRoleBindings) {
    const resolved = prepared.resolve(binding);
    if (!resolved.ok) continue;
    if (holds(resolved.rules) || asksBeyondServiceAccounts(resolved.rules)) return false;
  }
  return true;
}

/**
 * True when some ClusterRoleBinding gives an edge question on power, users, groups or nodes (CSRs,
 * impersonation, bind): only then is a node's identity reached. The controllers' bindings added offline
 * (`implied`) are skipped: their edges lead only to ServiceAccounts and power (test/audit/paths/controllers.test.ts).
 */
export function reachesBeyondServiceAccounts(prepared: PreparedSnapshot, implied: ReadonlySet<ClusterRoleBinding | RoleBinding>): boolean {
  return prepared.snapshot.clusterRoleBindings.some((binding) => {
    if (implied.has(binding)) return false;
    const resolved = prepared.resolve(binding);
    return resolved.ok && asksBeyondServiceAccounts(resolved.rules);
  });
}

/** The node identities a path can go through: each node known (live: listed, or a pod is bound to it), else any node (NODE_TARGET's). */
function nodeRefs(facts: PathFacts): ObjectRef[] {
  const names = knownNodes(facts);
  if (!names) return [NODE_TARGET.ref];
  return [...names].map((name) => ({ kind: "Node", name: `${NODE_USER_PREFIX}${name}` }));
}

/** The snapshot with only the RoleBindings of `namespaces` (scope.ts: no other one can be on a route), in their order. */
function scoped(prepared: PreparedSnapshot, namespaces: ReadonlySet<string> | undefined): PreparedSnapshot {
  if (!namespaces) return prepared;
  const roleBindings = prepared.snapshot.roleBindings.filter((binding) => namespaces.has(binding.metadata.namespace));
  return { ...prepared, snapshot: { ...prepared.snapshot, roleBindings } };
}

/** The graph of the whole snapshot; with every namespace's `default` ServiceAccount offline, and system:masters. */
function fullTable(prepared: PreparedSnapshot, facts: PathFacts, implied: ReadonlySet<ClusterRoleBinding | RoleBinding>): IdentityTable {
  // Only identities with a grant that holds the power or can give an edge can be on a route.
  const named = facts.tokenSecretOwners !== undefined;
  // A pod creator of any namespace that allows a privileged pod (offline: any the manifests do not confine), or code run in a pod with host access, may reach a node (facts.ts nodeWayFrom).
  const escapes = nodeWayFrom(facts, "");
  // Or one that may get past Pod Security where it confines pods (escape-bypass.ts).
  const bypass = bypassScope(prepared, facts);
  const escapesIn = escapes || bypass ? (namespace: string) => nodeWayFrom(facts, namespace) || (bypass?.(namespace) ?? false) : undefined;
  const table = identityTable(
    scoped(prepared, routeNamespaces(prepared, holds, named, escapesIn)),
    (rules, namespace) => (namespace === "" && holds(rules)) || grantAsks(rules, namespace, named),
  );
  // A `default` ServiceAccount left out has no grant that matters, nor has any group it is in: no route either.
  if (!facts.live && table.complete)
    for (const namespace of namespacesOf(prepared.snapshot)) ensureIdentity(table, { kind: "ServiceAccount", name: "default", namespace });
  ensureIdentity(table, { kind: "Group", name: "system:masters" });
  if (escapes || bypass || reachesBeyondServiceAccounts(prepared, implied)) for (const ref of nodeRefs(facts)) ensureIdentity(table, ref);
  return table;
}

/** Analyses a prepared snapshot. Pure. */
export function analysePaths(input: PreparedSnapshot, facts: PathFacts): PathAnalysis {
  // Live, the server's own bindings are read (it reconciled the bootstrap policy at start-up).
  const { prepared, implied } = facts.live ? { prepared: input, implied: new Set<ClusterRoleBinding | RoleBinding>() } : withControllerBindings(input);
  const adminRoles = adminRoleNames(prepared.snapshot);
  let table: IdentityTable | undefined;
  const tableOf = (): IdentityTable => (table ??= fullTable(prepared, facts, implied));
  let routes: Map<string, Route>;
  if (onlyMastersHold(prepared)) {
    // The same search over system:masters alone: what it gives the full graph too (nothing reaches it).
    const nobody: PreparedSnapshot = { ...prepared, snapshot: { ...prepared.snapshot, clusterRoleBindings: [], roleBindings: [], serviceAccounts: [] } };
    const masters = identityTable(nobody);
    ensureIdentity(masters, { kind: "Group", name: "system:masters" });
    routes = findRoutes(masters, facts, adminRoles);
  } else routes = findRoutes(tableOf(), facts, adminRoles);
  return {
    get table() {
      return tableOf();
    },
    routes,
    facts,
    adminRoles,
    prepared,
    implied,
  };
}
