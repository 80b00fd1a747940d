import { wrapText } from "../report/render/text.js";
import type { CommandIo } from "./command.js";
import { terminalColumns } from "./output-flags.js";

/*
 * Text for stderr fitted to the terminal. Kept apart from report-output.ts so main can fit an error
 * without loading the renderers (test/cli/lazy-commands.test.ts).
 */

/**
 * A message for stderr (an error, a warning) fitted to the terminal: each line wrapped at spaces (no
 * name is cut), continuation lines indented two past the line's own indentation (a list item's under
 * its text); unchanged when the width is unknown, so a log keeps one line per message.
 */
export function fitToTerminal(message: string, io: Pick<CommandIo, "stdout" | "env">): string {
  const width = terminalColumns(io);
  if (width === undefined) return message;
  return message
    .split("\n")
    .flatMap((line) => {
      const lead = /^\s*(- )?/.exec(line)?.[0] ?? "";
      const hanging = " ".repeat(lead.endsWith("- ") ? lead.length : lead.length + 2);
      const [first = "", ...rest] = wrapText(line.slice(lead.length), width - lead.length);
      const continued = rest.join(" ");
      return [`${lead}${first}`, ...(continued ? wrapText(continued, width - hanging.length).map((part) => `${hanging}${part}`) : [])];
    })
    .join("\n");
}

/** kubectl's `Warning: ...` lines on stderr, each fitted to the terminal. */
export function writeWarnings(warnings: readonly string[], io: Pick<CommandIo, "stdout" | "stderr" | "env">): void {
  for (const warning of warnings) io.stderr.write(`${fitToTerminal(`Warning: ${warning}`, io)}\n`);
}
