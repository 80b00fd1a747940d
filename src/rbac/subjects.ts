import type { RbacSnapshot, Subject, UserInfo } from "./types.js";

/*
 * Subject matching and description, as pkg/registry/rbac/validation/rule.go does it
 * (appliesToUser, describeSubject). Kinds are case-sensitive; apiGroup is never read.
 */

/** The username of a ServiceAccount (`system:serviceaccount:NS:NAME`). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The namespace a ServiceAccount subject refers to: its own, else the binding's namespace
 * ("" for ClusterRoleBindings, where such a subject matches nobody).
 */
export function serviceAccountNamespaceOf(subject: Subject, bindingNamespace: string): string {
  return subject.namespace ? subject.namespace : bindingNamespace;
}

/**
 * A binding subject as a canonical string, for comparing subjects of two bindings: the apiserver's
 * defaults filled in (User/Group apiGroup rbac.authorization.k8s.io, ServiceAccount "" and, in a
 * RoleBinding, the binding's namespace).
 */
export function subjectKey(subject: Subject, bindingNamespace: string | undefined): string {
  const apiGroup = subject.apiGroup || (subject.kind === "User" || subject.kind === "Group" ? "rbac.authorization.k8s.io" : "");
  const namespace = subject.kind === "ServiceAccount" ? subject.namespace || bindingNamespace || "" : "";
  return JSON.stringify([subject.kind, apiGroup, namespace, subject.name]);
}

/** Whether a binding subject applies to the user (upstream `appliesToUser`). */
export function subjectAppliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.name === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = serviceAccountNamespaceOf(subject, bindingNamespace);
      if (namespace === "") return false;
      return user.name === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

/** Index of the first subject that applies, or -1 (upstream `appliesTo`). */
export function firstApplyingSubject(user: UserInfo, subjects: readonly Subject[], bindingNamespace: string): number {
  return subjects.findIndex((subject) => subjectAppliesToUser(user, subject, bindingNamespace));
}

/** Go's %q for the strings we print (names never contain control characters worth escaping further). */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** Upstream `describeSubject`: `Kind "name"`, or `ServiceAccount "name/namespace"` (name first). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount") {
    return `${subject.kind} ${quote(`${subject.name}/${serviceAccountNamespaceOf(subject, bindingNamespace)}`)}`;
  }
  return `${subject.kind} ${quote(subject.name)}`;
}

/**
 * Every username a binding names directly: User subjects, and ServiceAccount subjects as
 * `system:serviceaccount:NS:NAME`. A user outside this list gets only what its groups get.
 */
export function usernamesNamedByBindings(snapshot: RbacSnapshot): Set<string> {
  const names = new Set<string>();
  const bindings = [
    ...snapshot.roleBindings.map((binding) => ({ binding, namespace: binding.metadata.namespace })),
    ...snapshot.clusterRoleBindings.map((binding) => ({ binding, namespace: "" })),
  ];
  for (const { binding, namespace } of bindings) {
    for (const subject of binding.subjects ?? []) {
      if (subject.kind === "User") names.add(subject.name);
      const serviceAccountNamespace = subject.kind === "ServiceAccount" ? serviceAccountNamespaceOf(subject, namespace) : "";
      if (serviceAccountNamespace !== "") names.add(serviceAccountUsername(serviceAccountNamespace, subject.name));
    }
  }
  return names;
}
