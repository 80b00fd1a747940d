import type { Finding } from "../model/report.js";
import type { ClusterRole, PolicyRule, Role } from "../rbac/types.js";
import type { Expectations } from "./expected.js";
import { describeRef, makeFinding } from "./finding-text.js";
import type { PreparedSnapshot } from "./prepare.js";
import type { AuditRule, Catalogue } from "./rule-types.js";

/*
 * Findings about role definitions rather than grants: a "*" in a Role or ClusterRole (CIS 5.1.3) is
 * worth fixing even while nothing binds the role, because a binding added later inherits it.
 */

function hasWildcard(rule: PolicyRule): boolean {
  if ((rule.verbs ?? []).includes("*") || (rule.apiGroups ?? []).includes("*")) return true;
  for (const resource of rule.resources ?? []) if (resource.includes("*")) return true;
  return false;
}

function wildcardFinding(rule: AuditRule, role: ClusterRole | Role, expectations: Expectations): Finding | undefined {
  // Aggregated roles are judged by the roles they collect, which are reported on their own.
  if (role.kind === "ClusterRole" && role.aggregationRule) return undefined;
  const wild = (role.rules ?? []).filter(hasWildcard);
  if (wild.length === 0) return undefined;
  const ref = role.kind === "Role" ? { kind: "Role", name: role.metadata.name, namespace: role.metadata.namespace } : { kind: "ClusterRole", name: role.metadata.name };
  return makeFinding(rule, {
    severity: rule.severity,
    status: expectations.isDefaultRole(role) ? "expected" : "finding",
    message: `${describeRef(ref)} has ${wild.length} rule${wild.length === 1 ? "" : "s"} with "*" in verbs, resources or apiGroups.`,
    scope: role.kind === "Role" ? role.metadata.namespace : "cluster",
    rules: wild,
    role: ref,
    ...(role.source ? { source: role.source } : {}),
  });
}

/** Findings about role definitions of the input (bootstrap roles filled in offline are not the user's and are skipped). */
export function roleFindings(catalogue: Catalogue, prepared: PreparedSnapshot, expectations: Expectations): Finding[] {
  const findings: Finding[] = [];
  for (const rule of catalogue.rules) {
    if (rule.match.kind !== "wildcard") continue;
    for (const role of [...prepared.snapshot.clusterRoles, ...prepared.snapshot.roles]) {
      if (role.kind === "ClusterRole" && prepared.filledClusterRoles.has(role.metadata.name)) continue;
      const found = wildcardFinding(rule, role, expectations);
      if (found) findings.push(found);
    }
  }
  return findings;
}
