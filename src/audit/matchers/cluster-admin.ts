import type { PolicyRule } from "../../rbac/types.js";
import { clusterAdminPower } from "../cluster-admin-power.js";
import { sentence } from "../finding-text.js";
import { restrictedNames } from "../permission-match.js";
import { lowerSeverity } from "../../model/severity.js";
import { baseSeverity, broadNote, grantFinding } from "../subject-findings.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/**
 * `cluster-admin`: the role holds every verb on every resource of every group (a `*` verb, or every
 * REST verb listed one by one). A subject that holds it unrestricted is remembered, so its other
 * permission findings in that scope are left out: this finding already says it can do everything.
 */
export const clusterAdminMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  grant(rule, context, run) {
    const power = clusterAdminPower(context.rules);
    if (!power) return undefined;
    let severity = baseSeverity(rule, context);
    if (power.restricted) severity = lowerSeverity(severity);
    if (context.broadness) severity = "critical";
    if (!power.restricted) run.holdsClusterAdmin(context.subjectRef, context.scope);
    const reach = context.scope === "cluster" ? "cluster-admin power" : `admin power over namespace ${context.scope} (a RoleBinding confines it there)`;
    const how = power.spelledOut ? ' (every REST verb listed one by one on every resource of every API group: the same power as "*")' : "";
    const restricted = power.restricted ? `, ${restrictedNames(power.rules)}` : "";
    const message = sentence(context.subjectText, " holds ", reach, how, restricted, " ", context.path, ".", broadNote(context.subject, context.broadness));
    return grantFinding(rule, context, severity, message, power.rules);
  },
  claimedRequest(_rule, finding) {
    // Power spelled out verb by verb is asked about with one of its verbs: the server's `*` needs a `*`.
    const verb = (finding.rules as PolicyRule[]).some((policyRule) => policyRule.verbs.includes("*")) ? "*" : "create";
    return { resourceRequest: true, verb, apiGroup: "*", resource: "*", namespace: finding.scope === "cluster" ? "" : finding.scope };
  },
};
