import type { Finding } from "../../model/report.js";
import { describeRef } from "../finding-text.js";
import type { AuditRule } from "../rule-types.js";
import type { PathAnalysis } from "./analysis.js";
import { routeFindings, type PathOptions } from "./findings.js";
import { identityKey, type Identity } from "./grants.js";
import { findRoutes } from "./search.js";
import { HIGH_VALUE_TARGETS, type HighValueTarget } from "./targets.js";

/*
 * `high-value-identity-path`: the same search as cluster-admin-path, backwards from the high-value
 * identities of targets.ts instead of from cluster-admin power. An identity that already reaches
 * cluster-admin power (or holds it) is left to that rule: one finding per identity, the worse one.
 */

/** The `high-value-identity-path` findings, given the cluster-admin analysis of the same audit. Pure. */
export function highValueFindings(rule: AuditRule, analysis: PathAnalysis, options: PathOptions): Finding[] {
  // Most snapshots bind no controller (offline without the defaults): then the graph is not needed.
  const bound = HIGH_VALUE_TARGETS.filter((target) => analysis.prepared.snapshot.clusterRoleBindings.some((binding) => binding.roleRef.name === target.clusterRole));
  const byKey = new Map<string, HighValueTarget>();
  const targets: Identity[] = [];
  for (const target of bound) {
    // A target counts where the audited RBAC gives it its power: its bootstrap ClusterRoleBinding is
    // there (live, offline with --with-defaults, or in the manifests).
    const identity = analysis.table.identities.get(identityKey(target.ref));
    if (!identity?.own.some((grant) => grant.namespace === "" && grant.roleRef.kind === "ClusterRole" && grant.roleRef.name === target.clusterRole)) continue;
    byKey.set(identity.key, target);
    targets.push(identity);
  }
  if (targets.length === 0) return [];
  const routes = findRoutes(analysis.table, analysis.facts, analysis.adminRoles, { targets });
  return routeFindings(rule, analysis, routes, options, (identity, steps) => {
    if (analysis.routes.has(identity.key)) return undefined;
    const last = steps[steps.length - 1];
    const target = last ? byKey.get(identityKey(last.reaches)) : undefined;
    if (!target) return undefined;
    return { reached: describeRef(target.ref), severity: target.severity, after: ` It ${target.can} (ClusterRole ${target.clusterRole}).` };
  });
}
