import { describeRef, type SourceLocation } from "../model/report.js";
import type { Decision, EffectiveRule, Grant, SubjectGrant } from "./decision.js";
import type { PolicyRule, Subject } from "./types.js";

/* Plain-text descriptions of rules, grants and subjects, shared by can-i, who-can and reports. */

/** `verbs=[get list] resources=[pods] apiGroups=[""]`, fields in the order kubectl describes them. */
export function formatRule(rule: PolicyRule): string {
  const list = (values: string[] | undefined) => `[${(values ?? []).map((value) => (value === "" ? '""' : value)).join(" ")}]`;
  const parts = [`verbs=${list(rule.verbs)}`];
  if (rule.nonResourceURLs?.length) parts.push(`nonResourceURLs=${list(rule.nonResourceURLs)}`);
  if (rule.apiGroups?.length || rule.resources?.length) parts.push(`apiGroups=${list(rule.apiGroups)}`, `resources=${list(rule.resources)}`);
  if (rule.resourceNames?.length) parts.push(`resourceNames=${list(rule.resourceNames)}`);
  return parts.join(" ");
}

/** `file:line` of a manifest object. */
export function formatSource(source: SourceLocation | undefined): string | undefined {
  return source ? `${source.file}:${source.line}` : undefined;
}

/** `ServiceAccount ns/name`, `User alice`, `Group devs`. */
export function formatSubject(subject: Subject, bindingNamespace?: string): string {
  if (subject.kind === "ServiceAccount")
    return describeRef({ kind: subject.kind, name: subject.name, namespace: subject.namespace || bindingNamespace || "?" });
  return describeRef({ kind: subject.kind, name: subject.name });
}

/** `RoleBinding team/readers -> ClusterRole pod-reader` (+ scope). */
export function formatPath(grant: Omit<Grant, "rule">): string {
  return `${describeRef(grant.binding)} -> ${describeRef(grant.role)}${grant.scope === "cluster" ? "" : ` (only in namespace ${grant.scope})`}`;
}

/**
 * `RoleBinding team/readers of ClusterRole view to ServiceAccount team/bot`: the upstream reason's
 * sentence with objects written as every saprobe report writes them (the decision keeps the
 * server's own wording in `reason`).
 */
export function describeGrant(grant: Pick<Grant, "binding" | "role" | "subject">): string {
  return `${describeRef(grant.binding)} of ${describeRef(grant.role)} to ${formatSubject(grant.subject, grant.binding.namespace)}`;
}

/** The reason `can-i` prints: the grant in saprobe's words when there is one, else the decision's own reason. */
export function describeReason(answer: { reason: string; grant?: Omit<Grant, "rule"> }): string {
  return answer.grant ? `RBAC: allowed by ${describeGrant(answer.grant)}` : answer.reason;
}

/** The lines `can-i` prints under its yes/no. */
export function explainDecision(decision: Decision): string[] {
  const lines: string[] = [];
  if (decision.grant) {
    lines.push(describeReason(decision), `via: ${formatPath(decision.grant)}`, `rule: ${formatRule(decision.grant.rule)}`);
    const source = formatSource(decision.grant.source);
    if (source) lines.push(`binding defined at ${source}`);
  } else if (decision.allowed) {
    lines.push(decision.reason);
  } else {
    lines.push(decision.reason || "no RBAC rule allows this");
    for (const miss of decision.nearMisses) lines.push(`near miss: ${miss}`);
  }
  return lines;
}

/** One line per effective rule: the rule, then where it comes from. */
export function formatEffectiveRule(effective: EffectiveRule): string {
  const source = formatSource(effective.grant.source);
  return `${formatRule(effective.rule)}  <- ${formatPath(effective.grant)}${source ? ` (${source})` : ""}`;
}

/** One line per who-can subject. */
export function formatSubjectGrant(entry: SubjectGrant): string {
  if (!entry.grant) return `${formatSubject(entry.subject)}  (privileged group: allowed before RBAC)`;
  const source = formatSource(entry.grant.source);
  const nobody = entry.matchesNobody ? `  [matches nobody: ${entry.matchesNobody}]` : "";
  return `${formatSubject(entry.subject, entry.grant.binding.namespace)}  <- ${formatPath(entry.grant)}; ${formatRule(entry.grant.rule)}${source ? ` (${source})` : ""}${nobody}`;
}
