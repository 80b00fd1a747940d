import { statusOf } from "./status.js";
import type { KubeClient } from "./types.js";

/*
 * The one paginated list reader (`limit` + `continue`) for everything saprobe reads in bulk: the
 * audit's reads, who-can's and drift's RBAC objects. A list either returns every item or says, in
 * words, why it could not: callers turn that into `unknown` or an error, never into a pass.
 */

/** A resource listed cluster-wide. */
export interface ListedResource {
  /** `resource.group` as users and RBAC name it, e.g. `rolebindings.rbac.authorization.k8s.io`. */
  id: string;
  group: string;
  resource: string;
  /** The list path, e.g. `/apis/rbac.authorization.k8s.io/v1/rolebindings`. */
  path: string;
  /** The object kind (list items carry no `kind`). */
  kind: string;
  /** Extra query parameters (a field selector). */
  query?: Record<string, string>;
  /** Read metadata only (`PartialObjectMetadataList`): nothing of the objects' contents ever arrives. */
  metadataOnly?: boolean;
}

/** A ListedResource for `group/version/resource` of `kind`. */
export function listed(
  group: string,
  version: string,
  resource: string,
  kind: string,
  extra: Pick<ListedResource, "query" | "metadataOnly"> = {},
): ListedResource {
  return {
    id: group ? `${resource}.${group}` : resource,
    group,
    resource,
    path: group ? `/apis/${group}/${version}/${resource}` : `/api/${version}/${resource}`,
    kind,
    ...extra,
  };
}

/** The same namespaced resource listed in one namespace only (`roles` of `team-a`). */
export function inNamespace(resource: ListedResource, namespace: string): ListedResource {
  const groupVersion = resource.path.slice(0, -(resource.resource.length + 1));
  return { ...resource, path: `${groupVersion}/namespaces/${encodeURIComponent(namespace)}/${resource.resource}` };
}

/** Items of one list, or why it could not be read. */
export type ListOutcome = { ok: true; items: Record<string, unknown>[] } | { ok: false; reason: string; forbidden: boolean };

/** Page size: big enough to be quick, small enough to stay far below the client's body cap. */
const PAGE_SIZE = 500;
/** A bound on pages, so a server that keeps returning `continue` cannot keep a reader forever. */
const MAX_PAGES = 10_000;
// No plain-JSON fallback: a server that cannot answer with metadata only answers 406, never with the objects.
const METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/** Keeps what the caller needs of one listed object (the whole object by default). */
export type Projection = (item: Record<string, unknown>) => Record<string, unknown>;

/**
 * Lists every object of `resource` cluster-wide, page by page. `project` trims each item as its page
 * arrives, so a cluster with a hundred thousand pods costs their ServiceAccount names, not their specs.
 */
export async function listAll(client: KubeClient, resource: ListedResource, signal?: AbortSignal, project: Projection = (item) => item): Promise<ListOutcome> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const outcome = await client.request({
      path: resource.path,
      query: { ...resource.query, limit: PAGE_SIZE, continue: token },
      ...(resource.metadataOnly ? { accept: METADATA_ONLY } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!outcome.ok) return { ok: false, reason: outcome.failure.message, forbidden: false };
    const { response } = outcome;
    if (response.status !== 200) {
      const status = statusOf(response.json);
      const reason = status?.message ?? `HTTP ${response.status}`;
      return {
        ok: false,
        reason: response.status === 403 ? `forbidden: ${reason}` : response.status === 404 ? `not served by this API server (${reason})` : reason,
        forbidden: response.status === 403,
      };
    }
    const body = response.json as { items?: unknown; metadata?: { continue?: string } } | undefined;
    // An empty PartialObjectMetadataList comes as `"items": null` (v1.37.2): no items, not a broken answer.
    const listItems = body?.items === null ? [] : body?.items;
    if (!body || !Array.isArray(listItems)) return { ok: false, reason: "the server's answer was not a list", forbidden: false };
    for (const item of listItems) {
      if (typeof item !== "object" || item === null) continue;
      // The page was parsed for this reader alone: its items (or their projections) are ours to label, no copy needed.
      const kept = project(item as Record<string, unknown>);
      kept.kind = resource.kind;
      items.push(kept);
    }
    token = body.metadata?.continue || undefined;
    if (!token) return { ok: true, items };
  }
  return { ok: false, reason: `more than ${MAX_PAGES} pages`, forbidden: false };
}
