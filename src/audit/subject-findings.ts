import type { Finding, ObjectRef, Severity } from "../model/report.js";
import type { ClusterRoleBinding, PolicyRule, RoleBinding, Subject } from "../rbac/types.js";
import { broadnessOf, rulesBeyondBaseline } from "./broad-subjects.js";
import { describeRef, describeScope, makeFinding, sentence } from "./finding-text.js";
import { answerFor, Grant, isFullWildcard, restrictedNames, type CompiledPatterns, type RoleLevels } from "./permission-match.js";
import { lowerSeverity, raiseSeverity } from "../model/severity.js";
import type { AuditRule, Catalogue } from "./rule-types.js";

/** One subject of one binding, with the role's rules: everything the binding-level rules look at. */
export interface GrantContext {
  binding: ClusterRoleBinding | RoleBinding;
  /** The binding, its role and the text `through <binding> of <role>`, computed once per binding. */
  bindingRef: ObjectRef;
  roleRef: ObjectRef;
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
function lowerFirst(title: string): string {
  let text = lowered.get(title);
  if (text === undefined) {
    text = title.charAt(0).toLowerCase() + title.slice(1);
    lowered.set(title, text);
  }
  return text;
}

function baseSeverity(rule: AuditRule, context: GrantContext): Severity {
  return context.clusterWide ? rule.severity : (rule.namespacedSeverity ?? rule.severity);
}

/** `through RoleBinding ns/name of ClusterRole admin`: the path part of every binding-level message. */
export function pathText(bindingRefValue: ObjectRef, roleRef: ObjectRef): string {
  return `through ${describeRef(bindingRefValue)} of ${roleRef.kind} ${roleRef.name}`;
}

function finding(rule: AuditRule, context: GrantContext, severity: Severity, message: string, rules: readonly PolicyRule[]): Finding {
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
  });
}

function broadNote(subject: Subject, broadness: GrantContext["broadness"]): string {
  if (broadness === "anonymous") return " Anyone who can reach the API server, without credentials, holds it.";
  if (broadness === "all-authenticated") return ` Every identity in ${subject.name} holds it.`;
  return "";
}

function clusterAdminFinding(rule: AuditRule, context: GrantContext): { finding: Finding; full: boolean } | undefined {
  const wildcards = context.rules.filter(isFullWildcard);
  if (wildcards.length === 0) return undefined;
  const full = wildcards.filter((policyRule) => (policyRule.resourceNames ?? []).length === 0);
  const matched = full.length > 0 ? full : wildcards;
  let severity = baseSeverity(rule, context);
  if (full.length === 0) severity = lowerSeverity(severity);
  if (context.broadness) severity = "critical";
  const power = context.scope === "cluster" ? "cluster-admin power" : `admin power over namespace ${context.scope} (a RoleBinding confines it there)`;
  const restricted = full.length === 0 ? `, ${restrictedNames(matched)}` : "";
  const message = sentence(context.subjectText, " holds ", power, restricted, " ", context.path, ".", broadNote(context.subject, context.broadness));
  return { finding: finding(rule, context, severity, message, matched), full: full.length > 0 };
}

function permissionFinding(compiled: CompiledPatterns["rules"][number], context: GrantContext): Finding | undefined {
  const match = answerFor(compiled, context.rules, context.levels, context.scope === "cluster");
  if (match.grant === Grant.none) return undefined;
  const { rule } = compiled;
  let severity = baseSeverity(rule, context);
  if (match.grant === Grant.restricted) severity = lowerSeverity(severity);
  if (context.broadness) severity = raiseSeverity(severity);
  const restricted = match.grant === Grant.restricted ? ` (${match.restrictedTo})` : "";
  const what = lowerFirst(rule.title);
  const message = sentence(context.subjectText, " ", what, " ", describeScope(context.scope), restricted, " ", context.path, ".", broadNote(context.subject, context.broadness));
  return finding(rule, context, severity, message, match.matchedRules);
}

function broadSubjectFinding(rule: AuditRule, context: GrantContext): Finding | undefined {
  const broadness = context.broadness;
  if (!broadness) return undefined;
  const beyond = rulesBeyondBaseline(context.rules);
  if (beyond.length === 0) return undefined;
  let severity: Severity = broadness === "anonymous" ? "critical" : baseSeverity(rule, context);
  if (beyond.every((policyRule) => (policyRule.resourceNames ?? []).length > 0)) severity = lowerSeverity(severity);
  const who = broadness === "anonymous" ? "anonymous callers" : `every identity in ${context.subject.name}`;
  const message = sentence(context.subjectText, " gives ", who, " ", beyond.length, " rule", beyond.length === 1 ? "" : "s", " beyond discovery ", describeScope(context.scope), " ", context.path, ".");
  return finding(rule, context, severity, message, beyond);
}

function defaultServiceAccountFinding(rule: AuditRule, context: GrantContext): Finding | undefined {
  if (context.subject.kind !== "ServiceAccount" || context.subject.name !== "default") return undefined;
  const message = sentence(context.subjectText, " is bound ", context.path, ", so every pod of namespace ", String(context.subjectRef.namespace), " that names no ServiceAccount gets the role.");
  return finding(rule, context, baseSeverity(rule, context), message, context.rules);
}

/**
 * The binding-level findings for one subject of one binding. When the subject holds cluster-admin
 * power through the binding, the permission rules are not reported separately for it: the
 * cluster-admin finding already says it can do all of them.
 */
export function subjectFindings(catalogue: Catalogue, compiled: CompiledPatterns, context: GrantContext): Finding[] {
  const findings: Finding[] = [];
  let admin = false;
  for (const rule of catalogue.rules) {
    let found: Finding | undefined;
    switch (rule.match.kind) {
      case "cluster-admin": {
        const result = clusterAdminFinding(rule, context);
        found = result?.finding;
        admin = result?.full ?? false;
        break;
      }
      case "broad-subject":
        found = broadSubjectFinding(rule, context);
        break;
      case "default-serviceaccount":
        found = defaultServiceAccountFinding(rule, context);
        break;
      default:
        break;
    }
    if (found) findings.push(found);
  }
  if (admin) return findings;
  for (const permissionRule of compiled.rules) {
    const found = permissionFinding(permissionRule, context);
    if (found) findings.push(found);
  }
  return findings;
}
