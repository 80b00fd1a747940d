import { SEVERITIES, type Finding, type GrantRef } from "../model/report.js";
import { describeScope, sentence } from "./finding-text.js";
import { pathText } from "./subject-findings.js";

/*
 * A subject that gets one permission through several bindings (cert-manager reads Secrets through
 * five) is one finding, not five: the most severe grant leads, and `grants` lists every binding that
 * gives it, so removing one of them is not mistaken for the fix. And a subject that holds
 * cluster-admin power gets no separate finding for each thing that power includes.
 */

/** Where a subject holds unrestricted cluster-admin power: subject (as `describeRef`) -> scopes (`cluster` or namespaces). */
export type AdminScopes = ReadonlyMap<string, ReadonlySet<string>>;

function grantOf(finding: Finding): GrantRef {
  return {
    binding: finding.binding as NonNullable<Finding["binding"]>,
    role: finding.role as NonNullable<Finding["role"]>,
    scope: finding.scope,
    severity: finding.severity,
    ...(finding.source ? { source: finding.source } : {}),
  };
}

function alsoText(grant: GrantRef): string {
  return sentence(pathText(grant.binding, grant.role), " ", describeScope(grant.scope));
}

function fold(group: Finding[]): Finding {
  if (group.length === 1) return group[0] as Finding;
  const ordered = group.slice().sort((left, right) => SEVERITIES.indexOf(left.severity) - SEVERITIES.indexOf(right.severity));
  const lead = ordered[0] as Finding;
  const others = ordered.slice(1).map(grantOf);
  const message = sentence(lead.message, " Also ", others.map(alsoText).join("; "), ".");
  return { ...lead, message, grants: ordered.map(grantOf) };
}

/**
 * Binding-level findings, one per rule, status and subject (in the order each first appeared), with
 * those that `coveredByAdmin` says cluster-admin power includes left out for its holders in that scope.
 * `subjects[i]` names the subject of `findings[i]` as `describeRef` does (the engine has it already).
 */
export function foldGrantFindings(
  findings: readonly Finding[],
  subjects: readonly string[],
  admins: AdminScopes,
  coveredByAdmin: (ruleId: string) => boolean,
): Finding[] {
  // Per subject, its groups in a short list: a subject has a few dozen findings at most, and no key string is built per finding.
  const bySubject = new Map<string, Finding[][]>();
  const ordered: Finding[][] = [];
  // Loops, not forEach and find with closures: tens of thousands of findings, each read once.
  for (let index = 0; index < findings.length; index++) {
    const finding = findings[index] as Finding;
    const subject = subjects[index] as string;
    const scopes = admins.get(subject);
    if (scopes && coveredByAdmin(finding.rule) && (scopes.has("cluster") || scopes.has(finding.scope))) continue;
    let groups = bySubject.get(subject);
    if (!groups) bySubject.set(subject, (groups = []));
    let group: Finding[] | undefined;
    for (const candidate of groups) {
      const first = candidate[0] as Finding;
      if (first.rule === finding.rule && first.status === finding.status) {
        group = candidate;
        break;
      }
    }
    if (group) group.push(finding);
    else {
      const created = [finding];
      groups.push(created);
      ordered.push(created);
    }
  }
  return ordered.map(fold);
}
