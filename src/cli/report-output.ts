import { resolve } from "node:path";
import { flag, type ParsedArgs } from "./args.js";
import type { CommandIo } from "./command.js";
import { ConnectionConfigError, InputError } from "../model/errors.js";
import type { Report } from "../model/report.js";
import { redactText } from "../model/secret.js";
import { buildReport, exitCodeFor } from "../report/build.js";
import { renderJsonParts } from "../report/render/json.js";
import { loadRenderer } from "../report/render/load.js";
import { REPORT_FORMATS, type RenderOptions, type ReportFormat } from "../report/render/types.js";
import { wrapText } from "../report/render/text.js";
import { terminalColumns } from "./output-flags.js";
import { writeParts } from "./write-parts.js";

/**
 * One item of a text answer (`who-can`, `can-i --list`) indented by two, wrapped to the terminal with
 * its continuation lines indented by six; one line when the width is unknown (piped, no COLUMNS), so
 * grep still sees each item whole.
 */
export function indentedItem(text: string, io: Pick<CommandIo, "stdout" | "env">): string {
  const width = terminalColumns(io);
  if (width === undefined) return `  ${text}\n`;
  const [first = "", ...rest] = wrapText(text, width - 2);
  const continued = rest.join(" ");
  return [`  ${first}`, ...(continued ? wrapText(continued, width - 6).map((line) => `      ${line}`) : [])].join("\n") + "\n";
}

/** A heading line wrapped to the terminal (continuation lines indented by four); one line when the width is unknown. */
export function heading(text: string, io: Pick<CommandIo, "stdout" | "env">): string {
  const width = terminalColumns(io);
  if (width === undefined) return `${text}\n`;
  const [first = "", ...rest] = wrapText(text, width);
  const continued = rest.join(" ");
  return [first, ...(continued ? wrapText(continued, width - 4).map((line) => `    ${line}`) : [])].join("\n") + "\n";
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function renderOptionsFor(io: Pick<CommandIo, "stdout" | "env">): RenderOptions {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  return { color: Boolean(io.stdout.isTTY) && !noColor, width: terminalColumns(io) ?? 120 };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return `${error.code} (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prints the report in the `-o` format on stdout, writes the `--out` files, and returns the exit
 * code the report implies. The one code path `run` and `audit` share. A directory that cannot be
 * written is an `InputError` naming `--out`, raised after stdout got the report.
 */
export async function emitReport(report: Report, args: ParsedArgs, io: CommandIo): Promise<0 | 1 | 2 | 3> {
  const format = (flag.string(args, "output") ?? "table") as ReportFormat;
  if (format === "json") {
    // In parts: a big audit's report is tens of MB, costly to hold as one string (render/json.ts). JSON,
    // what pipelines read, is in this module's pack: as a pack of its own it cost a file read and a compile.
    writeParts(io.stdout, renderJsonParts(report));
  } else {
    // Only this format's renderer loads, and only when a report is printed: `can-i` and `who-can` use
    // this module's text helpers alone (bench/startup.mjs). The loader is a table of imports.
    const renderer = await loadRenderer(format);
    if (!renderer) throw new InputError(`unknown output format "${format}": choose one of ${REPORT_FORMATS.join(", ")}`);
    io.stdout.write(renderer(report, { ...renderOptionsFor(io), showExpected: flag.boolean(args, "show-expected") }));
  }
  await writeOutFiles(report, args, io);
  return exitCodeFor(report);
}

/** Writes the `--out DIR` files, if asked; a directory that cannot be written is an `InputError` naming `--out`. */
export async function writeOutFiles(report: Report, args: ParsedArgs, io: CommandIo): Promise<void> {
  const out = flag.string(args, "out");
  if (out === undefined) return;
  const dir = resolve(io.cwd, out);
  const { writeReportFiles } = await import("../report/write.js");
  try {
    const written = await writeReportFiles(report, dir);
    if (io.stderr.isTTY) io.stderr.write(`saprobe: wrote ${written.length} report files to ${dir}\n`);
  } catch (error) {
    throw new InputError(`--out ${out}: cannot write the report files to ${dir}: ${reasonOf(error)}`);
  }
}

/**
 * Awaits the connection of a run or live audit. When none can be configured (a
 * `ConnectionConfigError`, exit 2) the `--out` files still get a report whose `errors` say why, so the
 * pipeline steps that upload them find them; then the error goes on to main, which prints it. Only the
 * files: stdout stays empty, as for any usage error. Writing them is best effort.
 */
export async function connectedOrRecorded<T>(command: "run" | "audit", startedAt: Date, connecting: Promise<T>, args: ParsedArgs, io: CommandIo): Promise<T> {
  try {
    return await connecting;
  } catch (error) {
    const out = flag.string(args, "out");
    if (error instanceof ConnectionConfigError && out !== undefined) {
      const report = buildReport({
        command,
        startedAt,
        finishedAt: new Date(),
        target: { source: "none" },
        errors: [{ code: error.code, message: redactText(error.message, []) }],
      });
      const { writeReportFiles } = await import("../report/write.js");
      await writeReportFiles(report, resolve(io.cwd, out)).catch(() => undefined);
    }
    throw error;
  }
}
