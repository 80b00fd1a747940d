import jsYaml from "js-yaml";
import type { LoadLimits } from "../input/limits.js";
import { NOT_PLAIN, readBlockYaml, type PlainFacts } from "../input/block-yaml.js";
import { checkAndNormalize } from "./limits.js";
import { scanJson } from "./json-scan.js";
import type { Locator } from "./locate.js";
import { splitDocuments } from "./split.js";

/*
 * Fast path: block-yaml.ts reads the plain block YAML most manifests are written in, and js-yaml
 * parses every other document (about 10x faster than the `yaml` package's document API; see the
 * commit that added it). YAML 1.2 core schema plus merge keys, so `2024-01-01` and `on` stay
 * strings; duplicate keys are errors (js-yaml's default). The text was decoded by
 * input/decode-text.ts, which refuses the control characters js-yaml would.
 */
// js-yaml exports its built-in types at runtime; @types/js-yaml does not declare them.
const builtInTypes = (jsYaml as unknown as { types: { merge: jsYaml.Type } }).types;
// Implicit: `<<` is recognised by its form, as kubectl's YAML parser does (an array passed to
// extend() would register it as an explicit `!!merge` tag only, leaving `<<` an unknown field).
const SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [builtInTypes.merge] });

/** A problem in a file, located: the loader turns these into one InputError. */
export interface Located {
  file: string;
  document: number;
  line: number;
  column: number;
  message: string;
}

/** One parsed YAML document with its position. */
export interface ParsedDocument {
  value: unknown;
  /** 0-based index of the document in the file. */
  document: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** The document's own text and first line, for locating errors precisely later. */
  text: string;
  startLine: number;
  /** For a JSON `List`, the line of each item (YAML Lists find theirs on demand). */
  itemLines?: number[];
  /** True when YAML aliases may make one parsed object appear at several places of the value. */
  aliasesPossible: boolean;
}

function firstContentLine(text: string, startLine: number): number {
  let line = startLine;
  let position = 0;
  while (position < text.length) {
    const end = text.indexOf("\n", position);
    const content = text.slice(position, end === -1 ? text.length : end).trim();
    const bare = content.startsWith("---") ? content.slice(3).trim() : content;
    if (bare !== "" && !bare.startsWith("#") && !content.startsWith("%")) return line;
    if (end === -1) break;
    position = end + 1;
    line++;
  }
  return startLine;
}

/**
 * JSON fast path: JSON.parse (several times faster than any YAML parser) after a scan for what it
 * cannot see (duplicate keys, depth). Undefined when the text is not plain JSON: the YAML path then
 * parses it and locates any syntax error.
 */
function parseJson(text: string, file: string, limits: LoadLimits): { documents: ParsedDocument[]; problems: Located[] } | undefined {
  const scan = scanJson(text, limits.maxDepth);
  const where = scan.duplicate ?? scan.tooDeep;
  if (where) {
    const message = scan.duplicate ? `duplicated mapping key ${JSON.stringify(scan.duplicate.key)}` : `nesting deeper than ${limits.maxDepth} levels`;
    return { documents: [], problems: [{ file, document: 0, line: where.line, column: where.column, message }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // The scan already held the depth limit (more strictly) and JSON has no aliases, so the walk is only
  // needed to delete null-valued fields: without a "null" anywhere in the text there are none.
  const violation = text.includes("null") ? checkAndNormalize(value, limits, false) : undefined;
  if (violation) return { documents: [], problems: [{ file, document: 0, line: 1, column: 1, message: violation.message }] };
  if (value === null || value === undefined) return { documents: [], problems: [] };
  return {
    documents: [{ value, document: 0, line: firstContentLine(text, 1), text, startLine: 1, itemLines: scan.itemLines, aliasesPossible: false }],
    problems: [],
  };
}

/** Parses a YAML (or JSON) stream into documents; syntax errors and limit violations are returned, located. */
export function parseStream(source: string, file: string, limits: LoadLimits, locate: Locator): { documents: ParsedDocument[]; problems: Located[] } {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const first = /\S/.exec(text)?.[0];
  if (first === "{" || first === "[") {
    const parsed = parseJson(text, file, limits);
    if (parsed) return parsed;
  }
  const documents: ParsedDocument[] = [];
  const problems: Located[] = [];
  let index = 0;
  const facts: PlainFacts = { depth: 0, nullFields: false };
  for (const piece of splitDocuments(text)) {
    let values: unknown[];
    let plain: unknown = NOT_PLAIN;
    try {
      // The plain block YAML most manifests are (block-yaml.ts) without js-yaml; the rest with it, as before.
      plain = readBlockYaml(piece.text, facts);
      values = plain !== NOT_PLAIN ? [plain] : jsYaml.loadAll(piece.text, undefined, { schema: SCHEMA, filename: file });
    } catch (error) {
      problems.push(syntaxProblem(error, file, index, piece.startLine));
      index++;
      continue;
    }
    // An alias needs an anchor (&) and a "*"; without both the walk can skip tracking shared collections.
    const aliasesPossible = piece.text.includes("&") && piece.text.includes("*");
    for (const raw of values) {
      const document = index++;
      if (raw === null || raw === undefined) continue;
      // A plain document has no alias; within the depth limit and without null fields the walk would change and find nothing.
      const unchanged = plain !== NOT_PLAIN && facts.depth <= limits.maxDepth && !facts.nullFields;
      const violation = unchanged ? undefined : checkAndNormalize(raw, limits, aliasesPossible);
      if (violation) {
        const position = locate(piece.text, violation.path);
        problems.push({ file, document, line: piece.startLine + position.line - 1, column: position.column, message: violation.message });
        continue;
      }
      documents.push({
        value: raw,
        document,
        line: firstContentLine(piece.text, piece.startLine),
        text: piece.text,
        startLine: piece.startLine,
        aliasesPossible,
      });
    }
  }
  return { documents, problems };
}

function syntaxProblem(error: unknown, file: string, document: number, startLine: number): Located {
  if (error instanceof RangeError) {
    return { file, document, line: startLine, column: 1, message: "nesting too deep to parse" };
  }
  if (error instanceof jsYaml.YAMLException) {
    const mark = error.mark as { line: number; column: number } | undefined;
    return { file, document, line: startLine + (mark?.line ?? 0), column: (mark?.column ?? 0) + 1, message: `YAML syntax: ${error.reason}` };
  }
  return { file, document, line: startLine, column: 1, message: `could not parse: ${error instanceof Error ? error.message : String(error)}` };
}
