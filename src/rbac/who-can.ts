import type { SubjectGrant } from "./decision.js";
import { ruleAllows } from "./match.js";
import { resolveRoleRef, type RbacIndex } from "./rbac-index.js";
import { grantBase } from "./resolve.js";
import { serviceAccountNamespaceOf } from "./subjects.js";
import type { ClusterRoleBinding, RequestAttributes, RoleBinding } from "./types.js";

/*
 * "Who can": upstream SubjectAccessEvaluator.AllowedSubjects. The privileged groups come first
 * (allowed before RBAC), then every subject of every ClusterRoleBinding whose role allows the
 * request, then, for a namespaced request, every subject of the namespace's RoleBindings whose role
 * allows it. Unlike upstream we keep one entry per (subject, binding) so each carries its path.
 */

function matchesNobody(subject: { kind: string; namespace?: string }, bindingNamespace: string): string | undefined {
  if (subject.kind === "ServiceAccount" && !subject.namespace && bindingNamespace === "") {
    return "a ServiceAccount subject without a namespace in a ClusterRoleBinding matches nobody";
  }
  if (subject.kind !== "User" && subject.kind !== "Group" && subject.kind !== "ServiceAccount") {
    return `subject kind ${JSON.stringify(subject.kind)} is not User, Group or ServiceAccount (kinds are case-sensitive)`;
  }
  return undefined;
}

function grantsOf(index: RbacIndex, binding: ClusterRoleBinding | RoleBinding, bindingNamespace: string, attrs: RequestAttributes): SubjectGrant[] {
  const resolution = resolveRoleRef(index, binding.roleRef, bindingNamespace);
  if (!resolution.ok) return [];
  const rule = resolution.rules.find((candidate) => ruleAllows(candidate, attrs));
  if (!rule) return [];
  return (binding.subjects ?? []).map((subject, subjectIndex) => {
    // A ServiceAccount subject of a RoleBinding without a namespace is the binding's: say which, in every output.
    const namespace = subject.kind === "ServiceAccount" ? serviceAccountNamespaceOf(subject, bindingNamespace) : "";
    const resolved = namespace !== "" && !subject.namespace ? { ...subject, namespace } : subject;
    const entry: SubjectGrant = { subject: resolved, grant: { ...grantBase(binding, subjectIndex), rule } };
    const nobody = matchesNobody(subject, bindingNamespace);
    if (nobody) entry.matchesNobody = nobody;
    return entry;
  });
}

/** Every subject that may perform the request, each with the binding -> role -> rule that allows it. */
export function subjectsWhoCan(index: RbacIndex, attrs: RequestAttributes, privilegedGroups: readonly string[]): SubjectGrant[] {
  const result: SubjectGrant[] = privilegedGroups.map((name) => ({ subject: { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name } }));
  for (const binding of index.clusterRoleBindings.bindings) result.push(...grantsOf(index, binding, "", attrs));
  const namespace = attrs.resourceRequest ? attrs.namespace : "";
  if (namespace !== "") {
    for (const binding of index.roleBindingsByNamespace.get(namespace)?.bindings ?? []) result.push(...grantsOf(index, binding, namespace, attrs));
  }
  return result;
}
