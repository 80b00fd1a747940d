import type { RuleDiffLine } from "../model/usage.js";
import type { EffectiveRule } from "../rbac/decision.js";
import { formatRule } from "../rbac/format.js";
import type { LearnedScope } from "./learn.js";

function scopeOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "cluster") return -1;
  if (b === "cluster") return 1;
  return a < b ? -1 : 1;
}

/**
 * The rules granted now against the rules learned, scope by scope (cluster first): a rule in both
 * is kept, one only granted is `-`, one only learned is `+`. Rules are compared as kubectl prints
 * them, so a reordered but equal rule shows as a change, as it would in a review.
 */
export function ruleDiff(granted: readonly EffectiveRule[], learned: readonly LearnedScope[]): RuleDiffLine[] {
  const grantedByScope = new Map<string, string[]>();
  for (const effective of granted) {
    const list = grantedByScope.get(effective.grant.scope) ?? [];
    list.push(formatRule(effective.rule));
    grantedByScope.set(effective.grant.scope, list);
  }
  const learnedByScope = new Map(learned.map((scope) => [scope.scope, scope.rules.map(formatRule)]));
  const scopes = [...new Set([...grantedByScope.keys(), ...learnedByScope.keys()])].sort(scopeOrder);
  const lines: RuleDiffLine[] = [];
  for (const scope of scopes) {
    const before = [...new Set(grantedByScope.get(scope) ?? [])];
    const after = [...new Set(learnedByScope.get(scope) ?? [])];
    for (const rule of before) lines.push({ change: after.includes(rule) ? " " : "-", scope, rule });
    for (const rule of after) if (!before.includes(rule)) lines.push({ change: "+", scope, rule });
  }
  return lines;
}
