import { AUDIT_READS } from "../audit/live/lists.js";
import { inNamespace, listAll, type ListedResource, type ListOutcome } from "../kube/list-all.js";
import type { KubeClient } from "../kube/types.js";
import { snapshotFieldsOnly, snapshotFromLists } from "../audit/live/objects.js";
import type { RbacSnapshot } from "../rbac/types.js";

/*
 * Reads RBAC objects from the live API server into a snapshot. Reading can be forbidden; that is a
 * value (with the server's words), not an exception, so callers can skip a comparison and say why.
 */

/** A live snapshot, or why it could not be read. */
export type LiveRbac = { ok: true; snapshot: RbacSnapshot } | { ok: false; reason: string; forbidden: boolean };

/** An object as read from the API, with its kind set (list items carry none) and `rules: null` / missing subjects as empty lists. */
export function withKind(item: Record<string, unknown>, kind: string): Record<string, unknown> {
  const object: Record<string, unknown> = { ...item, kind };
  if (kind === "Role" || kind === "ClusterRole") object.rules = item.rules ?? [];
  if (kind === "RoleBinding" || kind === "ClusterRoleBinding") object.subjects = item.subjects ?? [];
  return object;
}

const NONE: ListOutcome = { ok: true, items: [] };

/**
 * Lists Roles, ClusterRoles, RoleBindings and ClusterRoleBindings (page by page); ServiceAccounts are
 * not read. Roles and RoleBindings of all namespaces, or with `namespace` of that one only (`""`: of
 * none), for a question only they can answer: a request in one namespace is allowed by RoleBindings
 * of that namespace alone, a cluster-wide one by ClusterRoleBindings alone.
 */
export async function readLiveRbac(
  client: KubeClient,
  signal?: AbortSignal,
  only?: { namespace: string } | { namespace: Promise<string | undefined> },
): Promise<LiveRbac> {
  const reads = [AUDIT_READS.roles, AUDIT_READS.clusterRoles, AUDIT_READS.roleBindings, AUDIT_READS.clusterRoleBindings];
  const namespaced = new Set<ListedResource>([AUDIT_READS.roles, AUDIT_READS.roleBindings]);
  const read = async (resource: ListedResource): Promise<ListOutcome> => {
    if (!namespaced.has(resource) || only === undefined) return listAll(client, resource, signal, snapshotFieldsOnly);
    // A namespace still being worked out (who-can's discovery): the cluster-wide lists start meanwhile.
    const namespace = await only.namespace;
    if (namespace === undefined) return NONE;
    return namespace === "" ? NONE : listAll(client, inNamespace(resource, namespace), signal, snapshotFieldsOnly);
  };
  const lists = await Promise.all(reads.map(read));
  const [roles, clusterRoles, roleBindings, clusterRoleBindings] = lists;
  for (const [position, list] of lists.entries()) {
    if (!list.ok) return { ok: false, reason: `list ${reads[position]?.id}: ${list.reason}`, forbidden: list.forbidden };
  }
  const items = (list: ListOutcome | undefined): Record<string, unknown>[] => (list?.ok ? list.items : []);
  return {
    ok: true,
    snapshot: snapshotFromLists({
      roles: items(roles),
      clusterRoles: items(clusterRoles),
      roleBindings: items(roleBindings),
      clusterRoleBindings: items(clusterRoleBindings),
      serviceAccounts: [],
    }),
  };
}
