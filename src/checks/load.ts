import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument } from "yaml";
import { readTextFile } from "../input/read-text-file.js";
import { locatedParseErrors, toJsWithinLimits } from "../input/yaml-limits.js";
import { InputError } from "../model/errors.js";
import { locate, locateItem } from "./locate.js";
import type { CheckDefinition, CheckProblem } from "./types.js";
import { CHECKS_DIR, checkFileValidator, describeSchemaError, errorTarget, isNoise } from "./validate.js";

/** The outcome of reading one check file: every problem at once, or the frozen checks. */
export interface ParsedCheckFile {
  checks: readonly CheckDefinition[];
  problems: CheckProblem[];
}

/** A check file that cannot be used. The message lists every problem as `file:line:column: message`. */
export class CheckFileError extends InputError {
  readonly problems: readonly CheckProblem[];

  constructor(problems: readonly CheckProblem[]) {
    super(problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`).join("\n"), {}, { code: "E_CHECKS" });
    this.problems = problems;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function probeOf(data: unknown, instancePath: string): string | undefined {
  const match = /^\/checks\/(\d+)/.exec(instancePath);
  if (!match) return undefined;
  const check = (data as { checks?: { probe?: unknown }[] }).checks?.[Number(match[1])];
  return typeof check?.probe === "string" ? check.probe : undefined;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let value = data;
  for (const part of instancePath.split("/").slice(1)) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/** Check files hold tens of checks (the default suite is 3 KiB); 4 MiB is about 13,000 checks and still parses in about a second. */
export const MAX_CHECK_FILE_BYTES = 4 * 1024 * 1024;

/** How much to trust a check file. */
export interface ParseOptions {
  /**
   * Skip the JSON Schema (ajv) for the shipped default suite: it is validated by the test suite on
   * every change, and ajv's import and compile would cost more than the suite's requests. YAML
   * errors and duplicate ids are still checked.
   */
  trusted?: boolean;
}

/**
 * Parses and validates one check file's text. Never throws for bad input: YAML syntax errors,
 * schema violations and duplicate ids all come back as problems with line and column.
 */
export async function parseCheckFile(text: string, file: string, options: ParseOptions = {}): Promise<ParsedCheckFile> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: CheckProblem[] = locatedParseErrors(document, lines).map((problem) => ({ file, ...problem }));
  if (problems.length > 0) return { checks: [], problems };

  const converted = toJsWithinLimits(document, lines);
  if ("problem" in converted) return { checks: [], problems: [{ file, ...converted.problem }] };
  const data = converted.value;
  const validate = options.trusted ? undefined : await checkFileValidator();
  if (validate && !validate(data)) {
    for (const error of validate.errors ?? []) {
      if (isNoise(error)) continue;
      const target = errorTarget(error);
      const position = locate(document, lines, target.instancePath, target.key);
      const message = describeSchemaError(error, valueAt(data, error.instancePath), probeOf(data, error.instancePath));
      problems.push({ file, ...position, message });
    }
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { checks: [], problems };
  }

  const raw = (data as { checks: Omit<CheckDefinition, "origin">[] }).checks;
  const seen = new Map<string, number>();
  const checks = raw.map((check, index) => {
    const origin = { file, ...locateItem(document, lines, index) };
    const first = seen.get(check.id);
    if (first !== undefined) {
      problems.push({ file, ...locate(document, lines, `/checks/${index}/id`), message: `duplicate check id "${check.id}" (first defined on line ${first})` });
    } else {
      seen.set(check.id, origin.line);
    }
    return deepFreeze({ ...check, origin });
  });
  return problems.length > 0 ? { checks: [], problems } : { checks: Object.freeze(checks), problems };
}

/**
 * Reads and validates a check file; throws a `CheckFileError` listing every problem, or an
 * `InputError` for a file that is missing, too large or not text (see `readTextFile`).
 */
export async function loadCheckFile(file: string, options: ParseOptions = {}): Promise<readonly CheckDefinition[]> {
  const text = readTextFile(file, { what: "check file", maxBytes: MAX_CHECK_FILE_BYTES, directoryHint: "give the check files themselves" });
  const parsed = await parseCheckFile(text, file, options);
  if (parsed.problems.length > 0) throw new CheckFileError(parsed.problems);
  return parsed.checks;
}

/** The path of the shipped default suite (`checks/default.yaml`). */
export const DEFAULT_CHECKS_FILE = fileURLToPath(new URL("default.yaml", CHECKS_DIR));

/** The default suite (trusted: see `ParseOptions.trusted`). */
export function loadDefaultChecks(): Promise<readonly CheckDefinition[]> {
  return loadCheckFile(DEFAULT_CHECKS_FILE, { trusted: true });
}
