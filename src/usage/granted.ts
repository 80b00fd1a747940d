import { auditSnapshot as audit } from "../audit/engine.js";
import type { Catalogue } from "../audit/rule-types.js";
import type { Finding, ObjectRef, Severity } from "../model/report.js";
import { SEVERITIES } from "../model/report.js";
import type { UnusedGrant } from "../model/usage.js";
import { policyRulesEqual } from "../rbac/aggregate.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import type { Authorizer } from "../rbac/authorizer.js";
import type { EffectiveRule } from "../rbac/decision.js";
import { formatRule } from "../rbac/format.js";
import { ruleAllows } from "../rbac/match.js";
import { describeRequest } from "../rbac/request-spec.js";
import type { PolicyRule, RbacSnapshot, RequestAttributes, UserInfo } from "../rbac/types.js";

/*
 * Granted against used: every rule that reaches the identity (binding -> role -> rule, from the
 * authorizer's own rule walk), split into its single permissions (one verb, group and resource, or
 * one verb and URL), each asked of the requests it allowed. A permission with a wildcard that was
 * used is still reported with what it was used for: `*` on `*` used to get pods is mostly unused.
 * Severity comes from the audit catalogue's findings on the same binding and rule.
 */

/** The granted rules of a user: cluster-wide, then each namespace with RoleBindings. */
export function grantedRules(authorizer: Authorizer, user: UserInfo, namespaces: readonly string[]): EffectiveRule[] {
  const rules = [...authorizer.rulesFor(user, "")];
  for (const namespace of namespaces) rules.push(...authorizer.rulesFor(user, namespace).filter((rule) => rule.grant.scope === namespace));
  return rules;
}

function sameRef(a: ObjectRef | undefined, b: ObjectRef): boolean {
  return a !== undefined && a.kind === b.kind && a.name === b.name && (a.namespace ?? "") === (b.namespace ?? "");
}

/** The audit findings for one user, to weigh its grants by. */
export function grantFindings(snapshot: RbacSnapshot, catalogue: Catalogue, user: UserInfo, mode: "offline" | "live"): Finding[] {
  // Every grant is weighed on its own: a grant left unused is as risky whatever else the user holds.
  return audit(snapshot, catalogue, { mode, subject: user, perGrant: true });
}

/** The most serious catalogue finding on this binding and rule (`info` and no rule id when none matches). */
function severityOf(effective: EffectiveRule, findings: readonly Finding[]): { severity: Severity; auditRules: string[] } {
  let severity: Severity = "info";
  const ids = new Set<string>();
  for (const finding of findings) {
    if (finding.rule === "effective-permissions" || finding.status !== "finding") continue;
    if (!sameRef(finding.binding, effective.grant.binding) || !sameRef(finding.role, effective.grant.role)) continue;
    if (!(finding.rules as PolicyRule[]).some((rule) => policyRulesEqual(rule, effective.rule))) continue;
    ids.add(finding.rule);
    if (SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(severity)) severity = finding.severity;
  }
  return { severity, auditRules: [...ids] };
}

let defaultBindings: Set<string> | undefined;

/**
 * True for a grant every user of a group gets from the policy the cluster ships (system:discovery,
 * system:basic-user... to system:authenticated): not the workload's grant, and not its to remove.
 */
export function isDefaultGrant(effective: EffectiveRule): boolean {
  if (effective.grant.subject.kind !== "Group" || effective.grant.binding.kind !== "ClusterRoleBinding") return false;
  defaultBindings ??= new Set(bootstrapPolicy().clusterRoleBindings.map((binding) => `${binding.metadata.name}\u0000${binding.roleRef.name}`));
  return defaultBindings.has(`${effective.grant.binding.name}\u0000${effective.grant.role.name}`);
}

interface Permission {
  rule: PolicyRule;
  text: string;
  wildcard: boolean;
}

function permissionsOf(rule: PolicyRule): Permission[] {
  const permissions: Permission[] = [];
  const names = rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {};
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs ?? []) {
      permissions.push({
        rule: { verbs: [verb], nonResourceURLs: [url] },
        text: `${verb === "*" ? "any verb on" : verb} ${url === "*" ? "any URL" : url}`,
        wildcard: verb === "*" || url.endsWith("*"),
      });
    }
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const what = resource === "*" ? "any resource" : group === "" || group === "*" ? resource : `${resource}.${group}`;
        const text = `${verb === "*" ? "any verb on" : verb} ${what}${group === "*" ? " in any group" : ""}`;
        permissions.push({
          rule: { verbs: [verb], apiGroups: [group], resources: [resource], ...names },
          text,
          wildcard: verb === "*" || group === "*" || resource.includes("*"),
        });
      }
    }
  }
  return permissions;
}

/** What of each granted rule no request used, with its grant and severity; fully used rules are left out. Default grants are the caller's to leave out. */
export function unusedGrants(granted: readonly EffectiveRule[], used: readonly RequestAttributes[], findings: readonly Finding[]): UnusedGrant[] {
  const unused: UnusedGrant[] = [];
  for (const effective of granted) {
    const scope = effective.grant.scope;
    const inScope = scope === "cluster" ? used : used.filter((request) => request.resourceRequest && request.namespace === scope);
    const permissions = permissionsOf(effective.rule);
    const parts: string[] = [];
    let usedAny = false;
    for (const permission of permissions) {
      const users = inScope.filter((request) => ruleAllows(permission.rule, request));
      if (users.length === 0) {
        parts.push(permission.text);
        continue;
      }
      usedAny = true;
      if (permission.wildcard) {
        // What kind of request, not which object: one entry per verb, type and namespace.
        const what = [...new Set(users.map((request) => describeRequest(request.resourceRequest ? { ...request, name: undefined } : request)))];
        parts.push(`${permission.text} (used only for ${what.slice(0, 5).join(", ")}${what.length > 5 ? `, and ${what.length - 5} more` : ""})`);
      }
    }
    if (parts.length === 0) continue;
    const { severity, auditRules } = severityOf(effective, findings);
    unused.push({
      binding: effective.grant.binding,
      role: effective.grant.role,
      scope,
      rule: formatRule(effective.rule),
      unused: usedAny ? parts : ["all"],
      severity,
      auditRules,
      ...(effective.grant.source ? { source: effective.grant.source } : {}),
    });
  }
  return unused;
}
