import type { LabelSelector, PolicyRule } from "../rbac/types.js";

/*
 * Canonical forms for comparing expected and live RBAC: defaults filled as the apiserver fills them,
 * ordering removed, server-set fields never looked at.
 */

const RBAC_GROUP = "rbac.authorization.k8s.io";

function sorted(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}

/** A rule as a canonical string: each list as a sorted set; empty lists and missing lists are the same. */
export function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([sorted(rule.verbs), sorted(rule.apiGroups), sorted(rule.resources), sorted(rule.resourceNames), sorted(rule.nonResourceURLs)]);
}

/** A roleRef as a canonical string (empty apiGroup defaults to rbac.authorization.k8s.io). */
export function roleRefKey(roleRef: { apiGroup?: string; kind: string; name: string }): string {
  return JSON.stringify([roleRef.apiGroup || RBAC_GROUP, roleRef.kind, roleRef.name]);
}

/** An aggregation rule's selectors as a canonical string (selector order kept: it orders the rules). */
export function aggregationKey(rule: { clusterRoleSelectors?: LabelSelector[] } | undefined): string {
  return JSON.stringify(
    (rule?.clusterRoleSelectors ?? []).map((selector) => [
      Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      (selector.matchExpressions ?? [])
        .map((expression) => [expression.key, expression.operator, sorted(expression.values)])
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    ]),
  );
}

/** Members of `left` missing from `right`, by key. */
export function missingFrom<T>(left: readonly T[], right: readonly T[], key: (item: T) => string): T[] {
  const present = new Set(right.map(key));
  return left.filter((item) => !present.has(key(item)));
}
