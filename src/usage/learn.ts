import type { Authorizer } from "../rbac/authorizer.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, RequestAttributes, Role, RoleBinding, Subject, UserInfo } from "../rbac/types.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import { rulesForRequests } from "./learn-rules.js";

/*
 * The minimal RBAC for one identity: a Role and RoleBinding in each namespace it used (a namespaced
 * request is only ever allowed by a ClusterRoleBinding or a RoleBinding of its own namespace, so a
 * Role per namespace is the least), a ClusterRole and ClusterRoleBinding for its cluster-scoped,
 * all-namespaces and non-resource requests, and its ServiceAccount. Requests the default policy
 * already allows every such user (discovery, /version, self reviews) are left out, as a person
 * would leave them out.
 */

/** The learned objects of one identity, and what was left out because the defaults allow it. */
export interface LearnedRbac {
  username: string;
  snapshot: RbacSnapshot;
  /** Requests left out: the default bootstrap policy already allows them. */
  allowedByDefault: number;
  /** The rules per scope, as in `snapshot`'s roles. */
  scopes: LearnedScope[];
}

/** One learned scope: `cluster` or a namespace, with its rules. */
export interface LearnedScope {
  scope: string;
  rules: PolicyRule[];
}

function subjectFor(username: string): Subject {
  const account = parseServiceAccountUsername(username);
  return account
    ? { kind: "ServiceAccount", name: account.name, namespace: account.namespace }
    : { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: username };
}

/** Object names people use: the ServiceAccount's name in its namespaces, `namespace:name` for cluster objects. */
function namesFor(username: string): { namespaced: string; cluster: string } {
  const account = parseServiceAccountUsername(username);
  if (account) return { namespaced: account.name, cluster: `${account.namespace}:${account.name}` };
  const safe =
    username
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "user";
  return { namespaced: safe, cluster: safe };
}

/** The learned rules per scope (cluster first, then namespaces by name), from the requests to allow. */
export function learnedScopes(requests: readonly RequestAttributes[]): LearnedScope[] {
  const byScope = new Map<string, RequestAttributes[]>();
  for (const request of requests) {
    const scope = request.resourceRequest && request.namespace !== "" ? request.namespace : "cluster";
    const list = byScope.get(scope) ?? [];
    list.push(request);
    byScope.set(scope, list);
  }
  const scopes = [...byScope.keys()].sort((a, b) => (a === "cluster" ? -1 : b === "cluster" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return scopes.map((scope) => ({ scope, rules: rulesForRequests(byScope.get(scope) ?? []) }));
}

/**
 * The minimal RBAC for `user` from the requests it made that were allowed. `defaults` answers for
 * the bootstrap policy alone: what it allows is left out.
 */
export function learnRbac(user: UserInfo, allowed: readonly RequestAttributes[], defaults: Authorizer): LearnedRbac {
  const needed = allowed.filter((request) => !defaults.authorize(user, request).allowed);
  const subject = subjectFor(user.name);
  const names = namesFor(user.name);
  const snapshot: RbacSnapshot = { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] };
  if (subject.kind === "ServiceAccount" && subject.namespace) {
    snapshot.serviceAccounts.push({ kind: "ServiceAccount", metadata: { name: subject.name, namespace: subject.namespace } });
  }
  const roleRefGroup = "rbac.authorization.k8s.io";
  const scopes = learnedScopes(needed);
  for (const { scope, rules } of scopes) {
    if (scope === "cluster") {
      const role: ClusterRole = { kind: "ClusterRole", metadata: { name: names.cluster }, rules };
      const binding: ClusterRoleBinding = {
        kind: "ClusterRoleBinding",
        metadata: { name: names.cluster },
        subjects: [subject],
        roleRef: { apiGroup: roleRefGroup, kind: "ClusterRole", name: names.cluster },
      };
      snapshot.clusterRoles.push(role);
      snapshot.clusterRoleBindings.push(binding);
    } else {
      const role: Role = { kind: "Role", metadata: { name: names.namespaced, namespace: scope }, rules };
      const binding: RoleBinding = {
        kind: "RoleBinding",
        metadata: { name: names.namespaced, namespace: scope },
        subjects: [subject],
        roleRef: { apiGroup: roleRefGroup, kind: "Role", name: names.namespaced },
      };
      snapshot.roles.push(role);
      snapshot.roleBindings.push(binding);
    }
  }
  return { username: user.name, snapshot, allowedByDefault: allowed.length - needed.length, scopes };
}
