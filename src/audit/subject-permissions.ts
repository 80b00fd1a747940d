import type { Finding } from "../model/report.js";
import { describeRef, describeScope, makeFinding } from "./finding-text.js";
import type { AuditRule } from "./rule-types.js";
import type { GrantContext } from "./subject-findings.js";

/** The pseudo-rule of `--subject` listings: not a problem, the subject's effective permissions. */
export const EFFECTIVE_PERMISSIONS_RULE: AuditRule = {
  id: "effective-permissions",
  title: "Effective permissions of the subject",
  severity: "info",
  rationale: "With --subject, the audit lists every binding that applies to the identity and the rules it grants, next to the risks those rules carry.",
  remediation: "Compare these rules with what the workload needs and remove the rest.",
  cis: "none",
  match: { kind: "permissions" },
};

/**
 * One `info` finding per binding that applies to the `--subject` identity: every rule it grants and
 * the risk rules those grants triggered, so the report reads as the identity's permissions grouped by risk.
 */
export function effectivePermissionsFinding(context: GrantContext, risks: readonly Finding[]): Finding {
  const labels = [...new Set(risks.map((risk) => `${risk.rule} (${risk.severity})`))];
  const riskText = labels.length > 0 ? `risks: ${labels.join(", ")}` : "no risk rule matched";
  return makeFinding(EFFECTIVE_PERMISSIONS_RULE, {
    severity: "info",
    status: "finding",
    message: `${describeRef(context.subjectRef)} gets ${context.rules.length} rule${context.rules.length === 1 ? "" : "s"} ${describeScope(context.scope)} through ${context.binding.kind} ${context.binding.metadata.name}; ${riskText}.`,
    scope: context.scope,
    rules: [...context.rules],
    subject: context.subjectRef,
    binding: context.bindingRef,
    role: context.roleRef,
    ...(context.binding.source ? { source: context.binding.source } : {}),
  });
}
