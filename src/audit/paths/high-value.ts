import type { Finding, ObjectRef } from "../../model/report.js";
import { lowerSeverity, isAtLeast } from "../../model/severity.js";
import { describeRef } from "../finding-text.js";
import type { AuditRule } from "../rule-types.js";
import { reachesBeyondServiceAccounts, type PathAnalysis } from "./analysis.js";
import { routeFindings, type PathOptions } from "./findings.js";
import { ensureIdentity, identityKey, type Identity } from "./grants.js";
import { findRoutes } from "./search.js";
import { HIGH_VALUE_TARGETS, NODE_TARGET, NODES_GROUP, NODE_USER_PREFIX, type HighValueTarget } from "./targets.js";

/*
 * `high-value-identity-path`: the same search as cluster-admin-path, backwards from the high-value
 * identities of targets.ts instead of from cluster-admin power. An identity that holds cluster-admin
 * power or reaches it is left to that rule, unless its only path there relies on what the audit could
 * not see (high) while the identity it surely reaches is critical: then both are said.
 */

/** The `high-value-identity-path` findings, given the cluster-admin analysis of the same audit. Pure. */
export function highValueFindings(rule: AuditRule, analysis: PathAnalysis, options: PathOptions): Finding[] {
  // Most snapshots bind no controller (offline without the defaults): then the graph is not needed.
  const bound = HIGH_VALUE_TARGETS.filter((target) =>
    analysis.prepared.snapshot.clusterRoleBindings.some((binding) => binding.roleRef.name === target.clusterRole),
  );
  const byKey = new Map<string, HighValueTarget>();
  // A route's last step reaches the target identity's own ref: looked up by it first, by key for any other.
  const byRef = new Map<ObjectRef, HighValueTarget>();
  const targets: Identity[] = [];
  for (const target of bound) {
    // A target counts where the audited RBAC gives it its power: its bootstrap ClusterRoleBinding is
    // there (live, offline with --with-defaults, or in the manifests).
    const identity = analysis.table.identities.get(identityKey(target.ref));
    if (!identity?.own.some((grant) => grant.namespace === "" && grant.roleRef.kind === "ClusterRole" && grant.roleRef.name === target.clusterRole)) continue;
    byKey.set(identity.key, target);
    byRef.set(identity.ref, target);
    targets.push(identity);
  }
  // Only an edge to nodes, users, groups or power (a ClusterRoleBinding's) can start a path to a node identity.
  if (reachesBeyondServiceAccounts(analysis.prepared, analysis.implied)) {
    const node = ensureIdentity(analysis.table, NODE_TARGET.ref);
    byKey.set(node.key, NODE_TARGET);
    byRef.set(node.ref, NODE_TARGET);
    targets.push(node);
  }
  if (targets.length === 0) return [];
  const routes = findRoutes(analysis.table, analysis.facts, analysis.adminRoles, { targets });
  return routeFindings(rule, analysis, routes, options, (identity, steps) => {
    const last = steps[steps.length - 1];
    const target = last ? (byRef.get(last.reaches) ?? byKey.get(identityKey(last.reaches))) : undefined;
    if (!target) return undefined;
    const admin = analysis.routes.get(identity.key);
    if (admin) {
      // A holder, or a path to cluster-admin that is as serious: that finding says it all.
      const severity = steps.some((step) => step.preconditions.length > 0) ? lowerSeverity(target.severity) : target.severity;
      if (admin.steps[0]?.edge.kind === "holds" || !admin.conditional || !isAtLeast(severity, "critical")) return undefined;
    }
    const grantedBy = target.clusterRole ? `ClusterRole ${target.clusterRole}` : (target.grantedBy ?? "");
    return { reached: reachedText(target), severity: target.severity, after: ` It ${target.can} (${grantedBy}).` };
  });
}

/** `ServiceAccount kube-system/job-controller`, or a node's identity in words. */
function reachedText(target: HighValueTarget): string {
  return target === NODE_TARGET ? `a node's identity (user ${NODE_USER_PREFIX}<node>, group ${NODES_GROUP})` : describeRef(target.ref);
}
