import { aggregationKey } from "../conformance/normalize.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import { subjectKey } from "../rbac/subjects.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../rbac/types.js";
import { rulesNotCoveredBy } from "./rule-coverage.js";

/*
 * What a cluster ships with is listed as `expected`, not as a problem: the bootstrap policy of
 * kube-apiserver (system:masters is cluster-admin, controllers hold what they need) and the few
 * bindings kubeadm creates. Matching is strict: same binding kind, namespace and name, same roleRef,
 * and the subject must be one the default lists; and the role must grant what the default does. An
 * extra subject added to a default binding, a default name bound to another role, or a default role
 * given extra rules is a finding like any other (and the change itself is one: matchers/modified-default.ts).
 */

/** kubeadm's default bindings (kubeadm init, v1.29+): binding name -> role and subjects. */
const KUBEADM_BINDINGS: (ClusterRoleBinding | RoleBinding)[] = [
  crb("kubeadm:cluster-admins", "cluster-admin", [{ kind: "Group", name: "kubeadm:cluster-admins" }]),
  crb("kubeadm:get-nodes", "kubeadm:get-nodes", [{ kind: "Group", name: "system:bootstrappers:kubeadm:default-node-token" }]),
  crb("kubeadm:kubelet-bootstrap", "system:node-bootstrapper", [{ kind: "Group", name: "system:bootstrappers:kubeadm:default-node-token" }]),
  crb("kubeadm:node-autoapprove-bootstrap", "system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
    { kind: "Group", name: "system:bootstrappers:kubeadm:default-node-token" },
  ]),
  crb("kubeadm:node-autoapprove-certificate-rotation", "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
    { kind: "Group", name: "system:nodes" },
  ]),
  crb("kubeadm:node-proxier", "system:node-proxier", [{ kind: "ServiceAccount", name: "kube-proxy", namespace: "kube-system" }]),
  {
    kind: "RoleBinding",
    metadata: { name: "kubeadm:bootstrap-signer-clusterinfo", namespace: "kube-public" },
    roleRef: { kind: "Role", name: "kubeadm:bootstrap-signer-clusterinfo" },
    subjects: [{ kind: "User", name: "system:anonymous" }],
  },
];

function crb(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return { kind: "ClusterRoleBinding", metadata: { name }, roleRef: { kind: "ClusterRole", name: role }, subjects };
}

function bindingKey(binding: ClusterRoleBinding | RoleBinding): string {
  const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
  return `${binding.kind}\u0000${namespace}\u0000${binding.metadata.name}\u0000${binding.roleRef.kind}\u0000${binding.roleRef.name}`;
}

/** How a role of the input differs from the default of the same kind, namespace and name. */
export interface RoleChanges {
  /** The default role it is compared with. */
  base: ClusterRole | Role;
  /** Rules that grant something the default does not. */
  added: PolicyRule[];
  /** Default rules it does not grant (the API server restores them at start-up unless autoupdate is "false"). */
  dropped: PolicyRule[];
  /** An aggregated default whose selectors differ from the default's. */
  selectorsChanged: boolean;
}

/** The annotation with which an administrator stops the API server from restoring a default at start-up. */
export const AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";

/** Answers "is this a default?" for bindings, subjects and roles. */
export interface Expectations {
  /** True when the binding is a default one and lists this subject by default. */
  isDefaultGrant(binding: ClusterRoleBinding | RoleBinding, subject: Subject): boolean;
  /** True when the role is a default one and grants exactly what the default does. */
  isDefaultRole(role: ClusterRole | Role): boolean;
  /** How a role named like a default differs from it; undefined for a role that is not a default. */
  roleChanges(role: ClusterRole | Role): RoleChanges | undefined;
  /** The default binding of the same kind, namespace, name and roleRef, or undefined. */
  defaultBinding(binding: ClusterRoleBinding | RoleBinding): ClusterRoleBinding | RoleBinding | undefined;
}

function roleKey(role: ClusterRole | Role): string {
  return `${role.kind}\u0000${role.metadata.namespace ?? ""}\u0000${role.metadata.name}`;
}

function compareRoles(role: ClusterRole | Role, base: ClusterRole | Role): RoleChanges {
  // Aggregated defaults (admin, edit, view) carry whatever was aggregated into them; their selectors are what is default.
  if (base.kind === "ClusterRole" && base.aggregationRule) {
    const selectorsChanged = role.kind !== "ClusterRole" || aggregationKey(role.aggregationRule) !== aggregationKey(base.aggregationRule);
    return { base, added: [], dropped: [], selectorsChanged };
  }
  return { base, added: rulesNotCoveredBy(role.rules ?? [], base.rules), dropped: rulesNotCoveredBy(base.rules, role.rules ?? []), selectorsChanged: false };
}

/** Builds the expectations from the bootstrap policy data and kubeadm's defaults. */
export function defaultExpectations(): Expectations {
  const policy = bootstrapPolicy();
  const bindings = new Map<string, { binding: ClusterRoleBinding | RoleBinding; subjects: Set<string> }>();
  for (const binding of [...policy.clusterRoleBindings, ...policy.roleBindings, ...KUBEADM_BINDINGS]) {
    const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    bindings.set(bindingKey(binding), { binding, subjects: new Set((binding.subjects ?? []).map((subject) => subjectKey(subject, namespace))) });
  }
  const roles = new Map<string, ClusterRole | Role>();
  for (const role of [...policy.clusterRoles, ...policy.roles]) roles.set(roleKey(role), role);
  const roleNames = new Set([...roles.values()].map((role) => role.metadata.name));
  // Most bindings of a big cluster are not defaults: a name lookup rejects them before any key is built.
  const names = new Set([...policy.clusterRoleBindings, ...policy.roleBindings, ...KUBEADM_BINDINGS].map((binding) => binding.metadata.name));
  // Thousands of grants share a few default roles: each is compared once.
  const compared = new Map<ClusterRole | Role, RoleChanges | undefined>();
  const roleChanges = (role: ClusterRole | Role): RoleChanges | undefined => {
    if (compared.has(role)) return compared.get(role);
    // Most roles of a big cluster have no default of their name: no key string is built for them.
    const base = roleNames.has(role.metadata.name) ? roles.get(roleKey(role)) : undefined;
    const changes = base ? compareRoles(role, base) : undefined;
    compared.set(role, changes);
    return changes;
  };
  return {
    isDefaultGrant(binding, subject) {
      if (!names.has(binding.metadata.name)) return false;
      const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
      return bindings.get(bindingKey(binding))?.subjects.has(subjectKey(subject, namespace)) ?? false;
    },
    isDefaultRole(role) {
      const changes = roleChanges(role);
      return changes !== undefined && changes.added.length === 0 && changes.dropped.length === 0 && !changes.selectorsChanged;
    },
    roleChanges,
    defaultBinding(binding) {
      return names.has(binding.metadata.name) ? bindings.get(bindingKey(binding))?.binding : undefined;
    },
  };
}
