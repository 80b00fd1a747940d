import { aggregateClusterRoles } from "../rbac/aggregate.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import { resolveRoleRef, type RbacIndex } from "../rbac/rbac-index.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding } from "../rbac/types.js";

/*
 * The snapshot as the audit sees it. Offline, a binding to `cluster-admin`, `admin` or `view` must
 * mean what it means on every cluster even when the manifests do not define those roles, so the
 * bootstrap ClusterRoles the input lacks are added (only roles: default bindings come in with
 * --with-defaults) and aggregation is resolved the way the controller-manager would. Live objects
 * are used as stored, because the apiserver's authorizer only reads `.rules`.
 */

/** The snapshot plus lookup tables, ready for the engine. */
export interface PreparedSnapshot {
  snapshot: RbacSnapshot;
  /** True for a role that came from the bootstrap policy, not from the input. */
  isFilled(role: ClusterRole | Role): boolean;
  /** Resolves a binding's role: the role and its (aggregated) rules, or the upstream error sentence. */
  resolve(binding: ClusterRoleBinding | RoleBinding): { ok: true; role: ClusterRole | Role; rules: PolicyRule[] } | { ok: false; error: string };
}

/** Prepares a snapshot for auditing. `offline` fills in bootstrap ClusterRoles and resolves aggregation. */
export function prepareSnapshot(input: RbacSnapshot, offline: boolean): PreparedSnapshot {
  let clusterRoles = input.clusterRoles;
  const filled = new Set<string>();
  if (offline) {
    const present = new Set(input.clusterRoles.map((role) => role.metadata.name));
    const missing = bootstrapPolicy().clusterRoles.filter((role) => !present.has(role.metadata.name));
    for (const role of missing) filled.add(role.metadata.name);
    clusterRoles = aggregateClusterRoles([...missing, ...input.clusterRoles]);
  }
  const snapshot: RbacSnapshot = { ...input, clusterRoles };
  const clusterRoleTable = new Map(snapshot.clusterRoles.map((role) => [role.metadata.name, role]));
  const roleTable = new Map<string, Map<string, Role>>();
  for (const role of snapshot.roles) {
    let inNamespace = roleTable.get(role.metadata.namespace);
    if (!inNamespace) roleTable.set(role.metadata.namespace, (inNamespace = new Map()));
    inNamespace.set(role.metadata.name, role);
  }
  // Misses go to the RBAC engine's resolveRoleRef for its upstream error sentence; it reads only the
  // two role tables, and a miss here is a miss there (the audit walks bindings itself, so the binding
  // tables of a full index would be built for nothing).
  const forErrors = { clusterRoles: clusterRoleTable, roles: new Map() } as unknown as RbacIndex;
  return {
    snapshot,
    isFilled: (role) => role.kind === "ClusterRole" && filled.has(role.metadata.name),
    resolve(binding) {
      const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
      const { kind, name } = binding.roleRef;
      const role = kind === "ClusterRole" ? clusterRoleTable.get(name) : kind === "Role" && namespace !== "" ? roleTable.get(namespace)?.get(name) : undefined;
      if (role) return { ok: true, role, rules: role.rules ?? [] };
      return resolveRoleRef(forErrors, binding.roleRef, namespace);
    },
  };
}
