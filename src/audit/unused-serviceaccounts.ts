import type { Finding } from "../model/report.js";
import type { ServiceAccount } from "../rbac/types.js";
import { describeRef, makeFinding } from "./finding-text.js";
import type { AuditRule } from "./rule-types.js";
import type { GrantContext } from "./subject-findings.js";

/**
 * ServiceAccounts that exist and are bound, but that no pod runs as (live audits, where pods could be
 * read). `bound` maps `namespace/name` to the first binding that names the ServiceAccount.
 */
export function unusedServiceAccountFindings(
  rule: AuditRule,
  bound: ReadonlyMap<string, GrantContext>,
  serviceAccounts: readonly ServiceAccount[],
  podServiceAccounts: ReadonlySet<string>,
): Finding[] {
  const existing = new Set(serviceAccounts.map((account) => `${account.metadata.namespace}/${account.metadata.name}`));
  const findings: Finding[] = [];
  for (const [key, context] of bound) {
    if (!existing.has(key) || podServiceAccounts.has(key) || context.expected) continue;
    const binding = context.bindingRef;
    findings.push(
      makeFinding(rule, {
        severity: rule.severity,
        status: "finding",
        message: `${describeRef(context.subjectRef)} is bound (first by ${describeRef(binding)}) but no pod runs as it.`,
        scope: context.subjectRef.namespace ?? "cluster",
        subject: context.subjectRef,
        binding,
        role: context.roleRef,
      }),
    );
  }
  return findings;
}
