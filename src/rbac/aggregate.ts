import { compileLabelSelector } from "./selector.js";
import type { ClusterRole, PolicyRule } from "./types.js";

/*
 * Offline ClusterRole aggregation, as pkg/controller/clusterroleaggregation does it: for every
 * ClusterRole with an aggregationRule, for each selector in order, take the matching ClusterRoles
 * sorted by name (skipping the role itself) and append each of their rules unless an equal rule is
 * already there; the result REPLACES the role's own rules. The controller re-syncs every aggregated
 * role whenever any ClusterRole changes, so nested aggregation converges; we repeat until nothing
 * changes.
 */

/** Semantic equality of two rules (nil and empty lists are equal, order inside a list matters). */
export function policyRulesEqual(left: PolicyRule, right: PolicyRule): boolean {
  return (
    listsEqual(left.verbs, right.verbs) &&
    listsEqual(left.apiGroups, right.apiGroups) &&
    listsEqual(left.resources, right.resources) &&
    listsEqual(left.resourceNames, right.resourceNames) &&
    listsEqual(left.nonResourceURLs, right.nonResourceURLs)
  );
}

function listsEqual(left: readonly string[] | undefined, right: readonly string[] | undefined): boolean {
  const a = left ?? [];
  const b = right ?? [];
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** A key two rules share exactly when `policyRulesEqual` says they are equal. */
function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([rule.verbs ?? [], rule.apiGroups ?? [], rule.resources ?? [], rule.resourceNames ?? [], rule.nonResourceURLs ?? []]);
}

function rulesEqual(left: readonly PolicyRule[], right: readonly PolicyRule[]): boolean {
  return left.length === right.length && left.every((rule, index) => policyRulesEqual(rule, right[index] as PolicyRule));
}

function byName(left: ClusterRole, right: ClusterRole): number {
  const a = left.metadata.name;
  const b = right.metadata.name;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One controller sync of `target` against the current roles; undefined when a selector is invalid (the controller then leaves the role alone). */
function aggregatedRulesOf(target: ClusterRole, current: readonly ClusterRole[]): PolicyRule[] | undefined {
  const rules: PolicyRule[] = [];
  // The controller skips a rule equal to one it already has; a key per rule does it without comparing
  // every pair (admin, edit and view gather hundreds of rules: the pairs cost ~4 ms of every start-up).
  const seen = new Set<string>();
  for (const selector of target.aggregationRule?.clusterRoleSelectors ?? []) {
    const compiled = compileLabelSelector(selector);
    if (!compiled.ok) return undefined;
    const matching = current.filter((role) => compiled.matches(role.metadata.labels)).sort(byName);
    for (const role of matching) {
      if (role.metadata.name === target.metadata.name) continue;
      for (const rule of role.rules ?? []) {
        const key = ruleKey(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
}

/**
 * Resolves aggregated ClusterRoles offline. Returns new ClusterRole objects (same order as given);
 * roles without an aggregationRule are returned unchanged. Iterates to a fixed point, bounded by the
 * number of roles (a selector cycle cannot make it loop forever).
 */
export function aggregateClusterRoles(clusterRoles: ClusterRole[]): ClusterRole[] {
  let current = clusterRoles.slice();
  const aggregatedIndexes = current.flatMap((role, index) => (role.aggregationRule ? [index] : []));
  for (let round = 0; round <= aggregatedIndexes.length + 1; round++) {
    let changed = false;
    for (const index of aggregatedIndexes) {
      const target = current[index] as ClusterRole;
      const rules = aggregatedRulesOf(target, current);
      if (rules === undefined || rulesEqual(rules, target.rules ?? [])) continue;
      current = current.slice();
      current[index] = { ...target, rules };
      changed = true;
    }
    if (!changed) break;
  }
  return current;
}
