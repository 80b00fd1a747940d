import { MAX_ALIASES, MAX_DEPTH } from "./limits.js";
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLError } from "yaml";

/*
 * Guards for files read with the `yaml` package's document API (check files, kubeconfigs, audit
 * rule files): hostile nesting and alias bombs become located problems instead of a stack overflow
 * or an "Excessive alias count" exception, and duplicate keys are found where a reader must accept
 * them (kubeconfigs, like kubectl) but should still say so.
 */

/** How deep and how aliased a document may be. */
export interface YamlLimits {
  /** Deepest nesting of collections. */
  maxDepth: number;
  /** The `yaml` package's `maxAliasCount` (alias expansions per alias). */
  maxAliasCount: number;
}

/** The limits the file loaders use, from the one limits table (src/input/limits.ts). */
export const YAML_LIMITS: YamlLimits = { maxDepth: MAX_DEPTH, maxAliasCount: MAX_ALIASES };

/** A located problem in one document (1-based line and column). */
export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

function at(lines: LineCounter, offset: number, message: string): YamlProblem {
  const { line, col } = lines.linePos(offset);
  return { line, column: col, message };
}

/** The first line of a parse error, in words; the parser's own stack overflow is reported as too deep nesting. */
export function describeParseError(error: YAMLError, limits: YamlLimits = YAML_LIMITS): string {
  if (error.code === "RESOURCE_EXHAUSTION" && /call stack/i.test(error.message)) return `nested deeper than ${limits.maxDepth} levels`;
  return error.message.split("\n")[0] ?? error.message;
}

/**
 * The document's parse errors, located and described. After the parser ran out of stack, the rest
 * are its echoes, so only that one is kept.
 */
export function locatedParseErrors(document: Document, lines: LineCounter, limits: YamlLimits = YAML_LIMITS): YamlProblem[] {
  const exhausted = document.errors.find((error) => error.code === "RESOURCE_EXHAUSTION");
  return (exhausted ? [exhausted] : document.errors).map((error) => at(lines, error.pos[0], describeParseError(error, limits)));
}

/** What one walk over a parsed document found. */
export interface DocumentInspection {
  /** Set when a collection is nested deeper than `maxDepth`. */
  tooDeep?: YamlProblem;
  /** Every repeated key of a mapping (scalar keys only), at the repetition. */
  duplicateKeys: YamlProblem[];
  /** The first alias (`*name`), where an alias bomb is reported. */
  firstAlias?: number;
  /**
   * The first mapping key that is not plain text: a list or mapping (`? [a, b]`), an alias of one, or a tagged
   * value such as `!!binary`. JavaScript objects cannot hold such keys (the yaml package would turn
   * them into strings, with a process warning, and `!!binary` into raw bytes).
   */
  oddKey?: YamlProblem;
}

/** Why a mapping key is not plain text, or undefined when it is (an alias is judged by what it names). */
function oddKeyReason(key: unknown, document: Document): string | undefined {
  if (isAlias(key)) {
    const target = key.resolve(document);
    return target === undefined || oddKeyReason(target, document) !== undefined
      ? "a mapping key must be plain text, not an alias of a list, mapping or tagged value"
      : undefined;
  }
  if (isMap(key) || isSeq(key)) return "a mapping key must be plain text, not a list or mapping";
  if (isScalar(key) && typeof key.value === "object" && key.value !== null) {
    return `a mapping key must be plain text, not a ${key.tag ? `${key.tag.replace("tag:yaml.org,2002:", "!!")} ` : ""}value`;
  }
  return undefined;
}

/**
 * Walks the document's nodes once, iteratively (no recursion to overflow), without following
 * aliases: reports nesting beyond `maxDepth` and every duplicate key.
 */
export function inspectDocument(document: Document, lines: LineCounter, limits: YamlLimits = YAML_LIMITS): DocumentInspection {
  const duplicateKeys: YamlProblem[] = [];
  let firstAlias: number | undefined;
  let oddKey: YamlProblem | undefined;
  const pending: { node: unknown; depth: number }[] = [{ node: document.contents, depth: 0 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    if (isAlias(node)) {
      const offset = node.range?.[0];
      if (offset !== undefined && (firstAlias === undefined || offset < firstAlias)) firstAlias = offset;
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limits.maxDepth) {
      return {
        tooDeep: at(lines, (node as Node).range?.[0] ?? 0, `nested deeper than ${limits.maxDepth} levels`),
        duplicateKeys,
        firstAlias,
        ...(oddKey ? { oddKey } : {}),
      };
    }
    if (isSeq(node)) {
      for (const item of node.items) pending.push({ node: item, depth: depth + 1 });
      continue;
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      const odd = oddKey === undefined ? oddKeyReason(pair.key, document) : undefined;
      if (odd !== undefined) oddKey = at(lines, (pair.key as Node).range?.[0] ?? 0, odd);
      if (isScalar(pair.key)) {
        const key = String(pair.key.value);
        if (seen.has(key)) duplicateKeys.push(at(lines, pair.key.range?.[0] ?? 0, `duplicate key ${JSON.stringify(key)}`));
        seen.add(key);
      }
      pending.push({ node: pair.key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
    }
  }
  duplicateKeys.sort((a, b) => a.line - b.line || a.column - b.column);
  return { duplicateKeys, firstAlias, ...(oddKey ? { oddKey } : {}) };
}

/**
 * `document.toJS()` within the limits: the value (and the duplicate keys, for readers that accept
 * them), or a located problem (nesting too deep, or an alias bomb at the first alias) instead of a
 * stack overflow or an exception.
 */
export function toJsWithinLimits(
  document: Document,
  lines: LineCounter,
  limits: YamlLimits = YAML_LIMITS,
): { value: unknown; duplicateKeys: YamlProblem[] } | { problem: YamlProblem } {
  const inspection = inspectDocument(document, lines, limits);
  if (inspection.tooDeep) return { problem: inspection.tooDeep };
  if (inspection.oddKey) return { problem: inspection.oddKey };
  try {
    return { value: document.toJS({ maxAliasCount: limits.maxAliasCount }), duplicateKeys: inspection.duplicateKeys };
  } catch (error) {
    // The yaml package refuses alias bombs here ("Excessive alias count") without saying where.
    const text = error instanceof Error ? error.message : String(error);
    const message = /alias/i.test(text)
      ? `YAML aliases expand to too much data (more than ${limits.maxAliasCount} alias uses; an alias bomb?)`
      : `cannot be read: ${text.split("\n")[0]}`;
    return { problem: at(lines, /alias/i.test(text) ? (inspection.firstAlias ?? 0) : 0, message) };
  }
}
