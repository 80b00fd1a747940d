import { join } from "node:path";
import { MAX_FILE_BYTES } from "../../input/limits.js";
import { schemaValidator } from "../../input/json-schema.js";
import { formatProblem, readValidatedYaml as readFile, type FileProblem, type ReadFile } from "../../input/validated-yaml.js";
import { InputError } from "../../model/errors.js";

/*
 * The audit's own small YAML files (rules, allowlist, configuration), read by the one validated-file
 * reader (src/input/validated-yaml.ts) against the JSON Schemas in checks/audit.
 */

/** One problem in one file, with where it is. */
export type Problem = FileProblem;

/** Reads and validates one audit file against `schemaFile` of `schemaDir`: its value, problems, and where its paths are. */
export function readAuditFile(file: string, schemaDir: string, schemaFile: string): ReadFile {
  return readFile(file, { what: "audit file", maxBytes: MAX_FILE_BYTES.auditFile, validate: schemaValidator(join(schemaDir, schemaFile)) });
}

/** Reads and validates one YAML file; returns undefined (and adds to `problems`) when it is unusable. */
export function readValidatedYaml(file: string, schemaDir: string, schemaFile: string, problems: Problem[]): unknown {
  const read = readAuditFile(file, schemaDir, schemaFile);
  problems.push(...read.problems);
  return read.value;
}

/**
 * Throws one `InputError` listing every problem (naming the first file), or returns. One problem is
 * the error itself, at its file and line: the CLI prints `file:line: message`, so a list of one under
 * a header that names the same file would print the path twice.
 */
export function throwIfProblems(what: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const first = problems[0] as Problem;
  if (problems.length === 1) {
    const place = {
      file: first.file,
      ...(first.line !== undefined ? { line: first.line } : {}),
      ...(first.column !== undefined ? { column: first.column } : {}),
    };
    throw new InputError(`invalid ${what}: ${first.message}`, place);
  }
  const listed = problems.map((problem) => `  ${formatProblem(problem)}`);
  throw new InputError(`invalid ${what} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${listed.join("\n")}`, { file: first.file });
}
