import { InputError } from "../model/errors.js";
import { CheckFileError, loadCheckFile, loadDefaultChecks } from "./load.js";
import type { CheckDefinition, CheckProblem } from "./types.js";

/** The checks a run will execute, in order, and what the user should know about how they were chosen. */
export interface CheckSuite {
  checks: readonly CheckDefinition[];
  warnings: string[];
}

/**
 * Builds the suite for `saprobe run`: the default suite, then each `--checks` file. A user check
 * whose id is already in the suite replaces it in place (with a warning saying so); new ids are
 * appended. With `replace`, the default suite is left out. Problems of every file are reported at once.
 */
export async function assembleSuite(files: readonly string[], options: { replace: boolean }): Promise<CheckSuite> {
  if (options.replace && files.length === 0) throw new InputError("--replace-checks needs at least one --checks FILE");
  const problems: CheckProblem[] = [];
  const loaded: (readonly CheckDefinition[])[] = [];
  for (const file of options.replace ? files : [undefined, ...files]) {
    try {
      loaded.push(file === undefined ? await loadDefaultChecks() : await loadCheckFile(file));
    } catch (error) {
      if (!(error instanceof CheckFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new CheckFileError(problems);

  const checks: CheckDefinition[] = [];
  const warnings: string[] = [];
  for (const check of loaded.flat()) {
    const index = checks.findIndex((existing) => existing.id === check.id);
    if (index < 0) {
      checks.push(check);
      continue;
    }
    const replaced = checks[index] as CheckDefinition;
    warnings.push(`check "${check.id}" from ${check.origin.file}:${check.origin.line} replaces the one from ${replaced.origin.file}:${replaced.origin.line}`);
    checks[index] = check;
  }
  return { checks: Object.freeze(checks), warnings };
}
