import type { Finding, ObjectRef, PathHop, Severity } from "../../model/report.js";
import type { RbacSnapshot, UserInfo } from "../../rbac/types.js";
import { subjectAppliesToUser } from "../../rbac/subjects.js";
import type { Expectations } from "../expected.js";
import { describeRef, makeFinding, sentence } from "../finding-text.js";
import { clusterAdminPower } from "../cluster-admin-power.js";
import type { PreparedSnapshot } from "../prepare.js";
import type { AuditRule } from "../rule-types.js";
import { lowerSeverity } from "../../model/severity.js";
import type { PathFacts } from "./facts.js";
import { ensureIdentity, identityKey, identityTable, type Identity, type IdentityTable } from "./grants.js";
import { describeReached, hopOf, stepsOf } from "./hops.js";
import { findRoutes, type Route, type Step } from "./search.js";

/*
 * One `cluster-admin-path` finding per identity that reaches cluster-admin power only through
 * other identities (or by granting it to itself): the shortest path, hop by hop. Direct holders are
 * `cluster-admin-binding`'s; an identity whose first hop is a grant of a group it is in is covered by
 * that group's own finding.
 */

/** What the path analysis needs besides the prepared snapshot. */
export interface PathOptions {
  facts: PathFacts;
  expectations: Expectations;
  subject?: UserInfo;
}

/** ClusterRoles that hold cluster-admin power, and `cluster-admin` (the API server restores it at start-up). */
function adminRoleNames(snapshot: RbacSnapshot): Set<string> {
  const names = new Set(["cluster-admin"]);
  for (const role of snapshot.clusterRoles) {
    const power = clusterAdminPower(role.rules);
    if (power && !power.restricted) names.add(role.metadata.name);
  }
  return names;
}

function namespacesOf(snapshot: RbacSnapshot): Set<string> {
  const namespaces = new Set<string>();
  for (const objects of [snapshot.roles, snapshot.roleBindings, snapshot.serviceAccounts]) for (const object of objects) namespaces.add(object.metadata.namespace);
  return namespaces;
}

function appliesTo(identity: Identity, user: UserInfo | undefined): boolean {
  if (!user) return true;
  const { ref } = identity;
  return subjectAppliesToUser(user, { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) }, ref.namespace ?? "");
}

function hopSummary(hop: PathHop): string {
  const grant = hop.grants[0];
  if (hop.edge === "holds") return grant ? sentence("which holds cluster-admin power through ", describeRef(grant.binding)) : "which is in system:masters";
  return sentence(hop.permission, " -> ", describeReached(hop.reaches), hop.precondition ? ` (only if ${hop.precondition})` : "");
}

/** The identity graph of one audit and every identity's shortest route to cluster-admin power. */
export interface PathAnalysis {
  table: IdentityTable;
  routes: Map<string, Route>;
  facts: PathFacts;
  adminRoles: ReadonlySet<string>;
}

/** Builds the graph and the cluster-admin routes of a prepared snapshot. Pure. */
export function analysePaths(prepared: PreparedSnapshot, facts: PathFacts): PathAnalysis {
  const table = identityTable(prepared);
  // Every namespace has a `default` ServiceAccount, and system:masters is power without any binding.
  if (!facts.live) for (const namespace of namespacesOf(prepared.snapshot)) ensureIdentity(table, { kind: "ServiceAccount", name: "default", namespace });
  ensureIdentity(table, { kind: "Group", name: "system:masters" });
  const adminRoles = adminRoleNames(prepared.snapshot);
  return { table, routes: findRoutes(table, facts, adminRoles), facts, adminRoles };
}

/** What a path finding says beyond its hops: where it ends, how serious it is. */
export interface PathEnd {
  /** `cluster-admin power`, `ServiceAccount kube-system/job-controller`. */
  reached: string;
  severity: Severity;
  /** A sentence after the hops (what the identity at the end can do), or "". */
  after: string;
}

/**
 * One finding per identity with a route in `routes` that it takes through a grant of its own (an
 * identity whose first hop is a grant of a group it is in is covered by that group's finding), for
 * `rule`. `endOf` says where a route ends; identities it returns undefined for are skipped. Pure.
 */
export function routeFindings(rule: AuditRule, analysis: PathAnalysis, routes: ReadonlyMap<string, Route>, options: PathOptions, endOf: (identity: Identity, steps: readonly Step[]) => PathEnd | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const identity of analysis.table.identities.values()) {
    const route = routes.get(identity.key);
    if (!route || route.steps.length === 0 || identity.own.length === 0 || route.steps[0]?.edge.kind === "holds" || !appliesTo(identity, options.subject)) continue;
    const steps = stepsOf(identity.key, routes);
    const first = steps[0]?.edge.evidence ?? [];
    if (first.every((evidence) => identityKey(evidence.grant.subject) !== identity.key)) continue;
    const end = endOf(identity, steps);
    if (!end) continue;
    const hops = steps.map(hopOf);
    const conditional = hops.some((hop) => hop.precondition);
    // The subject's own part is its first hop: when a default grant gives it (a controller that creates
    // pods by design), the path is expected; the identity at the end has its own finding.
    const expected = first.length > 0 && first.every((evidence) => options.expectations.isDefaultGrant(evidence.grant.binding, subjectOf(evidence.grant.subject)));
    const severity: Severity = conditional ? lowerSeverity(end.severity) : end.severity;
    const via = first.find((evidence) => identityKey(evidence.grant.subject) === identity.key) ?? first[0];
    const grant = via?.grant;
    const moves = hops.filter((hop) => hop.edge !== "holds").length;
    const message = sentence(
      describeRef(identity.ref),
      " reaches ",
      end.reached,
      " in ",
      moves,
      " hop",
      moves === 1 ? "" : "s",
      ": ",
      hops.map((hop, position) => (position === 0 ? "" : hop.edge === "holds" ? ", " : ", then ") + hopSummary(hop)).join(""),
      ".",
      end.after,
      conditional ? " A hop relies on what the audit could not see; severity lowered until it is checked." : "",
    );
    const finding = makeFinding(rule, {
      severity,
      status: expected ? "expected" : "finding",
      message,
      scope: hops[0]?.requests[0]?.namespace || "cluster",
      rules: first.map((evidence) => evidence.rule),
      subject: identity.ref,
      ...(grant ? { binding: grant.bindingRef, role: grant.roleRef } : {}),
      ...(grant?.binding.source ? { source: grant.binding.source } : {}),
    });
    finding.path = hops;
    findings.push(finding);
  }
  return findings;
}

/** The `cluster-admin-path` findings. Pure. */
export function pathFindings(rule: AuditRule, analysis: PathAnalysis, options: PathOptions): Finding[] {
  const end: PathEnd = { reached: "cluster-admin power", severity: rule.severity, after: "" };
  return routeFindings(rule, analysis, analysis.routes, options, () => end);
}

function subjectOf(ref: ObjectRef): { kind: string; name: string; namespace?: string } {
  return ref.namespace ? { kind: ref.kind, name: ref.name, namespace: ref.namespace } : { kind: ref.kind, name: ref.name };
}
