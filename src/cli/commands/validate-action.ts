import { resolve } from "node:path";
import { CheckFileError, loadCheckFile } from "../../checks/load.js";
import type { CheckProblem } from "../../checks/types.js";
import { parseAllDocuments } from "yaml";
import { fileKindOf } from "../../input/file-kind.js";
import { readTextFile } from "../../input/read-text-file.js";
import { ExitCode, InputError, UsageError } from "../../model/errors.js";
import type { ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";

/** Larger files are left to the check loader, which refuses them with its own message. */
const SNIFF_MAX_BYTES = 4 * 1024 * 1024;

/**
 * When `file` is a YAML file of another kind (an RBAC manifest, a kubeconfig, audit rules), the
 * sentence that says so and names the command that reads it; undefined for a check file or a file
 * that cannot be read or parsed (the check loader then says why).
 */
function notACheckFile(file: string, cwd: string): string | undefined {
  let documents: unknown[];
  try {
    const text = readTextFile(resolve(cwd, file), { what: "check file", maxBytes: SNIFF_MAX_BYTES, shown: file });
    documents = parseAllDocuments(text, { prettyErrors: false }).flatMap((document) => ("errors" in document && document.errors.length === 0 ? [document.toJS({ maxAliasCount: 100 })] : []));
  } catch {
    return undefined;
  }
  const kind = fileKindOf(documents);
  if (!kind || kind.what === "a check file") return undefined;
  return `this is ${kind.what}, not a check file; saprobe reads it with ${kind.readBy.replace(/FILE/g, file)}`;
}

/** What `saprobe validate` does once its arguments are parsed. */
export async function runValidate(args: ParsedArgs, io: CommandIo): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError("validate needs at least one check file");
  const problems: CheckProblem[] = [];
  for (const file of args.positionals) {
    const other = notACheckFile(file, io.cwd);
    if (other) throw new InputError(other, { file });
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
