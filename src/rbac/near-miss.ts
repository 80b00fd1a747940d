import { describeRef } from "../model/report.js";
import { apiGroupMatches, combinedResourceOf, resourceMatches, rulesAllow, verbMatches } from "./match.js";
import { candidateBindings, resolveRoleRef, type RbacIndex } from "./rbac-index.js";
import { bindingRefs, visitRulesFor } from "./resolve.js";
import { firstApplyingSubject, quote, serviceAccountNamespaceOf } from "./subjects.js";
import type { ClusterRoleBinding, RequestAttributes, RoleBinding, UserInfo } from "./types.js";
import { parseServiceAccountUsername } from "./users.js";

/*
 * Explanations for a "no": the bindings that look like they should grant the request but cannot,
 * for the reasons users trip on. Computed only after a denial, so the cost of scanning wider than
 * the request namespace is paid once per "no".
 */

function bindingName(binding: ClusterRoleBinding | RoleBinding): string {
  return describeRef(bindingRefs(binding).binding);
}

function roleName(binding: ClusterRoleBinding | RoleBinding): string {
  return describeRef(bindingRefs(binding).role);
}

function roleAllows(index: RbacIndex, binding: ClusterRoleBinding | RoleBinding, attrs: RequestAttributes): boolean {
  const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
  const resolution = resolveRoleRef(index, binding.roleRef, namespace);
  return resolution.ok && rulesAllow(resolution.rules, attrs);
}

/** RoleBindings elsewhere that apply to the user and whose role would allow the request. */
function confinedRoleBindings(index: RbacIndex, user: UserInfo, attrs: RequestAttributes, requestNamespace: string): string[] {
  const notes: string[] = [];
  for (const binding of candidateBindings(index.roleBindingsEverywhere(), user)) {
    const namespace = binding.metadata.namespace;
    if (namespace === requestNamespace) continue;
    if (firstApplyingSubject(user, binding.subjects ?? [], namespace) < 0 || !roleAllows(index, binding, attrs)) continue;
    if (requestNamespace === "") {
      const what = attrs.resourceRequest ? "a cluster-scoped (or all-namespaces) request" : "a non-resource URL";
      notes.push(
        `${bindingName(binding)} of ${roleName(binding)} would allow this, but it has no effect on ${what}: only ClusterRoleBindings grant requests outside a namespace`,
      );
    } else {
      notes.push(
        `${bindingName(binding)} of ${roleName(binding)} would allow this, but a RoleBinding is confined to its namespace ${namespace}, not ${requestNamespace}`,
      );
    }
  }
  return notes;
}

/** Rules that apply and match everything but resourceNames. */
function resourceNameMisses(index: RbacIndex, user: UserInfo, attrs: RequestAttributes): string[] {
  if (!attrs.resourceRequest) return [];
  const notes: string[] = [];
  const subresource = attrs.subresource ?? "";
  visitRulesFor(index, user, attrs.namespace, (visit) => {
    const rule = visit.rule;
    if (!rule || (rule.resourceNames ?? []).length === 0) return true;
    if (!verbMatches(rule, attrs.verb) || !apiGroupMatches(rule, attrs.apiGroup)) return true;
    if (!resourceMatches(rule, combinedResourceOf(attrs.resource, subresource), subresource)) return true;
    const names = JSON.stringify(rule.resourceNames);
    const where = `${bindingName(visit.binding)} of ${roleName(visit.binding)}`;
    if (!attrs.name && attrs.verb === "create")
      notes.push(`${where} limits the rule to resourceNames ${names}: resourceNames never allow create, which has no name`);
    else if (!attrs.name)
      notes.push(`${where} limits the rule to resourceNames ${names}: a ${attrs.verb} without a name (no fieldSelector metadata.name=...) cannot match`);
    else notes.push(`${where} limits the rule to resourceNames ${names}, which does not include ${quote(attrs.name)}`);
    return true;
  });
  return notes;
}

/** Bindings that name this ServiceAccount but in another namespace (or with none, in a ClusterRoleBinding). */
function serviceAccountNamespaceMisses(index: RbacIndex, user: UserInfo, attrs: RequestAttributes, requestNamespace: string): string[] {
  const account = parseServiceAccountUsername(user.name);
  if (!account) return [];
  const notes: string[] = [];
  for (const { binding, subject } of index.serviceAccountSubjects().get(account.name) ?? []) {
    const bindingNamespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    // Only bindings that could grant this request: cluster-wide ones, and those of the request namespace.
    if (bindingNamespace !== "" && bindingNamespace !== requestNamespace) continue;
    const namespace = serviceAccountNamespaceOf(subject, bindingNamespace);
    if (namespace === account.namespace || !roleAllows(index, binding, attrs)) continue;
    notes.push(
      namespace === ""
        ? `${bindingName(binding)} names ServiceAccount ${subject.name} without a namespace: in a ClusterRoleBinding that matches nobody`
        : `${bindingName(binding)} names ${describeRef({ kind: "ServiceAccount", name: subject.name, namespace })}, but this is ${describeRef({ kind: "ServiceAccount", name: account.name, namespace: account.namespace })}`,
    );
  }
  return notes;
}

/** Resolution errors of bindings that apply to the user, as sentences that name the binding. */
function danglingRoleRefs(index: RbacIndex, user: UserInfo, requestNamespace: string): string[] {
  const notes: string[] = [];
  const check = (binding: ClusterRoleBinding | RoleBinding, namespace: string): void => {
    if (firstApplyingSubject(user, binding.subjects ?? [], namespace) < 0) return;
    const resolution = resolveRoleRef(index, binding.roleRef, namespace);
    if (resolution.ok) return;
    // A Role or ClusterRole that cannot be resolved is missing; only another kind keeps the server's words.
    const why = binding.roleRef.kind === "Role" || binding.roleRef.kind === "ClusterRole" ? `${roleName(binding)} does not exist` : resolution.error;
    notes.push(`${bindingName(binding)} applies to this user but grants nothing: ${why}`);
  };
  for (const binding of candidateBindings(index.clusterRoleBindings, user)) check(binding, "");
  if (requestNamespace !== "") {
    for (const binding of candidateBindings(index.roleBindingsByNamespace.get(requestNamespace), user)) check(binding, requestNamespace);
  }
  return notes;
}

/** ClusterRoleBindings that grant the request to a group the user is not in, for the groups people expect to "be" (system:masters). */
function grantedToOtherGroups(index: RbacIndex, user: UserInfo, attrs: RequestAttributes, groups: readonly string[]): string[] {
  const notes: string[] = [];
  for (const group of groups) {
    if (user.groups.includes(group)) continue;
    for (const binding of candidateBindings(index.clusterRoleBindings, { name: "", groups: [group] })) {
      if (!roleAllows(index, binding, attrs)) continue;
      notes.push(
        `${bindingName(binding)} of ${roleName(binding)} grants this to ${describeRef({ kind: "Group", name: group })}, and this user is not in that group (a binding to a group gives nothing to anyone outside it)`,
      );
    }
  }
  return notes;
}

/** Every near-miss explanation for a denied request. `privilegedGroups` are checked for bindings the user is outside of. */
export function nearMissesFor(index: RbacIndex, user: UserInfo, attrs: RequestAttributes, privilegedGroups: readonly string[] = ["system:masters"]): string[] {
  const namespace = attrs.resourceRequest ? attrs.namespace : "";
  return [
    ...grantedToOtherGroups(index, user, attrs, privilegedGroups),
    ...danglingRoleRefs(index, user, namespace),
    ...confinedRoleBindings(index, user, attrs, namespace),
    ...resourceNameMisses(index, user, attrs),
    ...serviceAccountNamespaceMisses(index, user, attrs, namespace),
  ];
}
