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

let shared: RbacSnapshot | undefined;

/**
 * The bootstrap policy: fresh arrays (callers may add to or filter them) of objects shared by every
 * call, which nobody may change (a caller that needs a changed one copies it; test/rbac/bootstrap.test.ts
 * holds the objects equal to the exported policy after the authorizer and an offline audit used them).
 * Cloning the whole policy per call cost 1-2.6 ms each, three or four times in an offline start-up;
 * freezing it, 2.3 ms.
 */
export function bootstrapPolicy(): RbacSnapshot {
  shared ??= {
    clusterRoles: (policy.clusterRoles as unknown as Loose<ClusterRole>[]).map((role) => withRules<ClusterRole>(role)),
    clusterRoleBindings: policy.clusterRoleBindings as unknown as ClusterRoleBinding[],
    roles: (policy.roles as unknown as Loose<Role>[]).map((role) => withRules<Role>(role)),
    roleBindings: policy.roleBindings as unknown as RoleBinding[],
    serviceAccounts: [],
  };
  return {
    clusterRoles: [...shared.clusterRoles],
    clusterRoleBindings: [...shared.clusterRoleBindings],
    roles: [...shared.roles],
    roleBindings: [...shared.roleBindings],
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
