import type { Finding } from "../../model/report.js";
import { ruleAllows } from "../../rbac/match.js";
import type { PolicyRule, RequestAttributes } from "../../rbac/types.js";
import { describeRef, describeScope, sentence } from "../finding-text.js";
import { answerFor, GrantLevel, type PermissionAnswer } from "../permission-match.js";
import type { AuditRule } from "../rule-types.js";
import { lowerSeverity, raiseSeverity } from "../../model/severity.js";
import { baseSeverity, broadNote, grantFinding, lowerFirst, type GrantContext } from "../subject-findings.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

function namesText(answer: PermissionAnswer): string {
  if (answer.grant === GrantLevel.restricted) return ` (${answer.restrictedTo})`;
  if (answer.sensitiveNames.length > 0) return ` (resourceNames ${answer.sensitiveNames.join(", ")}: the most powerful targets, so no restriction)`;
  return "";
}

/** The rule's remediation for this role: names the role, and advises resourceNames only where none are set yet. */
function remediationFor(rule: AuditRule, context: GrantContext, answer: PermissionAnswer): string {
  // A role's own remediation is the same for all its bindings (kept on the shared answer); a shared default role's names the binding.
  if (context.roleIsDefault) return composeRemediation(rule, context, answer, true);
  answer.remediation ??= composeRemediation(rule, context, answer, false);
  return answer.remediation;
}

function composeRemediation(rule: AuditRule, context: GrantContext, answer: PermissionAnswer, shared: boolean): string {
  const named = answer.matchedRules.some((policyRule) => (policyRule.resourceNames ?? []).length > 0);
  const narrowing = rule.narrowing && !named ? ` ${rule.narrowing}` : "";
  const role = describeRef(context.roleRef);
  // A default role is shared by every binding of it: the fix is in the binding, not in the role.
  const where = shared
    ? sentence(role, " is a default role shared by every binding of it: bind a narrower role in ", describeRef(context.bindingRef), " instead. Otherwise: ")
    : sentence("In ", role, ": ");
  return sentence(where, rule.remediation, narrowing);
}

/**
 * `permissions`: the role grants any pattern of `anyOf`, or every pattern of `allOf`, in the
 * binding's scope. resourceNames lower the severity one level unless they name the most powerful
 * targets; a broad subject raises it one level.
 */
export const permissionsMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  coveredByClusterAdmin: true,
  grant(rule, context, run) {
    const compiled = run.permissionRules.get(rule);
    if (!compiled) return undefined;
    const answer = answerFor(compiled, context.rules, context.levels, context.scope);
    if (answer.grant === GrantLevel.none) return undefined;
    let severity = baseSeverity(rule, context);
    if (answer.grant === GrantLevel.restricted) severity = lowerSeverity(severity);
    if (context.broadness) severity = raiseSeverity(severity);
    const message = sentence(
      context.subjectText,
      " ",
      lowerFirst(rule.title),
      " ",
      describeScope(context.scope),
      namesText(answer),
      answer.verbsText,
      " ",
      context.path,
      ".",
      broadNote(context.subject, context.broadness),
      rule.assumes ? sentence(" Assumes ", rule.assumes, ".") : "",
    );
    return grantFinding(rule, context, severity, message, answer.matchedRules, remediationFor(rule, context, answer));
  },
  claimedRequest: claimedPermission,
};

/** The concrete request a finding claims is allowed: the first request of the rule's patterns its matched rules allow. */
function claimedPermission(rule: AuditRule, finding: Finding): RequestAttributes | undefined {
  if (rule.match.kind !== "permissions") return undefined;
  const namespace = finding.scope === "cluster" ? "" : finding.scope;
  const matched = finding.rules as PolicyRule[];
  for (const pattern of [...(rule.match.anyOf ?? []), ...(rule.match.allOf ?? [])]) {
    // A pattern bound to namespaces is asked about in the first of them when the grant is cluster-wide.
    const patternNamespace = pattern.scope === "cluster" ? "" : namespace || (pattern.namespaces?.[0] ?? "");
    for (const verb of pattern.verbs) {
      for (const apiGroup of pattern.apiGroups) {
        for (const combined of pattern.resources) {
          const [resource, subresource] = combined.split("/", 2) as [string, string | undefined];
          const name = matched.find((policyRule) => (policyRule.resourceNames ?? []).length > 0)?.resourceNames?.[0];
          const attrs: RequestAttributes = {
            resourceRequest: true,
            verb,
            apiGroup,
            resource,
            namespace: patternNamespace,
            ...(subresource ? { subresource } : {}),
          };
          if (matched.some((policyRule) => ruleAllows(policyRule, attrs))) return attrs;
          const named = name ? { ...attrs, name } : undefined;
          if (named && matched.some((policyRule) => ruleAllows(policyRule, named))) return named;
        }
      }
    }
  }
  return undefined;
}
