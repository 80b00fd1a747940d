import { CheckFileError, loadCheckFile } from "../../checks/load.js";
import type { CheckProblem } from "../../checks/types.js";
import { ExitCode, UsageError } from "../../model/errors.js";
import type { Command } from "../command.js";

/** `saprobe validate FILE...`: checks check files against `checks/schema.json` and lists every problem. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Validate check files (YAML) and print every problem with line and column",
  usage: "saprobe validate FILE...\n\nExample:\n  saprobe validate checks/default.yaml my-checks.yaml",
  flags: [],
  async run(args, io) {
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
  },
};
