import type { Severity } from "../../model/report.js";
import { rulesBeyondBaseline } from "../broad-subjects.js";
import { describeScope, sentence } from "../finding-text.js";
import { lowerSeverity } from "../../model/severity.js";
import { baseSeverity, grantFinding } from "../subject-findings.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/**
 * `broad-subject`: anonymous callers or every authenticated identity get rules beyond the default
 * discovery, health and self-review ones. Critical for anonymous; one level lower when every such
 * rule is limited by resourceNames.
 */
export const broadSubjectMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  grant(rule, context) {
    const broadness = context.broadness;
    if (!broadness) return undefined;
    const beyond = rulesBeyondBaseline(context.rules);
    if (beyond.length === 0) return undefined;
    let severity: Severity = broadness === "anonymous" ? "critical" : baseSeverity(rule, context);
    if (beyond.every((policyRule) => (policyRule.resourceNames ?? []).length > 0)) severity = lowerSeverity(severity);
    const who = broadness === "anonymous" ? "anonymous callers" : `every identity in ${context.subject.name}`;
    const message = sentence(
      context.subjectText,
      " gives ",
      who,
      " ",
      beyond.length,
      " rule",
      beyond.length === 1 ? "" : "s",
      " beyond discovery ",
      describeScope(context.scope),
      " ",
      context.path,
      ".",
    );
    return grantFinding(rule, context, severity, message, beyond);
  },
};
