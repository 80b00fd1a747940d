import policy from "./bootstrap-policy.json" with { type: "json" };
import type { ClusterRole, ClusterRoleBinding, RbacObject, RbacSnapshot, Role, RoleBinding } from "./types.js";

/*
 * The default RBAC policy every cluster ships (objects labelled kubernetes.io/bootstrapping=rbac-defaults),
 * exported from a real kube-apiserver by scripts/generate/export-bootstrap.mjs and checked against the
 * live server by test/rbac/bootstrap.int.test.ts. Aggregated roles (admin, edit, view...) are stored
 * as the apiserver wrote them: empty rules plus an aggregationRule; `createAuthorizer(..., { aggregate: true })`
 * fills them in the way the controller-manager would.
 */

/** The Kubernetes version the bootstrap policy was exported from. */
export const BOOTSTRAP_POLICY_VERSION: string = policy.kubernetesVersion;

type Loose<T> = Omit<T, "rules"> & { rules?: T extends { rules: infer R } ? R | null : never };

function withRules<T extends ClusterRole | Role>(role: Loose<T>): T {
  return { ...role, rules: role.rules ?? [] } as T;
}

/** The bootstrap policy as a fresh snapshot (callers may mutate it). */
export function bootstrapPolicy(): RbacSnapshot {
  const copy = structuredClone(policy) as unknown as {
    clusterRoles: Loose<ClusterRole>[];
    clusterRoleBindings: ClusterRoleBinding[];
    roles: Loose<Role>[];
    roleBindings: RoleBinding[];
  };
  return {
    clusterRoles: copy.clusterRoles.map((role) => withRules<ClusterRole>(role)),
    clusterRoleBindings: copy.clusterRoleBindings,
    roles: copy.roles.map((role) => withRules<Role>(role)),
    roleBindings: copy.roleBindings,
    serviceAccounts: [],
  };
}

function keyOf(object: RbacObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

function overlay<T extends RbacObject>(base: T[], top: T[]): T[] {
  const replaced = new Set(top.map(keyOf));
  return [...base.filter((object) => !replaced.has(keyOf(object))), ...top];
}

/** `base` with every object of `top` added; an object of `top` replaces the one of `base` with the same kind, namespace and name. */
export function mergeSnapshots(base: RbacSnapshot, top: RbacSnapshot): RbacSnapshot {
  return {
    roles: overlay(base.roles, top.roles),
    clusterRoles: overlay(base.clusterRoles, top.clusterRoles),
    roleBindings: overlay(base.roleBindings, top.roleBindings),
    clusterRoleBindings: overlay(base.clusterRoleBindings, top.clusterRoleBindings),
    serviceAccounts: overlay(base.serviceAccounts, top.serviceAccounts),
  };
}

/** The snapshot plus the bootstrap policy (the snapshot's own objects win on a name clash, as on a real cluster where they were applied later). */
export function withBootstrapPolicy(snapshot: RbacSnapshot): RbacSnapshot {
  return mergeSnapshots(bootstrapPolicy(), snapshot);
}

/** An empty snapshot. */
export function emptySnapshot(): RbacSnapshot {
  return { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] };
}
