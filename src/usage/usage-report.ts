import type { Catalogue } from "../audit/rule-types.js";
import type { Finding, ObjectRef } from "../model/report.js";
import type { IdentityUsage, ObservedRequest, UnusedGrant, UsageSection } from "../model/usage.js";
import { createAuthorizer } from "../rbac/authorizer.js";
import { bootstrapPolicy, emptySnapshot, mergeSnapshots } from "../rbac/bootstrap.js";
import { formatRule } from "../rbac/format.js";
import { describeRequest } from "../rbac/request-spec.js";
import type { RbacSnapshot, RequestAttributes, UserInfo } from "../rbac/types.js";
import { parseServiceAccountUsername, userInfoFor } from "../rbac/users.js";
import { ruleDiff } from "./diff.js";
import { grantedRules, grantFindings, isDefaultGrant, unusedGrants } from "./granted.js";
import { learnedScopes, learnRbac, type LearnedRbac } from "./learn.js";
import type { UsageRead } from "./read-usage.js";
import type { IdentityTally, RequestTally } from "./tally.js";

/** What the identities were granted, when a comparison is asked for. */
export interface GrantedRbac {
  snapshot: RbacSnapshot;
  /** `manifests` resolves aggregation offline; `live` uses the objects as stored. */
  source: "manifests" | "live";
  catalogue: Catalogue;
}

/** The usage section, its findings (unused grants, denied requests) and the learned RBAC per identity. */
export interface UsageOutcome {
  identities: IdentityUsage[];
  findings: Finding[];
  learned: (LearnedRbac & { first?: string; last?: string })[];
}

/** Audit-rule-like ids of the two kinds of usage finding. */
export const UNUSED_GRANT_RULE = "usage-unused-grant";
export const DENIED_REQUEST_RULE = "usage-denied-request";

function observed(tally: RequestTally, wouldAllow: string | undefined): ObservedRequest {
  const base = { count: tally.count, denied: tally.denied, firstSeen: tally.firstText, lastSeen: tally.lastText, ...(wouldAllow ? { wouldAllow } : {}) };
  const request = tally.attributes;
  if (!request.resourceRequest) return { verb: request.verb, nonResourceURL: request.path, ...base };
  return {
    verb: request.verb,
    apiGroup: request.apiGroup,
    resource: request.resource,
    ...(request.subresource ? { subresource: request.subresource } : {}),
    namespace: request.namespace,
    ...(request.name ? { name: request.name } : {}),
    ...base,
  };
}

function sortKey(request: RequestAttributes): string {
  if (!request.resourceRequest) return `~\u0000${request.path}\u0000${request.verb}`;
  return [request.namespace, request.apiGroup, request.resource, request.subresource ?? "", request.name ?? "", request.verb].join("\u0000");
}

/** The rule that would allow one request, with where it must be granted. */
function wouldAllow(request: RequestAttributes): string {
  const [scope] = learnedScopes([request]);
  if (!scope?.rules[0]) return "";
  const where = scope.scope === "cluster" ? "a ClusterRole bound by a ClusterRoleBinding" : `a Role in namespace ${scope.scope}`;
  return `${formatRule(scope.rules[0])} in ${where}`;
}

function subjectRefOf(username: string): ObjectRef {
  const account = parseServiceAccountUsername(username);
  return account ? { kind: "ServiceAccount", name: account.name, namespace: account.namespace } : { kind: "User", name: username };
}

function deniedFinding(username: string, tally: RequestTally, rule: string): Finding {
  const request = tally.attributes;
  return {
    rule: DENIED_REQUEST_RULE,
    severity: "medium",
    status: "finding",
    title: "Request denied by the authorizer",
    message: `${username} was denied ${tally.denied} time${tally.denied === 1 ? "" : "s"} (${tally.firstText} to ${tally.lastText}): ${describeRequest(request)}. It would be allowed by ${rule}.`,
    subject: subjectRefOf(username),
    scope: request.resourceRequest && request.namespace ? request.namespace : "cluster",
    rules: [],
    remediation:
      "If the workload needs this request, grant the rule named; if it does not, find out why it asks (a misconfigured client, or someone probing with its credentials).",
  };
}

function unusedFinding(username: string, grant: UnusedGrant): Finding {
  const what = grant.unused[0] === "all" ? "never used any of it" : `did not use: ${grant.unused.join("; ")}`;
  const path = `${grant.binding.kind} ${grant.binding.namespace ? `${grant.binding.namespace}/` : ""}${grant.binding.name} -> ${grant.role.kind} ${grant.role.name}`;
  const risk = grant.auditRules.length > 0 ? ` The audit rates this grant ${grant.severity} (${grant.auditRules.join(", ")}).` : "";
  return {
    rule: UNUSED_GRANT_RULE,
    severity: grant.severity,
    status: "finding",
    title: "Granted and not used",
    message: `${username} is granted ${grant.rule} through ${path} and ${what}.${risk}`,
    subject: subjectRefOf(username),
    binding: grant.binding,
    role: grant.role,
    scope: grant.scope,
    rules: [grant.rule],
    ...(grant.source ? { source: grant.source } : {}),
    remediation: "Remove what is not used, or replace the role with the minimal RBAC learned from the audit log (saprobe usage -o yaml).",
  };
}

/**
 * The granted snapshot as the audit reads it: offline, a binding to cluster-admin, admin or view
 * means what it means on every cluster even when the manifests do not define the role, so the
 * bootstrap ClusterRoles the manifests lack are added (roles only; default bindings need
 * --with-defaults). Live objects are used as stored.
 */
function grantedSnapshot(granted: GrantedRbac): RbacSnapshot {
  if (granted.source === "live") return granted.snapshot;
  return mergeSnapshots({ ...emptySnapshot(), clusterRoles: bootstrapPolicy().clusterRoles }, granted.snapshot);
}

/** The first and last time of a set of tallies, as written in the log. */
function timeRange(tallies: readonly RequestTally[]): { first?: string; last?: string } {
  let first: RequestTally | undefined;
  let last: RequestTally | undefined;
  for (const tally of tallies) {
    if (!first || tally.first < first.first) first = tally;
    if (!last || tally.last > last.last) last = tally;
  }
  return first && last ? { first: first.firstText, last: last.lastText } : {};
}

function userOf(identity: IdentityTally): UserInfo {
  return userInfoFor(identity.username, [...identity.groups]);
}

/** Builds each identity's usage, its findings and its learned RBAC from what the log gave. */
export function usageOutcome(read: UsageRead, granted: GrantedRbac | undefined): UsageOutcome {
  const defaults = createAuthorizer(bootstrapPolicy());
  const authorizer = granted ? createAuthorizer(grantedSnapshot(granted), { aggregate: granted.source === "manifests", explainDenials: false }) : undefined;
  const namespaces = granted ? [...new Set(granted.snapshot.roleBindings.map((binding) => binding.metadata.namespace))].sort() : [];
  const outcome: UsageOutcome = { identities: [], findings: [], learned: [] };
  for (const identity of [...read.identities.values()].sort((a, b) => (a.username < b.username ? -1 : 1))) {
    const user = userOf(identity);
    const tallies = [...identity.requests.values()].sort((a, b) => (sortKey(a.attributes) < sortKey(b.attributes) ? -1 : 1));
    const allowed = tallies.filter((tally) => tally.count > tally.denied).map((tally) => tally.attributes);
    const requests: ObservedRequest[] = [];
    for (const tally of tallies) {
      const rule = tally.denied > 0 ? wouldAllow(tally.attributes) : undefined;
      requests.push(observed(tally, rule));
      if (rule !== undefined) outcome.findings.push(deniedFinding(identity.username, tally, rule));
    }
    const learned = learnRbac(user, allowed, defaults);
    const allowedTallies = tallies.filter((tally) => tally.count > tally.denied);
    outcome.learned.push({ ...learned, ...timeRange(allowedTallies) });
    const usage: IdentityUsage = { username: identity.username, requests, unused: [], diff: [] };
    if (granted && authorizer) {
      const findings = grantFindings(granted.snapshot, granted.catalogue, user, granted.source === "manifests" ? "offline" : "live");
      const rules = grantedRules(authorizer, user, namespaces).filter((rule) => !isDefaultGrant(rule));
      usage.unused = unusedGrants(rules, allowed, findings);
      usage.diff = ruleDiff(rules, learned.scopes);
      outcome.findings.push(...usage.unused.map((grant) => unusedFinding(identity.username, grant)));
    }
    outcome.identities.push(usage);
  }
  return outcome;
}

/** The report's usage section. */
export function usageSection(
  read: UsageRead,
  files: readonly string[],
  window: { since?: string; until?: string },
  outcome: UsageOutcome,
  granted: GrantedRbac | undefined,
): UsageSection {
  return {
    log: { files: [...files], ...read.log, ...window },
    granted: granted?.source ?? "none",
    identities: outcome.identities,
  };
}
