import { fileURLToPath } from "node:url";
import { MAX_FILE_BYTES } from "../input/limits.js";
import { readPrecompiled } from "../input/precompiled.js";
import { readTextFile } from "../input/read-text-file.js";
import { formatProblem, parseValidatedYaml } from "../input/validated-yaml.js";
import { positionAt } from "../input/yaml-position.js";
import { InputError } from "../model/errors.js";
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

/**
 * Parses and validates one check file's text. Never throws for bad input: YAML syntax errors,
 * schema violations and duplicate ids all come back as problems with line and column.
 */
export async function parseCheckFile(text: string, file: string, options: ParseOptions = {}): Promise<ParsedCheckFile> {
  const parsed = parseValidatedYaml(text, file, options.trusted ? undefined : await checkFileValidator(), CHECK_FILE_HINTS);
  const { document, lines } = parsed;
  const problems: CheckProblem[] = parsed.problems;
  if (problems.length > 0) return { checks: [], problems };
  const data = parsed.value;
  const raw = (data as { checks: Omit<CheckDefinition, "origin">[] }).checks;
  const seen = new Map<string, number>();
  const checks = raw.map((check, index) => {
    const origin = { file, ...positionAt(document, lines, ["checks", index]) };
    const first = seen.get(check.id);
    if (first !== undefined) {
      problems.push({
        file,
        ...positionAt(document, lines, ["checks", index, "id"]),
        message: `duplicate check id "${check.id}" (first defined on line ${first})`,
      });
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
