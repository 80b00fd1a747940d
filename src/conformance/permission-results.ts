import { describeScope } from "../audit/finding-text.js";
import type { CheckResult, Severity } from "../model/report.js";
import { SEVERITIES } from "../model/report.js";
import { atomKey, type AtomicRule } from "../rbac/covers.js";
import type { PermissionComparison, PermissionDifference } from "./compare-permissions.js";
import { UNRATED_EXTRA_SEVERITY, type PermissionRating } from "./permission-severity.js";

/*
 * The permission comparison as check results: one failed result per group of differing permissions
 * (same direction, scope, group and resource), with the severity the audit catalogue gives it and
 * advice that points the right way; and one `info` result that says what was compared.
 */

/** The id of the result that says what the permission comparison covered. */
export const PERMISSIONS_CHECK_ID = "rbac-permissions";

/** The severity of a declared permission the server denies: the workload breaks, nothing is exposed. */
const MISSING_SEVERITY: Severity = "medium";

interface Group {
  direction: PermissionDifference["direction"];
  scope: string;
  differences: PermissionDifference[];
}

function groupKey(difference: PermissionDifference): string {
  const { atom } = difference;
  const what = atom.nonResourceURL !== undefined ? `url:${atom.nonResourceURL}` : `${atom.resource}.${atom.apiGroup}`;
  return `${difference.direction}/${difference.scope}/${what}`;
}

function groupsOf(differences: readonly PermissionDifference[]): Group[] {
  const groups = new Map<string, Group>();
  for (const difference of differences) {
    const key = groupKey(difference);
    const group = groups.get(key) ?? { direction: difference.direction, scope: difference.scope, differences: [] };
    group.differences.push(difference);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/** `secrets`, `deployments.apps`, `pods/exec`, `every resource in every API group`, `/metrics`. */
export function describeTarget(atom: AtomicRule): string {
  if (atom.nonResourceURL !== undefined) return atom.nonResourceURL === "*" ? "every non-resource URL" : atom.nonResourceURL;
  if (atom.resource === "*" && atom.apiGroup === "*") return "every resource in every API group";
  const resource = atom.resource === "*" ? "every resource" : atom.resource;
  if (atom.apiGroup === "*") return `${resource} in every API group`;
  return atom.apiGroup ? `${resource}.${atom.apiGroup}` : `${resource}`;
}

function describeVerbs(verbs: readonly string[]): string {
  return verbs.includes("*") ? "every verb on" : verbs.join(", ");
}

/** A short slug for the result id: `secrets`, `deployments.apps`, `all`, `url-metrics`. */
function idPart(atom: AtomicRule): string {
  if (atom.nonResourceURL !== undefined) return `url:${atom.nonResourceURL}`;
  const resource = atom.resource === "*" ? "all" : (atom.resource ?? "");
  const group = atom.apiGroup === "*" ? "all" : atom.apiGroup;
  return group ? `${resource}.${group}` : resource;
}

function mostSevere(ratings: readonly PermissionRating[]): PermissionRating | undefined {
  return [...ratings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))[0];
}

/** What the caller knows about each extra permission: its rating, and the live binding that grants it when readable. */
export interface ExtraContext {
  rating(difference: PermissionDifference): PermissionRating;
  /** The live `binding -> role` that grants it, when the identity may read RBAC objects. */
  liveGrant(difference: PermissionDifference): string | undefined;
  /** Why no live binding can be named (e.g. the identity may not list bindings). */
  liveGrantUnknown?: string;
}

function extraResult(group: Group, username: string, context: ExtraContext): CheckResult {
  const first = group.differences[0] as PermissionDifference;
  const verbs = unique(group.differences.map((difference) => difference.atom.verb)).sort();
  const names = unique(group.differences.map((difference) => difference.atom.resourceName));
  const rating = mostSevere(group.differences.map((difference) => context.rating(difference))) as PermissionRating;
  const target = `${describeVerbs(verbs)} ${describeTarget(first.atom)}${names.length > 0 ? ` named ${names.join(", ")}` : ""}`;
  const clusterAdmin = rating.rules.includes("cluster-admin-binding") ? " (cluster-admin power)" : "";
  const grants = unique(group.differences.map((difference) => context.liveGrant(difference)));
  const audit = rating.rules.length > 0 ? ` Audit rule ${rating.rules.join(", ")}${rating.title ? ` (${rating.title})` : ""}.` : "";
  const remediation =
    grants.length > 0
      ? `Remove or narrow ${grants.join("; ")}, which grants it; or declare the permission in the expected RBAC if it is intended.`
      : `Find the binding that grants it (as an administrator: saprobe who-can ${verbs[0]} ${first.atom.resource ?? first.atom.nonResourceURL ?? ""}${group.scope === "cluster" ? "" : ` -n ${group.scope}`}) and remove or narrow it; or declare the permission in the expected RBAC if it is intended.${context.liveGrantUnknown ? ` saprobe cannot name the binding: ${context.liveGrantUnknown}.` : ""}`;
  return {
    id: `over-privileged/${group.scope}/${idPart(first.atom)}`,
    title: `Granted beyond the expected RBAC: ${target}${clusterAdmin} ${describeScope(group.scope)}`,
    probe: "permissions",
    status: "fail",
    severity: rating.severity,
    expected: "denied",
    expectedSource: "rbac",
    observed: "allowed",
    observation: `the server lets ${username} ${target} ${describeScope(group.scope)}${clusterAdmin}`,
    message: `over-privileged: the server lets ${username} ${target} ${describeScope(group.scope)}${clusterAdmin}, but the expected RBAC does not grant it.${audit}`,
    evidence: {
      scope: group.scope,
      verbs,
      ...(first.atom.nonResourceURL !== undefined
        ? { nonResourceURL: first.atom.nonResourceURL }
        : { apiGroup: first.atom.apiGroup, resource: first.atom.resource }),
      ...(names.length > 0 ? { resourceNames: names } : {}),
      auditRules: rating.rules,
      confirmedBy: first.confirmedBy,
      ...(grants.length > 0 ? { grantedBy: grants } : {}),
    },
    remediation,
    durationMs: 0,
  };
}

function missingResult(group: Group, username: string): CheckResult {
  const first = group.differences[0] as PermissionDifference;
  const verbs = unique(group.differences.map((difference) => difference.atom.verb)).sort();
  const names = unique(group.differences.map((difference) => difference.atom.resourceName));
  const target = `${describeVerbs(verbs)} ${describeTarget(first.atom)}${names.length > 0 ? ` named ${names.join(", ")}` : ""}`;
  const grants = unique(group.differences.map((difference) => difference.expectedGrant));
  const declared = grants.length > 0 ? grants.join("; ") : "the expected RBAC";
  return {
    id: `under-privileged/${group.scope}/${idPart(first.atom)}`,
    title: `Declared but denied: ${target} ${describeScope(group.scope)}`,
    probe: "permissions",
    status: "fail",
    severity: MISSING_SEVERITY,
    expected: "allowed",
    expectedSource: "rbac",
    observed: "denied",
    observation: `the server denies ${username} ${target} ${describeScope(group.scope)}`,
    message: `under-privileged: the expected RBAC grants ${target} ${describeScope(group.scope)} (${declared}), but the server denies it (${first.confirmedBy}).`,
    evidence: {
      scope: group.scope,
      verbs,
      ...(first.atom.nonResourceURL !== undefined
        ? { nonResourceURL: first.atom.nonResourceURL }
        : { apiGroup: first.atom.apiGroup, resource: first.atom.resource }),
      ...(names.length > 0 ? { resourceNames: names } : {}),
      expectedGrant: grants,
    },
    remediation: `Apply the expected RBAC (${declared}) to the cluster, and check that its subjects name this identity and its roleRef names a role that exists.`,
    durationMs: 0,
  };
}

/** What to do when the comparison could not cover every namespace. */
const INCOMPLETE_REMEDIATION =
  "Let saprobe see every namespace: run with an administrator's credentials and --as the identity (the administrator only lists namespaces and reads RBAC objects; every permission is still asked as the identity), or grant the identity list on namespaces and declare it in the expected RBAC.";

/**
 * The result that says what was compared, where, and what could not be. Incomplete is never a pass:
 * a RoleBinding in a namespace not compared can grant anything, up to a path to cluster-admin, so the
 * result is `error` (could not tell) at `critical`, which no `--fail-on` lets through.
 */
function coverageResult(comparison: PermissionComparison, durationMs: number): CheckResult {
  const extra = comparison.differences.filter((difference) => difference.direction === "extra").length;
  const missing = comparison.differences.length - extra;
  const alike = comparison.compared.length - comparison.reviewed;
  const where = `${comparison.compared.length} namespace${comparison.compared.length === 1 ? "" : "s"} (${comparison.compared.join(", ")}${alike > 0 ? `; ${alike} of them bind nothing to the identity and hold only its cluster-wide rules` : ""})${comparison.clusterCompared ? " and cluster-wide" : ""}`;
  const nothing = comparison.compared.length === 0;
  const incomplete = comparison.incomplete.length > 0;
  const found = `${extra} granted beyond it, ${missing} declared but denied`;
  const observation = nothing
    ? `no namespace could be compared: ${comparison.incomplete.join("; ")}`
    : incomplete
      ? `could not tell whether the identity holds more than the expected RBAC, and a RoleBinding in a namespace not compared could grant anything, up to a path to cluster-admin: ${comparison.incomplete.join("; ")}. Compared ${where}: ${found}`
      : `compared the identity's permissions with the expected RBAC in ${where}: ${found}`;
  return {
    id: PERMISSIONS_CHECK_ID,
    title: "The identity's whole permission set, compared with the expected RBAC",
    probe: "permissions",
    status: nothing || incomplete ? "error" : "info",
    severity: nothing || incomplete ? "critical" : "high",
    expected: "equal",
    expectedSource: "rbac",
    observed: nothing ? "unknown" : incomplete ? "incomplete" : comparison.differences.length === 0 ? "equal" : "different",
    observation,
    message: observation,
    evidence: {
      compared: comparison.compared,
      reviewed: comparison.reviewed,
      notCompared: comparison.notCompared,
      cluster: comparison.clusterCompared,
      namespacesFrom: comparison.namespacesFrom,
      ...(incomplete ? { incomplete: comparison.incomplete } : {}),
    },
    ...(nothing
      ? { remediation: "Give the identity permission to create SelfSubjectRulesReviews (system:basic-user grants it to every authenticated user)." }
      : incomplete
        ? { remediation: INCOMPLETE_REMEDIATION }
        : {}),
    durationMs,
    ...(nothing || incomplete ? { error: { code: nothing ? "not-compared" : "comparison-incomplete", message: observation } } : {}),
  };
}

/** The comparison as check results: what was compared first, then each difference, most severe first. */
export function permissionResults(comparison: PermissionComparison, username: string, context: ExtraContext, durationMs: number): CheckResult[] {
  const groups = groupsOf(comparison.differences);
  const results = groups.map((group) => (group.direction === "extra" ? extraResult(group, username, context) : missingResult(group, username)));
  results.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  return [coverageResult(comparison, durationMs), ...results];
}

/** Ratings keyed by atom, looked up per difference. */
export function ratingLookup(ratings: ReadonlyMap<string, ReadonlyMap<string, PermissionRating>>): (difference: PermissionDifference) => PermissionRating {
  return (difference) => ratings.get(difference.scope)?.get(atomKey(difference.atom)) ?? { severity: UNRATED_EXTRA_SEVERITY, rules: [] };
}
