import type { ObjectRef } from "../model/report.js";
import type { Grant } from "./decision.js";
import { candidateBindings, resolveRoleRef, type RbacIndex } from "./rbac-index.js";
import { describeSubject, firstApplyingSubject, quote } from "./subjects.js";
import type { ClusterRoleBinding, PolicyRule, RoleBinding, UserInfo } from "./types.js";

/*
 * Upstream `DefaultRuleResolver.VisitRulesFor`: every ClusterRoleBinding that applies (namespace ""),
 * then, only for a non-empty request namespace, the RoleBindings of that namespace. Resolution errors
 * do not stop the walk (rules are additive). The visitor returns false to stop early.
 */

/** What the visitor is handed: a rule with the binding (and matched subject) it comes from, or a resolution error. */
export type Visit =
  | { rule: PolicyRule; binding: ClusterRoleBinding | RoleBinding; subjectIndex: number; error?: undefined }
  | { rule?: undefined; error: string };

/** The full grant for a visited rule. */
export function grantOf(visit: Visit & { rule: PolicyRule }): Grant {
  return { ...grantBase(visit.binding, visit.subjectIndex), rule: visit.rule };
}

/**
 * Upstream reason source, byte for byte what the server's RBAC authorizer says (`ClusterRoleBinding "b"
 * of ClusterRole "r" to Group "g"`, `RoleBinding "b/ns" of ...`): kept as the decision's `reason` so it can
 * be compared with the server's; what saprobe prints is `describeGrant`'s `Kind namespace/name` form.
 */
export function describeGrantSource(grant: Omit<Grant, "rule">): string {
  const { binding, subject } = grant;
  const bindingNamespace = binding.namespace ?? "";
  const bindingName = binding.kind === "RoleBinding" ? `${binding.name}/${bindingNamespace}` : binding.name;
  return `${binding.kind} ${quote(bindingName)} of ${grant.role.kind} ${quote(grant.role.name)} to ${describeSubject(subject, bindingNamespace)}`;
}

/** A binding and the role it refers to, as ObjectRefs (a Role lives in its RoleBinding's namespace). */
export function bindingRefs(binding: ClusterRoleBinding | RoleBinding): { binding: ObjectRef; role: ObjectRef } {
  const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : undefined;
  return {
    binding: namespace ? { kind: binding.kind, name: binding.metadata.name, namespace } : { kind: binding.kind, name: binding.metadata.name },
    role:
      binding.roleRef.kind === "Role" && namespace
        ? { kind: "Role", name: binding.roleRef.name, namespace }
        : { kind: binding.roleRef.kind, name: binding.roleRef.name },
  };
}

/** A Go `%q` string at the start of `text`: its value and the rest, or undefined. */
function goQuoted(text: string): { value: string; rest: string } | undefined {
  const match = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (!match) return undefined;
  try {
    return { value: JSON.parse(match[0]) as string, rest: text.slice(match[0].length) };
  } catch {
    return undefined;
  }
}

/**
 * The inverse of `describeGrantSource`: the binding, role and subject a server's RBAC reason
 * (`RBAC: allowed by RoleBinding "b/ns" of Role "r" to ServiceAccount "sa/ns"`) names, so a live answer
 * can be written as saprobe writes objects. Undefined for any other reason (another authorizer's, a
 * future wording): the caller then shows the server's words as they are.
 */
export function grantFromServerReason(reason: string): Omit<Grant, "rule" | "scope" | "source"> | undefined {
  const head = /^RBAC: allowed by (ClusterRoleBinding|RoleBinding) /.exec(reason);
  if (!head) return undefined;
  const bindingKind = head[1] as "ClusterRoleBinding" | "RoleBinding";
  const binding = goQuoted(reason.slice(head[0].length));
  const roleHead = binding && /^ of (ClusterRole|Role) /.exec(binding.rest);
  const role = binding && roleHead ? goQuoted(binding.rest.slice(roleHead[0].length)) : undefined;
  const subjectHead = role && /^ to (User|Group|ServiceAccount) /.exec(role.rest);
  const subject = role && subjectHead ? goQuoted(role.rest.slice(subjectHead[0].length)) : undefined;
  if (!binding || !roleHead || !role || !subjectHead || !subject || subject.rest !== "") return undefined;
  // A RoleBinding is written name/namespace, a ServiceAccount too (upstream's order, not ours).
  const [bindingName, bindingNamespace] = bindingKind === "RoleBinding" ? splitLast(binding.value) : [binding.value, undefined];
  if (bindingKind === "RoleBinding" && !bindingNamespace) return undefined;
  const roleKind = roleHead[1] as string;
  const subjectKind = subjectHead[1] as string;
  const [subjectName, subjectNamespace] = subjectKind === "ServiceAccount" ? splitLast(subject.value) : [subject.value, undefined];
  return {
    binding: bindingNamespace ? { kind: bindingKind, name: bindingName, namespace: bindingNamespace } : { kind: bindingKind, name: bindingName },
    role: roleKind === "Role" && bindingNamespace ? { kind: roleKind, name: role.value, namespace: bindingNamespace } : { kind: roleKind, name: role.value },
    subject: subjectNamespace !== undefined ? { kind: subjectKind, name: subjectName, namespace: subjectNamespace } : { kind: subjectKind, name: subjectName },
  };
}

/** `name/namespace` split at its last slash (names have none; a namespace neither). */
function splitLast(text: string): [string, string | undefined] {
  const slash = text.lastIndexOf("/");
  return slash < 0 ? [text, undefined] : [text.slice(0, slash), text.slice(slash + 1)];
}

/** The grant skeleton for a binding (without a rule): binding, role reference and matched subject. */
export function grantBase(binding: ClusterRoleBinding | RoleBinding, subjectIndex: number): Omit<Grant, "rule"> {
  const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : undefined;
  const base: Omit<Grant, "rule"> = {
    ...bindingRefs(binding),
    subject: binding.subjects[subjectIndex] as Grant["subject"],
    scope: namespace ?? "cluster",
  };
  if (binding.source) base.source = binding.source;
  return base;
}

function visitBinding(
  index: RbacIndex,
  binding: ClusterRoleBinding | RoleBinding,
  user: UserInfo,
  bindingNamespace: string,
  visitor: (visit: Visit) => boolean,
): boolean {
  const subjectIndex = firstApplyingSubject(user, binding.subjects ?? [], bindingNamespace);
  if (subjectIndex < 0) return true;
  const resolution = resolveRoleRef(index, binding.roleRef, bindingNamespace);
  if (!resolution.ok) return visitor({ error: resolution.error });
  for (const rule of resolution.rules) {
    if (!visitor({ rule, binding, subjectIndex })) return false;
  }
  return true;
}

/** Visits every rule that applies to `user` in `namespace`, in upstream order. */
export function visitRulesFor(index: RbacIndex, user: UserInfo, namespace: string, visitor: (visit: Visit) => boolean): void {
  for (const binding of candidateBindings(index.clusterRoleBindings, user)) {
    if (!visitBinding(index, binding, user, "", visitor)) return;
  }
  if (namespace === "") return;
  for (const binding of candidateBindings(index.roleBindingsByNamespace.get(namespace), user)) {
    if (!visitBinding(index, binding, user, namespace, visitor)) return;
  }
}

/** Go's `utilerrors.NewAggregate(errs).Error()`: one message as is, several (deduplicated) as `[a, b]`. */
export function aggregateErrorText(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  if (unique.length === 1) return unique[0] as string;
  return `[${unique.join(", ")}]`;
}
