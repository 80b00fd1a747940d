import type { FlagSpec } from "./args.js";
import type { CommandIo } from "./command.js";
import { REPORT_FORMATS } from "../report/render/types.js";

// The command descriptors and main() need these before any command runs; report-output.ts, which
// uses them too, loads every renderer (node:crypto for SARIF, node:fs/promises for --out), which
// only a command's implementation needs (bench/startup.mjs).

/** The output flags every reporting command (`run`, `audit`) accepts, so they behave alike. */
export const outputFlags: readonly FlagSpec[] = [
  {
    name: "output",
    short: "o",
    type: "string",
    valueName: "FORMAT",
    description: "Format of the report on stdout",
    choices: REPORT_FORMATS,
    default: "table",
  },
  {
    name: "out",
    type: "string",
    valueName: "DIR",
    description: "Also write report.json, report.xml (JUnit), report.sarif and report.md into DIR",
    bareValue: "reports/",
  },
];

/** The terminal's width, else `COLUMNS` (as set by a shell or a user), else undefined. */
export function terminalColumns(io: Pick<CommandIo, "stdout" | "env">): number | undefined {
  const columns = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}
