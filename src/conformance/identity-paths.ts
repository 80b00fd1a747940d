import { auditLive } from "../audit/live/audit.js";
import { AUDIT_READS } from "../audit/live/lists.js";
import { preflight } from "../audit/live/preflight.js";
import { grantAsks } from "../audit/paths/relevance.js";
import { describeRef } from "../audit/finding-text.js";
import type { Catalogue } from "../audit/rule-types.js";
import type { Connection } from "../connect/types.js";
import type { KubeClient } from "../kube/types.js";
import type { CheckResult, Finding, PathHop } from "../model/report.js";
import type { Authorizer } from "../rbac/authorizer.js";
import type { PolicyRule, UserInfo } from "../rbac/types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/*
 * `run --expect` and attack paths. A permission set can equal its declaration, or differ by one
 * "medium" permission, and still make the identity cluster-admin through another identity: mint a
 * token for a ServiceAccount that is cluster-admin, run a pod as it, read its token Secret. So when
 * the identity's live rules hold any permission that acts as another identity, the live audit's path
 * search runs for this identity alone (the same engine as `saprobe audit --subject`, hops confirmed
 * by SubjectAccessReview), reading as the identity when it may read RBAC objects, else as the
 * impersonating identity. Each path is a failed result. When nobody may read what the reached
 * identities hold, the result says saprobe could not tell: never a pass.
 */

/** The id of the results of this step. */
export const PATHS_CHECK_ID = "cluster-admin-path";

/** What the path step needs. */
export interface IdentityPathsInput {
  client: KubeClient;
  connection: Connection;
  /** The impersonating identity's client and connection, when the run impersonates (`--as`). */
  reader?: { client: KubeClient; connection: Connection };
  user: UserInfo;
  /** The server's resource rules for the identity, per compared namespace (SelfSubjectRulesReview). */
  liveRules: ReadonlyMap<string, readonly PolicyRule[]>;
  /** The expected RBAC, to say whether a path's first hop is declared. */
  expected: Authorizer;
  catalogue: Catalogue;
  signal?: AbortSignal;
}

const RBAC_READS = [AUDIT_READS.clusterRoles, AUDIT_READS.roles, AUDIT_READS.clusterRoleBindings, AUDIT_READS.roleBindings];

/** The namespaces where the identity holds a permission that can act as another identity (a superset: the search decides). */
export function namespacesWithEdges(liveRules: ReadonlyMap<string, readonly PolicyRule[]>): string[] {
  // "" asks the cluster-wide profile, which includes every question a namespaced grant asks.
  return [...liveRules].filter(([, rules]) => rules.length > 0 && grantAsks(rules as PolicyRule[], "", true)).map(([namespace]) => namespace);
}

async function mayReadRbac(client: KubeClient, signal: AbortSignal | undefined): Promise<{ ok: boolean; missing: string[] }> {
  const answers = await preflight(client, RBAC_READS, signal);
  const missing = answers.filter((answer, position) => position < RBAC_READS.length && answer.answer !== "allowed").map((answer) => answer.permission);
  return { ok: missing.length === 0, missing };
}

function baseResult(): Pick<CheckResult, "probe" | "expectedSource" | "durationMs"> {
  return { probe: "permissions", expectedSource: "rbac", durationMs: 0 };
}

function undecided(user: UserInfo, where: readonly string[], why: string, durationMs: number): CheckResult {
  const message = `could not tell whether ${user.name} reaches cluster-admin through another identity: it may act as other identities (a permission in ${where.join(", ")} lets it mint tokens, run pods, read token Secrets, impersonate or bind), and ${why}`;
  return {
    ...baseResult(),
    id: PATHS_CHECK_ID,
    title: "No path to cluster-admin through another identity",
    status: "error",
    severity: "critical",
    expected: "no-path",
    observed: "unknown",
    observation: message,
    message,
    evidence: { namespaces: [...where] },
    remediation:
      "Run with an administrator's credentials and --as the identity, so saprobe can read the RBAC objects of the identities it reaches (every permission is still asked as the identity); or grant the identity get, list on roles, clusterroles, rolebindings and clusterrolebindings.",
    durationMs,
    error: { code: "paths-not-read", message },
  };
}

/** Whether the expected RBAC grants every request of a hop. */
function declared(expected: Authorizer, user: UserInfo, hop: PathHop): boolean {
  return hop.requests.every(
    (request) =>
      expected.authorize(user, {
        resourceRequest: true,
        verb: request.verb,
        apiGroup: request.group,
        resource: request.resource,
        ...(request.subresource ? { subresource: request.subresource } : {}),
        ...(request.name ? { name: request.name } : {}),
        namespace: request.namespace,
      }).allowed,
  );
}

/**
 * Whether reading with more rights settles a live hop's precondition: a fact that could not be read (a
 * ServiceAccount, pods, token Secrets). A pod's escape (what admission allows) and a pod the scheduler
 * binds later (a request that awaits it) are facts no object holds.
 */
function settledByReading(hop: PathHop): boolean {
  if (/could not be (read|listed)/.test(hop.precondition ?? "")) return true;
  return hop.edge !== "node-escape" && !hop.requests.some((request) => request.awaits);
}

/** What a path's preconditions leave open, and how to settle it, as sentences for the verdict: "" when none. */
export function unsettled(hops: readonly PathHop[], readBy: string): string {
  const words = (selected: readonly PathHop[]) => selected.map((hop) => hop.precondition).join(" and ");
  const conditional = hops.filter((hop) => hop.precondition);
  const unread = conditional.filter(settledByReading);
  const open = conditional.filter((hop) => !settledByReading(hop));
  return [
    unread.length > 0
      ? ` saprobe could not read whether ${words(unread)} (${readBy} may not list them): it may well be so. Run with --as from an identity that may read ServiceAccounts, pods and Secrets' metadata to settle it.`
      : "",
    open.length > 0
      ? ` No object tells whether ${words(open)} (admission and the scheduler decide it): it may well be so. Close the path as the remediation says.`
      : "",
  ].join("");
}

function pathResult(finding: Finding, input: IdentityPathsInput, readBy: string, durationMs: number): CheckResult {
  const first = finding.path?.[0];
  const firstDeclared = first !== undefined && declared(input.expected, input.user, first);
  const who = finding.subject ? describeRef(finding.subject) : input.user.name;
  const idPart = finding.subject ? [finding.subject.kind, finding.subject.namespace, finding.subject.name].filter(Boolean).join("/") : input.user.name;
  const note = firstDeclared
    ? " The expected RBAC grants the first hop: the declaration itself makes the identity cluster-admin."
    : " The expected RBAC does not grant the first hop: a permission beyond the declaration opens the path.";
  // Live, a hop keeps a precondition where its fact could not be read (a ServiceAccount, pods, token
  // Secrets: reading with more rights settles it), or where no object tells (what admission allows, where
  // the scheduler binds a pod later: the remediation closes it). The audit rates such a path lower, but a
  // verdict must not pass what it could not see, so here it is could-not-tell at critical, saying which.
  const unseen = (finding.path ?? []).filter((hop) => hop.precondition);
  const settle = unsettled(unseen, readBy);
  return {
    ...baseResult(),
    id: `${PATHS_CHECK_ID}/${idPart}`,
    title: `A path to cluster-admin through another identity (${who})`,
    status: unseen.length > 0 ? "error" : "fail",
    severity: unseen.length > 0 ? "critical" : finding.severity,
    expected: "no-path",
    observed: unseen.length > 0 ? "possible-path" : "path",
    observation: finding.message,
    message: `${finding.message}${note}${settle}`,
    ...(unseen.length > 0 ? { error: { code: "path-not-settled", message: `${finding.message}${settle}` } } : {}),
    evidence: {
      subject: finding.subject,
      path: finding.path ?? [],
      firstHopDeclared: firstDeclared,
      readBy,
      ...(finding.confirmation ? { confirmation: finding.confirmation } : {}),
      ...(finding.unconfirmed ? { unconfirmed: finding.unconfirmed } : {}),
    },
    remediation: finding.remediation,
    durationMs,
  };
}

/**
 * The identity's paths to cluster-admin through other identities, as check results: none when it
 * holds no permission that acts as another identity, one failed result per path, or one `error`
 * result when the RBAC objects that would tell could not be read.
 */
export async function identityPaths(input: IdentityPathsInput): Promise<{ results: CheckResult[]; warnings: string[] }> {
  const where = namespacesWithEdges(input.liveRules);
  if (where.length === 0) return { results: [], warnings: [] };
  const elapsed = startStopwatch();
  // The impersonating identity first when there is one: an administrator also reads the pods, ServiceAccounts
  // and token Secrets that settle a hop's preconditions, which the identity itself seldom may.
  const candidates = [
    ...(input.reader ? [{ ...input.reader, by: "the impersonating identity" }] : []),
    { client: input.client, connection: input.connection, by: "the identity" },
  ];
  let reading: { client: KubeClient; connection: Connection; by: string } | undefined;
  const refusals: string[] = [];
  for (const candidate of candidates) {
    const may = await mayReadRbac(candidate.client, input.signal);
    if (may.ok) {
      reading = candidate;
      break;
    }
    refusals.push(`${candidate.by} may not ${may.missing.join(", ")}`);
  }
  const why = `${refusals.join("; and ")}${input.reader ? "" : " (the run does not impersonate: no other identity to read them with)"}`;
  if (!reading) return { results: [undecided(input.user, where, why, elapsed())], warnings: [] };
  const audit = await auditLive(reading.client, {
    connection: reading.connection,
    catalogue: { ...input.catalogue, rules: input.catalogue.rules.filter((rule) => rule.match.kind === "cluster-admin-path") },
    subject: input.user,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  if (audit.errors.length > 0)
    return {
      results: [undecided(input.user, where, `the live audit could not run: ${audit.errors.map((error) => error.message).join("; ")}`, elapsed())],
      warnings: [],
    };
  const paths = audit.findings.filter((finding) => finding.rule === PATHS_CHECK_ID);
  const unknown = paths.find((finding) => finding.status === "unknown");
  if (unknown) return { results: [undecided(input.user, where, unknown.message, elapsed())], warnings: [] };
  const found = paths.filter((finding) => finding.status === "finding");
  const warnings = audit.warnings.map((warning) => `--expect, paths to cluster-admin: ${warning}`);
  return { results: found.map((finding) => pathResult(finding, input, reading.by, elapsed())), warnings };
}
