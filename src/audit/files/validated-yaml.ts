import type { ValidateFunction } from "ajv";
import { MAX_FILE_BYTES } from "../../input/limits.js";
import { formatProblem, readValidatedYaml as readFile, type FileProblem, type ReadFile } from "../../input/validated-yaml.js";
import { InputError } from "../../model/errors.js";
import { allowlist, config, rules } from "./audit-validators.generated.js";

/*
 * The audit's own small YAML files (rules, allowlist, configuration), read by the one validated-file
 * reader (src/input/validated-yaml.ts) against the JSON Schemas in checks/audit. The schemas are
 * compiled ahead of time (ajv standalone code, scripts/generate/audit-validators.mjs): importing ajv
 * and compiling them cost every audit about 15 ms of CPU at start.
 */

/** The audit's schema files in checks/audit, each with its validator. */
const VALIDATORS = {
  "schema.json": rules,
  "allowlist.schema.json": allowlist,
  "config.schema.json": config,
} as unknown as Record<AuditSchema, ValidateFunction>;

/** An audit schema file: rules, allowlist or configuration. */
export type AuditSchema = "schema.json" | "allowlist.schema.json" | "config.schema.json";

/** One problem in one file, with where it is. */
export type Problem = FileProblem;

/** Reads and validates one audit file against checks/audit/`schema`: its value, problems, and where its paths are. */
export function readAuditFile(file: string, schema: AuditSchema): ReadFile {
  return readFile(file, { what: "audit file", maxBytes: MAX_FILE_BYTES.auditFile, validate: VALIDATORS[schema] });
}

/** Reads and validates one YAML file; returns undefined (and adds to `problems`) when it is unusable. */
export function readValidatedYaml(file: string, schema: AuditSchema, problems: Problem[]): unknown {
  const read = readAuditFile(file, schema);
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
