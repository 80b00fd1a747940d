import { aggregateClusterRoles } from "../rbac/aggregate.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import { resolveRoleRef, type RbacIndex } from "../rbac/rbac-index.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding } from "../rbac/types.js";
import { AUTOUPDATE_ANNOTATION } from "./expected.js";
import { rulesNotCoveredBy } from "./rule-coverage.js";

/*
 * The snapshot as the audit sees it. Offline, a binding to `cluster-admin`, `admin`, `view` or to a
 * kube-system Role of the bootstrap policy (`extension-apiserver-authentication-reader`) must mean what
 * it means on every cluster even when the manifests do not define those roles, so the bootstrap roles
 * the input lacks are added (only roles: default bindings come in with --with-defaults). A default
 * role the input redefines with fewer rules gets them back unless its autoupdate annotation is
 * "false", as the API server restores it at start-up (it adds missing rules and keeps extra ones).
 * Then aggregation is resolved the way the controller-manager would. Live objects are used as stored,
 * because the apiserver's authorizer only reads `.rules`.
 */

/** The snapshot plus lookup tables, ready for the engine. */
export interface PreparedSnapshot {
  snapshot: RbacSnapshot;
  /** True for a role that came from the bootstrap policy, not from the input. */
  isFilled(role: ClusterRole | Role): boolean;
  /** The default rules given back to a redefined default role (offline), or none. */
  restoredRules(role: ClusterRole | Role): readonly PolicyRule[];
  /** Resolves a binding's role: the role and its (aggregated) rules, or the upstream error sentence. */
  resolve(binding: ClusterRoleBinding | RoleBinding): { ok: true; role: ClusterRole | Role; rules: PolicyRule[] } | { ok: false; error: string };
}

function nameKey(role: ClusterRole | Role): string {
  return role.kind === "Role" ? `${role.metadata.namespace}/${role.metadata.name}` : role.metadata.name;
}

/** Default roles of the input get back the default rules they dropped, unless autoupdate is "false". */
function restoreDefaults<T extends ClusterRole | Role>(
  input: readonly T[],
  defaults: ReadonlyMap<string, T>,
  restored: Map<ClusterRole | Role, PolicyRule[]>,
): T[] {
  return input.map((role) => {
    const base = defaults.get(nameKey(role));
    if (!base || (base.kind === "ClusterRole" && base.aggregationRule) || role.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === "false") return role;
    const missing = rulesNotCoveredBy(base.rules, role.rules ?? []);
    if (missing.length === 0) return role;
    const repaired = { ...role, rules: [...(role.rules ?? []), ...missing] };
    restored.set(repaired, missing);
    return repaired;
  });
}

/** Prepares a snapshot for auditing. `offline` fills in bootstrap roles, restores redefined defaults and resolves aggregation. */
export function prepareSnapshot(input: RbacSnapshot, offline: boolean): PreparedSnapshot {
  let { clusterRoles, roles } = input;
  const filled = new Set<ClusterRole | Role>();
  const restored = new Map<ClusterRole | Role, PolicyRule[]>();
  if (offline) {
    const policy = bootstrapPolicy();
    const defaultClusterRoles = new Map(policy.clusterRoles.map((role) => [nameKey(role), role]));
    const defaultRoles = new Map(policy.roles.map((role) => [nameKey(role), role]));
    const presentClusterRoles = new Set(input.clusterRoles.map(nameKey));
    const presentRoles = new Set(input.roles.map(nameKey));
    const missingClusterRoles = policy.clusterRoles.filter((role) => !presentClusterRoles.has(nameKey(role)));
    const missingRoles = policy.roles.filter((role) => !presentRoles.has(nameKey(role)));
    for (const role of [...missingClusterRoles, ...missingRoles]) filled.add(role);
    clusterRoles = aggregateClusterRoles([...missingClusterRoles, ...restoreDefaults(input.clusterRoles, defaultClusterRoles, restored)]);
    roles = [...missingRoles, ...restoreDefaults(input.roles, defaultRoles, restored)];
  }
  const snapshot: RbacSnapshot = { ...input, clusterRoles, roles };
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
  // Aggregation returns new objects for aggregated roles: a filled role is known by kind and name (only names the input lacks are filled).
  const filledNames = new Set([...filled].map((role) => `${role.kind}/${nameKey(role)}`));
  return {
    snapshot,
    isFilled: (role) => filledNames.has(`${role.kind}/${nameKey(role)}`),
    restoredRules: (role) => restored.get(role) ?? [],
    resolve(binding) {
      const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
      const { kind, name } = binding.roleRef;
      const role = kind === "ClusterRole" ? clusterRoleTable.get(name) : kind === "Role" && namespace !== "" ? roleTable.get(namespace)?.get(name) : undefined;
      if (role) return { ok: true, role, rules: role.rules ?? [] };
      return resolveRoleRef(forErrors, binding.roleRef, namespace);
    },
  };
}
