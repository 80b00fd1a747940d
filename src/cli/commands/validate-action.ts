import { resolve } from "node:path";
import { CheckFileError, loadCheckFile } from "../../checks/load.js";
import type { CheckProblem } from "../../checks/types.js";
import { readFileSync, statSync } from "node:fs";
import { LineCounter, parseAllDocuments } from "yaml";
import { inspectDocument } from "../../input/yaml-limits.js";
import { fileKindOf } from "../../input/file-kind.js";
import { ExitCode, InputError, UsageError } from "../../model/errors.js";
import type { ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";

/** Larger files, and anything but a regular file (a FIFO is read once), are left to the check loader. */
const SNIFF_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The top-level keys of each YAML document, read line by line without parsing (a hostile file costs
 * nothing here): a key with a value on its line keeps the value, a key that opens a block is a list.
 */
function topLevelKeys(text: string): Array<Record<string, unknown>> {
  return text.split(/^---[^\n]*$/m).map((document) => {
    const keys: Record<string, unknown> = {};
    for (const match of document.matchAll(/^([A-Za-z][\w-]*):[ \t]*([^\n#]*)/gm)) {
      const value = (match[2] ?? "").trim().replace(/^["']|["']$/g, "");
      keys[match[1] as string] = value === "" || value.startsWith("[") ? [] : value;
    }
    return keys;
  });
}

/** Whether the text is YAML without a syntax error, deep nesting, duplicate key or alias: else the loader's located problem says more. */
function cleanYaml(text: string): boolean {
  // Control characters and invalid UTF-8 are the loader's to locate.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text)) return false;
  const lines = new LineCounter();
  return parseAllDocuments(text, { lineCounter: lines }).every((document) => {
    if (!("errors" in document) || document.errors.length > 0) return false;
    const inspection = inspectDocument(document, lines);
    return !inspection.tooDeep && inspection.duplicateKeys.length === 0 && inspection.firstAlias === undefined;
  });
}

/**
 * When `file` is a YAML file of another kind (an RBAC manifest, a kubeconfig, audit rules), the
 * sentence that says so and names the command that reads it; undefined for a check file or a file
 * that cannot be read (the check loader then says why).
 */
function notACheckFile(file: string, cwd: string): string | undefined {
  let text: string;
  try {
    const path = resolve(cwd, file);
    const info = statSync(path);
    if (!info.isFile() || info.size > SNIFF_MAX_BYTES) return undefined;
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const kind = fileKindOf(topLevelKeys(text).filter((keys) => Object.keys(keys).length > 0));
  if (!kind || kind.what === "a check file" || !cleanYaml(text)) return undefined;
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
