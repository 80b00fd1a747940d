import { policyRulesEqual } from "../rbac/aggregate.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from "../rbac/types.js";

/*
 * What a cluster ships with is listed as `expected`, not as a problem: the bootstrap policy of
 * kube-apiserver (system:masters is cluster-admin, controllers hold what they need) and the few
 * bindings kubeadm creates. Matching is strict: same binding kind, namespace and name, same roleRef,
 * and the subject must be one the default lists. An extra subject added to a default binding, or a
 * default name bound to another role, is a finding like any other.
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

function subjectKey(subject: Subject, bindingNamespace: string): string {
  const namespace = subject.kind === "ServiceAccount" ? subject.namespace || bindingNamespace : "";
  return `${subject.kind}\u0000${namespace}\u0000${subject.name}`;
}

/** Answers "is this a default?" for bindings, subjects and roles. */
export interface Expectations {
  /** True when the binding is a default one and lists this subject by default. */
  isDefaultGrant(binding: ClusterRoleBinding | RoleBinding, subject: Subject): boolean;
  /** True when the role is a default one with its default rules. */
  isDefaultRole(role: ClusterRole | Role): boolean;
}

/** Builds the expectations from the bootstrap policy data and kubeadm's defaults. */
export function defaultExpectations(): Expectations {
  const policy = bootstrapPolicy();
  const bindings = new Map<string, Set<string>>();
  for (const binding of [...policy.clusterRoleBindings, ...policy.roleBindings, ...KUBEADM_BINDINGS]) {
    const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    bindings.set(bindingKey(binding), new Set((binding.subjects ?? []).map((subject) => subjectKey(subject, namespace))));
  }
  const roles = new Map<string, ClusterRole | Role>();
  for (const role of [...policy.clusterRoles, ...policy.roles]) roles.set(`${role.kind}\u0000${role.metadata.namespace ?? ""}\u0000${role.metadata.name}`, role);
  // Most bindings of a big cluster are not defaults: a name lookup rejects them before any key is built.
  const names = new Set([...policy.clusterRoleBindings, ...policy.roleBindings, ...KUBEADM_BINDINGS].map((binding) => binding.metadata.name));
  return {
    isDefaultGrant(binding, subject) {
      if (!names.has(binding.metadata.name)) return false;
      const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
      return bindings.get(bindingKey(binding))?.has(subjectKey(subject, namespace)) ?? false;
    },
    isDefaultRole(role) {
      const known = roles.get(`${role.kind}\u0000${role.metadata.namespace ?? ""}\u0000${role.metadata.name}`);
      if (!known) return false;
      // Aggregated defaults (admin, edit, view) carry whatever was aggregated into them; their selectors are what is default.
      if (known.kind === "ClusterRole" && known.aggregationRule) return role.kind === "ClusterRole" && role.aggregationRule !== undefined;
      return known.rules.length === role.rules.length && known.rules.every((rule, index) => policyRulesEqual(rule, role.rules[index] as typeof rule));
    },
  };
}
