import { serviceAccountNamespaceOf, serviceAccountUsername } from "./subjects.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, RoleRef, Subject, UserInfo } from "./types.js";

/*
 * Lookup tables over a snapshot, so a question touches only the bindings that can apply to the user
 * (by user name, group and ServiceAccount username) instead of every binding: 76,000 objects stay fast.
 * Bindings keep their snapshot order, which stands in for the apiserver's lister order.
 */

/** Bindings in snapshot order, with the positions of those naming each user or group. */
export interface BindingTable<B> {
  bindings: B[];
  bySubjectKey: Map<string, number[]>;
}

/** The indexed snapshot. Build once with `indexSnapshot`, query many times. */
export interface RbacIndex {
  clusterRoles: Map<string, ClusterRole>;
  roles: Map<string, Role>;
  clusterRoleBindings: BindingTable<ClusterRoleBinding>;
  roleBindingsByNamespace: Map<string, BindingTable<RoleBinding>>;
  /** Every RoleBinding of every namespace in one table; built on first use (only denials look beyond the request namespace). */
  roleBindingsEverywhere(): BindingTable<RoleBinding>;
  /** ServiceAccount subjects by name, whatever their namespace; built on first use (only denials need it). */
  serviceAccountSubjects(): Map<string, ServiceAccountSubjectEntry[]>;
}

/** A binding that names a ServiceAccount, with that subject. */
export interface ServiceAccountSubjectEntry {
  binding: ClusterRoleBinding | RoleBinding;
  subject: Subject;
}

/** Result of resolving a roleRef: the rules, or the upstream error sentence. */
export type RoleResolution = { ok: true; rules: PolicyRule[]; role: ClusterRole | Role } | { ok: false; error: string };

/** The user or group a subject stands for, as the index keys them; undefined for a subject that matches nobody. */
function principalKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case "User":
      return `u\u0000${subject.name}`;
    case "Group":
      return `g\u0000${subject.name}`;
    case "ServiceAccount": {
      const namespace = serviceAccountNamespaceOf(subject, bindingNamespace);
      return namespace === "" ? undefined : `u\u0000${serviceAccountUsername(namespace, subject.name)}`;
    }
    default:
      return undefined;
  }
}

function buildTable<B extends { subjects: Subject[] }>(bindings: B[], namespaceOf: (binding: B) => string): BindingTable<B> {
  const bySubjectKey = new Map<string, number[]>();
  bindings.forEach((binding, position) => {
    for (const subject of binding.subjects ?? []) {
      const key = principalKey(subject, namespaceOf(binding));
      if (key === undefined) continue;
      const positions = bySubjectKey.get(key);
      if (!positions) bySubjectKey.set(key, [position]);
      else if (positions[positions.length - 1] !== position) positions.push(position);
    }
  });
  return { bindings, bySubjectKey };
}

/** Builds the lookup tables. Later objects with the same name replace earlier ones, as `kubectl apply` would. */
export function indexSnapshot(snapshot: RbacSnapshot): RbacIndex {
  const clusterRoles = new Map(snapshot.clusterRoles.map((role) => [role.metadata.name, role]));
  const roles = new Map(snapshot.roles.map((role) => [`${role.metadata.namespace}/${role.metadata.name}`, role]));
  const grouped = new Map<string, RoleBinding[]>();
  for (const binding of snapshot.roleBindings) {
    const list = grouped.get(binding.metadata.namespace);
    if (list) list.push(binding);
    else grouped.set(binding.metadata.namespace, [binding]);
  }
  const roleBindingsByNamespace = new Map<string, BindingTable<RoleBinding>>();
  for (const [namespace, bindings] of grouped) {
    roleBindingsByNamespace.set(
      namespace,
      buildTable(bindings, () => namespace),
    );
  }
  let everywhere: BindingTable<RoleBinding> | undefined;
  let byServiceAccountName: Map<string, ServiceAccountSubjectEntry[]> | undefined;
  const serviceAccountSubjects = () => {
    if (byServiceAccountName) return byServiceAccountName;
    byServiceAccountName = new Map();
    for (const binding of [...snapshot.clusterRoleBindings, ...snapshot.roleBindings]) {
      for (const subject of binding.subjects ?? []) {
        if (subject.kind !== "ServiceAccount") continue;
        const entries = byServiceAccountName.get(subject.name);
        if (entries) entries.push({ binding, subject });
        else byServiceAccountName.set(subject.name, [{ binding, subject }]);
      }
    }
    return byServiceAccountName;
  };
  return {
    clusterRoles,
    roles,
    clusterRoleBindings: buildTable(snapshot.clusterRoleBindings, () => ""),
    roleBindingsByNamespace,
    roleBindingsEverywhere: () => (everywhere ??= buildTable(snapshot.roleBindings, (binding) => binding.metadata.namespace)),
    serviceAccountSubjects,
  };
}

/** The bindings of a table that may apply to the user, in table order. */
export function candidateBindings<B>(table: BindingTable<B> | undefined, user: UserInfo): B[] {
  if (!table) return [];
  const positions = new Set<number>(table.bySubjectKey.get(`u\u0000${user.name}`) ?? []);
  for (const group of user.groups) for (const position of table.bySubjectKey.get(`g\u0000${group}`) ?? []) positions.add(position);
  return [...positions].sort((a, b) => a - b).map((position) => table.bindings[position] as B);
}

/** Upstream `GetRoleReferenceRules`: a Role is looked up in the binding's namespace ("" for ClusterRoleBindings, where none exists). */
export function resolveRoleRef(index: RbacIndex, roleRef: RoleRef, bindingNamespace: string): RoleResolution {
  switch (roleRef.kind) {
    case "Role": {
      const role = bindingNamespace === "" ? undefined : index.roles.get(`${bindingNamespace}/${roleRef.name}`);
      if (!role) return { ok: false, error: `role.rbac.authorization.k8s.io ${JSON.stringify(roleRef.name)} not found` };
      return { ok: true, rules: role.rules ?? [], role };
    }
    case "ClusterRole": {
      const role = index.clusterRoles.get(roleRef.name);
      if (!role) return { ok: false, error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(roleRef.name)} not found` };
      return { ok: true, rules: role.rules ?? [], role };
    }
    default:
      return { ok: false, error: `unsupported role reference kind: ${JSON.stringify(roleRef.kind)}` };
  }
}
