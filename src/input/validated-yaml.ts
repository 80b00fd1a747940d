import type { ValidateFunction } from "ajv";
import { LineCounter, parseDocument, type Document } from "yaml";
import { InputError } from "../model/errors.js";
import { readTextFile } from "./read-text-file.js";
import { describeSchemaProblem, schemaProblems, type SchemaHints } from "./schema-problems.js";
import { positionAt } from "./yaml-position.js";
import { locatedParseErrors, toJsWithinLimits } from "./yaml-limits.js";

/*
 * The one reader of saprobe's own YAML files (check files, audit rules, allowlists, audit
 * configurations): the text within a size limit, the YAML with positions and within the depth and
 * alias limits, then the JSON Schema, with every problem located as file:line:column so a user
 * fixes them all in one go. Manifests share its pieces (positions, schema problems, limits) but
 * keep their own fast multi-document parser.
 */

/** One problem in one file, with where it is (when known). */
export interface FileProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** A problem at a known place (1-based line and column). */
export interface LocatedProblem extends FileProblem {
  line: number;
  column: number;
}

/** A file read: its value when usable, the document to locate more problems in, and the problems. */
export interface ValidatedYaml {
  /** The data, when the YAML parsed, held the limits and met the schema; else undefined. */
  value?: unknown;
  document: Document;
  lines: LineCounter;
  problems: LocatedProblem[];
}

/** `file:line:column: message` (or less, when the place is not known). */
export function formatProblem(problem: FileProblem): string {
  return `${[problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(":")}: ${problem.message}`;
}

/**
 * Parses and validates one YAML text. `validate` undefined skips the schema (a trusted file).
 * Problems come sorted by line and column; never throws for bad input.
 */
export function parseValidatedYaml(text: string, file: string, validate: ValidateFunction | undefined, hints: SchemaHints = {}): ValidatedYaml {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) return { document, lines, problems: locatedParseErrors(document, lines).map((problem) => ({ file, ...problem })) };
  const converted = toJsWithinLimits(document, lines);
  if ("problem" in converted) return { document, lines, problems: [{ file, ...converted.problem }] };
  const value = converted.value;
  if (!validate || validate(value)) return { value, document, lines, problems: [] };
  const problems = schemaProblems(validate.errors ?? [], value, hints).map((problem) => ({
    file,
    ...positionAt(document, lines, problem.path, { key: problem.atKey }),
    message: describeSchemaProblem(problem),
  }));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { document, lines, problems };
}

/** A file read: its value when usable, its problems, and where a path of it is (for problems found later). */
export interface ReadFile {
  value?: unknown;
  problems: FileProblem[];
  /** The line and column of the value at a JSON path (nothing when the file could not be read). */
  place(path: readonly (string | number)[]): { line?: number; column?: number };
}

/** How to read one file. */
export interface ReadValidatedOptions {
  /** What the file is, for messages: "check file", "audit file". */
  what: string;
  maxBytes: number;
  /** The schema's validator; undefined for a trusted file. */
  validate: ValidateFunction | undefined;
  hints?: SchemaHints;
  /** Said when the path is a directory. */
  directoryHint?: string;
}

/**
 * Reads and validates one YAML file. A file that cannot be read (missing, too large, not text) is
 * a problem too, located where the reader could say.
 */
export function readValidatedYaml(file: string, options: ReadValidatedOptions): ReadFile {
  let text: string;
  try {
    text = readTextFile(file, { what: options.what, maxBytes: options.maxBytes, ...(options.directoryHint ? { directoryHint: options.directoryHint } : {}) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { problems: [{ file, line: error.line, column: error.column, message: error.message }], place: () => ({}) };
  }
  const parsed = parseValidatedYaml(text, file, options.validate, options.hints);
  return {
    ...(parsed.value !== undefined ? { value: parsed.value } : {}),
    problems: parsed.problems,
    place: (path) => positionAt(parsed.document, parsed.lines, path),
  };
}
