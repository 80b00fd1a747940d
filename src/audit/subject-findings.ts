import type { Finding, ObjectRef, Severity } from "../model/report.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../rbac/types.js";
import type { broadnessOf } from "./broad-subjects.js";
import { describeRef, makeFinding } from "./finding-text.js";
import type { RoleLevels } from "./permission-match.js";
import type { AuditRule } from "./rule-types.js";

/*
 * What every binding-level matcher (src/audit/matchers/) is given: one subject of one binding with
 * its role's rules, and the helpers that turn a verdict on it into a finding.
 */

/** One subject of one binding, with the role's rules: everything the binding-level rules look at. */
export interface GrantContext {
  binding: ClusterRoleBinding | RoleBinding;
  /** The binding, its role and the text `through <binding> of <role>`, computed once per binding. */
  bindingRef: ObjectRef;
  roleRef: ObjectRef;
  /** The role the binding refers to, as resolved. */
  role: ClusterRole | Role;
  /** The role is a default one, unchanged (shared by every binding of it). */
  roleIsDefault: boolean;
  path: string;
  subject: Subject;
  subjectRef: ObjectRef;
  /** `ServiceAccount ns/name`: how messages name the subject. */
  subjectText: string;
  /** Whether the subject stands for anonymous callers or every authenticated identity. */
  broadness: ReturnType<typeof broadnessOf>;
  /** The role's effective rules (aggregated offline). */
  rules: readonly PolicyRule[];
  /** Grant levels of the role's rules against every compiled pattern. */
  levels: RoleLevels;
  /** True for ClusterRoleBindings and for RoleBindings in a privileged namespace. */
  clusterWide: boolean;
  /** `cluster` or the binding's namespace. */
  scope: string;
  /** The binding and subject are a default the cluster ships with. */
  expected: boolean;
}

const lowered = new Map<string, string>();

/** "Can read Secrets" -> "can read Secrets", remembered per title (one per rule, many findings each). */
export function lowerFirst(title: string): string {
  let text = lowered.get(title);
  if (text === undefined) {
    text = title.charAt(0).toLowerCase() + title.slice(1);
    lowered.set(title, text);
  }
  return text;
}

/** The rule's severity for this grant: `namespacedSeverity` when the binding is confined to an ordinary namespace. */
export function baseSeverity(rule: AuditRule, context: GrantContext): Severity {
  return context.clusterWide ? rule.severity : (rule.namespacedSeverity ?? rule.severity);
}

/** `through RoleBinding ns/name of ClusterRole admin` (a Role as `Role ns/name`): the path part of every binding-level message. */
export function pathText(bindingRefValue: ObjectRef, roleRef: ObjectRef): string {
  return `through ${describeRef(bindingRefValue)} of ${describeRef(roleRef)}`;
}

/** A finding about one grant: subject, binding, role, scope and source come from the context. */
export function grantFinding(
  rule: AuditRule,
  context: GrantContext,
  severity: Severity,
  message: string,
  rules: readonly PolicyRule[],
  remediation?: string,
): Finding {
  // One object shape for every call (a spread here cost seconds on 50,000 findings).
  return makeFinding(rule, {
    severity,
    status: context.expected ? "expected" : "finding",
    message,
    scope: context.scope,
    // Findings of one role and rule share one list of matched rules; nothing changes a finding's rules.
    rules: rules as PolicyRule[],
    subject: context.subjectRef,
    binding: context.bindingRef,
    role: context.roleRef,
    source: context.binding.source,
    remediation,
  });
}

/** ` Every identity in system:authenticated holds it.`: what a broad subject adds to a message, or nothing. */
export function broadNote(subject: Subject, broadness: GrantContext["broadness"]): string {
  if (broadness === "anonymous") return " Anyone who can reach the API server, without credentials, holds it.";
  if (broadness === "all-authenticated") return ` Every identity in ${subject.name} holds it.`;
  return "";
}
