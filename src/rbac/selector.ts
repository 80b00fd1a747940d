import type { LabelSelector } from "./types.js";

/** A label selector turned into a predicate, or the reason it is invalid (as LabelSelectorAsSelector would refuse it). */
export type CompiledSelector = { ok: true; matches: (labels: Record<string, string> | undefined) => boolean } | { ok: false; error: string };

/**
 * Compiles a metav1.LabelSelector like `LabelSelectorAsSelector`: matchLabels and
 * matchExpressions are ANDed; an empty selector `{}` selects everything.
 */
export function compileLabelSelector(selector: LabelSelector): CompiledSelector {
  const checks: ((labels: Record<string, string>) => boolean)[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    checks.push((labels) => Object.hasOwn(labels, key) && labels[key] === value);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const { key, operator } = expression;
    const values = expression.values ?? [];
    switch (operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) return { ok: false, error: `for 'in', 'notin' operators, values set can't be empty (key ${key})` };
        checks.push(
          operator === "In"
            ? (labels) => Object.hasOwn(labels, key) && values.includes(labels[key] as string)
            : (labels) => !Object.hasOwn(labels, key) || !values.includes(labels[key] as string),
        );
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) return { ok: false, error: `values set must be empty for exists and does not exist (key ${key})` };
        checks.push(operator === "Exists" ? (labels) => Object.hasOwn(labels, key) : (labels) => !Object.hasOwn(labels, key));
        break;
      default:
        return { ok: false, error: `${JSON.stringify(operator)} is not a valid label selector operator` };
    }
  }
  return { ok: true, matches: (labels) => checks.every((check) => check(labels ?? {})) };
}
