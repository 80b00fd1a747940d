import type { LoadLimits } from "../input/limits.js";

/** A limit was crossed; `path` is the JSON path to the offending value. */
export interface LimitViolation {
  message: string;
  path: (string | number)[];
}

/**
 * Walks a parsed document once, in place: enforces the depth limit and, when the text can hold
 * aliases, the alias limit (a collection met a second time was reached through an alias); deletes
 * null-valued fields, which the apiserver treats as absent (`rules: null`, `creationTimestamp: null`).
 * Returns the violation, or undefined when the document is fine.
 */
export function checkAndNormalize(value: unknown, limits: LoadLimits, aliasesPossible: boolean): LimitViolation | undefined {
  const seen = aliasesPossible ? new Set<object>() : undefined;
  let aliases = 0;
  const path: (string | number)[] = [];

  function visit(node: object, depth: number): string | undefined {
    if (depth > limits.maxDepth) return `nesting deeper than ${limits.maxDepth} levels`;
    if (seen) {
      if (seen.has(node) && ++aliases > limits.maxAliases) return `more than ${limits.maxAliases} YAML aliases to collections`;
      seen.add(node);
    }
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (item === null || typeof item !== "object") continue;
        path.push(index);
        const problem = visit(item, depth + 1);
        if (problem) return problem;
        path.pop();
      }
      return undefined;
    }
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (item === null) {
        delete record[key];
        continue;
      }
      if (typeof item !== "object") continue;
      path.push(key);
      const problem = visit(item as object, depth + 1);
      if (problem) return problem;
      path.pop();
    }
    return undefined;
  }

  if (value === null || typeof value !== "object") return undefined;
  const message = visit(value, 0);
  return message ? { message, path } : undefined;
}
