import jsYaml from "js-yaml";
import { checkAndNormalize, type LoadLimits } from "./limits.js";
import { locatePath } from "./locate.js";
import { splitDocuments } from "./split.js";

/*
 * Fast path: js-yaml parses each document (about 10x faster than the `yaml` package's document API;
 * see the commit that added it). YAML 1.2 core schema plus merge keys, so `2024-01-01` and `on` stay
 * strings; duplicate keys are errors (js-yaml's default).
 */
// js-yaml exports its built-in types at runtime; @types/js-yaml does not declare them.
const builtInTypes = (jsYaml as unknown as { types: { merge: jsYaml.Type } }).types;
const SCHEMA = jsYaml.CORE_SCHEMA.extend([builtInTypes.merge]);

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

/** Parses a YAML (or JSON) stream into documents; syntax errors and limit violations are returned, located. */
export function parseStream(text: string, file: string, limits: LoadLimits): { documents: ParsedDocument[]; problems: Located[] } {
  const documents: ParsedDocument[] = [];
  const problems: Located[] = [];
  let index = 0;
  for (const piece of splitDocuments(text.startsWith("\uFEFF") ? text.slice(1) : text)) {
    let values: unknown[];
    try {
      values = jsYaml.loadAll(piece.text, undefined, { schema: SCHEMA, filename: file });
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
      const violation = checkAndNormalize(raw, limits, aliasesPossible);
      if (violation) {
        const position = locatePath(piece.text, violation.path);
        problems.push({ file, document, line: piece.startLine + position.line - 1, column: position.column, message: violation.message });
        continue;
      }
      documents.push({ value: raw, document, line: firstContentLine(piece.text, piece.startLine), text: piece.text, startLine: piece.startLine });
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
