import type { Edge } from "./edges.js";
import type { PathFacts } from "./facts.js";
import type { IdentityTable } from "./grants.js";
import type { Outlook } from "./relevance.js";

/*
 * Each identity's edges and outlook, kept per identity graph: the cluster-admin search and high-value.ts's
 * search the same graph with the same facts, and building the edges of thousands of identities twice was
 * most of the second search's cost (a big offline audit where every namespace's teams may escape to a node).
 */

/** An identity's edges by its key: all of them, or only its escapes to a node (search.ts); and its outlook (relevance.ts, undefined: no edge). */
export interface EdgeCache {
  all: Map<string, Edge[]>;
  escapes: Map<string, Edge[]>;
  outlooks: Map<string, Outlook | undefined>;
}

const caches = new WeakMap<IdentityTable, EdgeCache & { facts: PathFacts; adminRoles: ReadonlySet<string> }>();

/** The edge cache of a graph searched with these facts and cluster-admin roles (a new one when either differs). */
export function edgeCacheOf(table: IdentityTable, facts: PathFacts, adminRoles: ReadonlySet<string>): EdgeCache {
  let cache = caches.get(table);
  if (!cache || cache.facts !== facts || cache.adminRoles !== adminRoles)
    caches.set(table, (cache = { facts, adminRoles, all: new Map(), escapes: new Map(), outlooks: new Map() }));
  return cache;
}
