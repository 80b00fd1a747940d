import { wrapText } from "../report/render/text.js";
import { describeFlagNumber, type FlagSpec } from "./args.js";
import type { Command } from "./command.js";

/** The flag column never takes more than this; a longer flag puts its description on the next line. */
const WIDEST_FLAG_COLUMN = 34;
/** Below this many characters for descriptions, each description goes under its flag instead. */
const NARROWEST_DESCRIPTION = 30;

function defaultText(spec: FlagSpec): string {
  const value = spec.default;
  if (value === undefined || spec.type === "boolean" || (Array.isArray(value) && value.length === 0)) return "";
  const shown = Array.isArray(value) ? value.join(",") : typeof value === "number" ? describeFlagNumber(spec, value) : String(value);
  return ` [default: ${shown}]`;
}

function flagName(spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "    ";
  const name = spec.valueName ?? (spec.type === "duration" ? "DURATION" : spec.type === "size" ? "SIZE" : "VALUE");
  const value = spec.type === "boolean" ? "" : spec.bareValue !== undefined ? ` [${name}]` : ` ${name}`;
  return `  ${short}--${spec.name}${value}`;
}

function flagDescription(spec: FlagSpec): string {
  const choices = spec.choices ? ` (${spec.choices.join("|")})` : "";
  const bare = spec.bareValue !== undefined ? ` [alone: ${spec.bareValue}]` : "";
  return `${spec.description}${choices}${defaultText(spec)}${bare}`;
}

/**
 * `left` then `text` wrapped beside it from `column` on, or under it when `left` is wider; when
 * the terminal leaves too little room beside, every description goes under its name.
 */
function twoColumns(entries: ReadonlyArray<[string, string]>, width: number, naturalColumn: number): string[] {
  const column = Math.min(naturalColumn, WIDEST_FLAG_COLUMN);
  const beside = width - column >= NARROWEST_DESCRIPTION;
  const indent = beside ? column : 8;
  const lines: string[] = [];
  for (const [left, text] of entries) {
    const wrapped = wrapText(text, width - indent).map((line) => `${" ".repeat(indent)}${line}`);
    if (beside && left.length + 1 <= column && wrapped[0] !== undefined) {
      lines.push(`${left.padEnd(column)}${wrapped[0].slice(column)}`, ...wrapped.slice(1));
    } else {
      lines.push(left, ...wrapped);
    }
  }
  return lines;
}

/**
 * One line of prose or an example wrapped to `width`, keeping its indentation; the lines that
 * continue a usage line or an example are indented two more, so they read as one command. An
 * example (indented under "Examples:") that needs more than one line ends each but its last with
 * the shell's ` \`, so it still runs when pasted.
 */
function wrapKeepingIndent(line: string, width: number): string[] {
  const indent = /^\s*/.exec(line)?.[0] ?? "";
  const text = line.slice(indent.length);
  if (text === "") return [""];
  const comment = text.startsWith("# ");
  const example = indent.length >= 4 && !comment;
  // A shell comment goes on as a comment; a command or usage line two further in.
  const more = comment ? "# " : text.startsWith("saprobe ") || indent.length >= 4 ? "  " : "";
  const continuation = example ? " \\" : "";
  const [first = "", ...rest] = wrapText(text, width - indent.length - continuation.length);
  const continued = wrapText(rest.join(" "), width - indent.length - more.length - continuation.length).filter((part) => part !== "");
  const parts = [`${indent}${first}`, ...continued.map((part) => `${indent}${more}${part}`)];
  return parts.map((part, index) => (index < parts.length - 1 ? `${part}${continuation}` : part));
}

/** Whether a usage line stands alone (a command, a heading, a list item) rather than continue prose. */
function standsAlone(line: string): boolean {
  const text = line.trim();
  return text === "" || /^(saprobe |KUBECONFIG=|- |\d+\. )/.test(text) || text.endsWith(":");
}

/** Usage text with its hard-wrapped prose lines joined into paragraphs, so they can be rewrapped. */
function paragraphs(usage: string): string[] {
  const joined: string[] = [];
  for (const line of usage.split("\n")) {
    const previous = joined[joined.length - 1];
    if (previous !== undefined && !standsAlone(previous) && !standsAlone(line) && !previous.startsWith(" ") && !line.startsWith(" ")) {
      joined[joined.length - 1] = `${previous} ${line.trim()}`;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

/** Help for one command wrapped to `width` columns, as a string (printing is the caller's job). */
export function renderCommandHelp(command: Command, width = 80): string {
  const usage = paragraphs(command.usage).flatMap((line) => wrapKeepingIndent(line === "" ? "" : `  ${line}`, width));
  const lines = [...wrapText(command.summary, width), "", "Usage:", ...usage, ""];
  if (command.flags.length > 0) {
    const entries = command.flags.map((spec): [string, string] => [flagName(spec), flagDescription(spec)]);
    const column = Math.max(...entries.map(([left]) => left.length)) + 2;
    lines.push("Flags:", ...twoColumns(entries, width, column), "");
  }
  return lines.join("\n");
}

/** The top-level help listing every command, wrapped to `width` columns. */
export function renderMainHelp(commands: readonly Command[], version: string, width = 80): string {
  const column = Math.max(...commands.map((command) => command.name.length)) + 4;
  const prose = (text: string): string[] => wrapText(text, width);
  return [
    ...prose(
      `saprobe ${version}: what a Kubernetes ServiceAccount can really do, whether that matches the RBAC you declared, and where cluster-admin power hides.`,
    ),
    "",
    "Usage:",
    "  saprobe <command> [flags]",
    "",
    "Commands:",
    ...twoColumns(
      commands.map((command) => [`  ${command.name}`, command.summary]),
      width,
      column,
    ),
    "",
    ...prose('Run "saprobe <command> --help" for a command\'s flags.'),
    ...prose("Exit codes: 0 passed, 1 a check failed (or can-i said no), 2 usage or input error, 3 could not run."),
    "",
  ].join("\n");
}
