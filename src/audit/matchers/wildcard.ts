import type { Finding } from "../../model/report.js";
import type { ClusterRole, PolicyRule, Role } from "../../rbac/types.js";
import { describeRef, makeFinding } from "../finding-text.js";
import type { AuditRule } from "../rule-types.js";
import { ROLE_OBJECTS } from "./rbac-objects.js";
import type { AuditRun, Matcher } from "./types.js";

/*
 * `wildcard`: a "*" in a Role or ClusterRole (CIS 5.1.3) is worth fixing even while nothing binds the
 * role, because a binding added later inherits it. RBAC has no globbing: only an exact "*" verb or
 * group, and a resource "*" or "*\/subresource", match more than their own name ("p*ds" is a resource
 * called p*ds, which no request names).
 */

/** True for a resource entry the apiserver's ResourceMatches treats as a wildcard. */
function isWildcardResource(resource: string): boolean {
  return resource === "*" || resource.startsWith("*/");
}

function hasWildcard(rule: PolicyRule): boolean {
  return (rule.verbs ?? []).includes("*") || (rule.apiGroups ?? []).includes("*") || (rule.resources ?? []).some(isWildcardResource);
}

function wildcardFinding(rule: AuditRule, role: ClusterRole | Role, run: AuditRun): Finding | undefined {
  // Aggregated roles are judged by the roles they collect, which are reported on their own.
  if (role.kind === "ClusterRole" && role.aggregationRule) return undefined;
  const wild = (role.rules ?? []).filter(hasWildcard);
  if (wild.length === 0) return undefined;
  const ref =
    role.kind === "Role" ? { kind: "Role", name: role.metadata.name, namespace: role.metadata.namespace } : { kind: "ClusterRole", name: role.metadata.name };
  return makeFinding(rule, {
    severity: rule.severity,
    status: run.expectations.isDefaultRole(role) ? "expected" : "finding",
    message: `${describeRef(ref)} has ${wild.length} rule${wild.length === 1 ? "" : "s"} with "*" in verbs, resources or apiGroups.`,
    scope: role.kind === "Role" ? role.metadata.namespace : "cluster",
    rules: wild,
    role: ref,
    ...(role.source ? { source: role.source } : {}),
  });
}

/** Role definitions of the input (bootstrap roles filled in offline are not the user's and are skipped). */
export const wildcardMatcher: Matcher = {
  needs: ROLE_OBJECTS,
  whole(rule, run) {
    if (run.options.subject) return [];
    const findings: Finding[] = [];
    for (const role of [...run.prepared.snapshot.clusterRoles, ...run.prepared.snapshot.roles]) {
      if (run.prepared.isFilled(role)) continue;
      const found = wildcardFinding(rule, role, run);
      if (found) findings.push(found);
    }
    return findings;
  },
};
