import { CheckFileError, loadCheckFile } from "../../checks/load.js";
import type { CheckProblem } from "../../checks/types.js";
import { ExitCode, UsageError } from "../../model/errors.js";
import type { ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";

/** What `saprobe validate` does once its arguments are parsed. */
export async function runValidate(args: ParsedArgs, io: CommandIo): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError("validate needs at least one check file");
  const problems: CheckProblem[] = [];
  for (const file of args.positionals) {
    try {
      const checks = await loadCheckFile(file);
      io.stdout.write(`${file}: ${checks.length} check${checks.length === 1 ? "" : "s"}, valid\n`);
    } catch (error) {
      if (!(error instanceof CheckFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new CheckFileError(problems);
  return ExitCode.ok;
}
