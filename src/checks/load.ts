import { fileURLToPath } from "node:url";
import { MAX_FILE_BYTES } from "../input/limits.js";
import { readPrecompiled } from "../input/precompiled.js";
import { readTextFile } from "../input/read-text-file.js";
import { formatProblem, parseValidatedYaml } from "../input/validated-yaml.js";
import { NOT_PLAIN } from "../input/block-yaml.js";
import { positionAt, type Position } from "../input/yaml-position.js";
import { InputError } from "../model/errors.js";
import { readPlainCheckFile } from "./plain-check-file.js";
import type { CheckDefinition, CheckProblem } from "./types.js";
import { CHECK_FILE_HINTS, CHECKS_DIR, checkFileValidator } from "./validate.js";

/** The outcome of reading one check file: every problem at once, or the frozen checks. */
export interface ParsedCheckFile {
  checks: readonly CheckDefinition[];
  problems: CheckProblem[];
}

/** A check file that cannot be used. The message lists every problem as `file:line:column: message`. */
export class CheckFileError extends InputError {
  readonly problems: readonly CheckProblem[];

  constructor(problems: readonly CheckProblem[]) {
    super(problems.map(formatProblem).join("\n"), {}, { code: "E_CHECKS" });
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

/** How much to trust a check file. */
export interface ParseOptions {
  /**
   * Skip the JSON Schema (ajv) for the shipped default suite: it is validated by the test suite on
   * every change, and ajv's import and compile would cost more than the suite's requests. YAML
   * errors and duplicate ids are still checked.
   */
  trusted?: boolean;
}

/** The checks of a valid file's value, each frozen with its origin (`locate` of its path); a duplicate id is a problem, at its `id`. */
function checksOf(value: unknown, file: string, locate: (path: (string | number)[]) => Position): ParsedCheckFile {
  const raw = (value as { checks: Omit<CheckDefinition, "origin">[] }).checks;
  const problems: CheckProblem[] = [];
  const seen = new Map<string, number>();
  const checks = raw.map((check, index) => {
    const origin = { file, ...locate(["checks", index]) };
    const first = seen.get(check.id);
    if (first !== undefined) {
      problems.push({ file, ...locate(["checks", index, "id"]), message: `duplicate check id "${check.id}" (first defined on line ${first})` });
    } else {
      seen.set(check.id, origin.line);
    }
    return deepFreeze({ ...check, origin });
  });
  return problems.length > 0 ? { checks: [], problems } : { checks: Object.freeze(checks), problems };
}

/** A value the schema accepts without its validator: `checks: []`, a suite of no checks (`checks`, an array, is the one field required and allowed). */
function isEmptySuite(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const { checks } = value as { checks?: unknown };
  return Object.keys(value).length === 1 && Array.isArray(checks) && checks.length === 0;
}

/** True when no two checks of a valid file's value share an id. */
function hasUniqueIds(value: unknown): boolean {
  const ids = (value as { checks: { id: string }[] }).checks.map((check) => check.id);
  return new Set(ids).size === ids.length;
}

/**
 * Parses and validates one check file's text. Never throws for bad input: YAML syntax errors,
 * schema violations and duplicate ids all come back as problems with line and column. Plain block
 * YAML is read without the `yaml` package (plain-check-file.ts), and a suite of no checks without
 * the schema's validator; a file with any problem is read again by the `yaml` package, which finds
 * and locates them all, as for any other file.
 */
export async function parseCheckFile(text: string, file: string, options: ParseOptions = {}): Promise<ParsedCheckFile> {
  const plain = readPlainCheckFile(text);
  if (plain !== NOT_PLAIN) {
    const valid = options.trusted || isEmptySuite(plain.value) || (await checkFileValidator())(plain.value);
    // Only a check's own path is asked for when the ids are unique.
    if (valid && hasUniqueIds(plain.value)) return checksOf(plain.value, file, (path) => plain.checkPositions[path[1] as number] as Position);
  }
  const parsed = parseValidatedYaml(text, file, options.trusted ? undefined : await checkFileValidator(), CHECK_FILE_HINTS);
  const { document, lines } = parsed;
  if (parsed.problems.length > 0) return { checks: [], problems: parsed.problems };
  return checksOf(parsed.value, file, (path) => positionAt(document, lines, path));
}

/**
 * Reads and validates a check file; throws a `CheckFileError` listing every problem, or an
 * `InputError` for a file that is missing, too large or not text (see `readTextFile`).
 */
export async function loadCheckFile(file: string, options: ParseOptions = {}): Promise<readonly CheckDefinition[]> {
  const text = readTextFile(file, { what: "check file", maxBytes: MAX_FILE_BYTES.checkFile, directoryHint: "give the check files themselves" });
  const parsed = await parseCheckFile(text, file, options);
  if (parsed.problems.length > 0) throw new CheckFileError(parsed.problems);
  return parsed.checks;
}

/** The path of the shipped default suite (`checks/default.yaml`). */
export const DEFAULT_CHECKS_FILE = fileURLToPath(new URL("default.yaml", CHECKS_DIR));

/** The default suite (trusted: see `ParseOptions.trusted`). */
export function loadDefaultChecks(): Promise<readonly CheckDefinition[]> {
  // The build's parse of the same text (src/input/precompiled.ts), its origin moved to where the file is now.
  const saved = readPrecompiled<CheckDefinition[]>("default-checks", [DEFAULT_CHECKS_FILE]);
  if (saved) return Promise.resolve(Object.freeze(saved.map((check) => deepFreeze({ ...check, origin: { ...check.origin, file: DEFAULT_CHECKS_FILE } }))));
  return loadCheckFile(DEFAULT_CHECKS_FILE, { trusted: true });
}
