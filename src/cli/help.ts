import type { FlagSpec } from "./args.js";
import type { Command } from "./command.js";

function flagLine(spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "    ";
  const name = spec.valueName ?? (spec.type === "duration" ? "DURATION" : "VALUE");
  const value = spec.type === "boolean" ? "" : spec.bareValue !== undefined ? ` [${name}]` : ` ${name}`;
  const choices = spec.choices ? ` (${spec.choices.join("|")})` : "";
  const fallback = spec.default !== undefined && spec.type !== "boolean" && !(Array.isArray(spec.default) && spec.default.length === 0)
    ? ` [default: ${Array.isArray(spec.default) ? spec.default.join(",") : String(spec.default)}]`
    : "";
  const bare = spec.bareValue !== undefined ? ` [alone: ${spec.bareValue}]` : "";
  return `  ${short}--${spec.name}${value}`.padEnd(40) + ` ${spec.description}${choices}${fallback}${bare}`;
}

/** Help for one command, as a string (printing is the caller's job). */
export function renderCommandHelp(command: Command): string {
  const lines = [command.summary, "", "Usage:", ...command.usage.split("\n").map((line) => `  ${line}`), ""];
  if (command.flags.length > 0) lines.push("Flags:", ...command.flags.map(flagLine), "");
  return lines.join("\n");
}

/** The top-level help listing every command. */
export function renderMainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `saprobe ${version}: what a Kubernetes ServiceAccount can really do, whether that matches the RBAC you declared,`,
    "and where cluster-admin power hides.",
    "",
    "Usage:",
    "  saprobe <command> [flags]",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    'Run "saprobe <command> --help" for a command\'s flags.',
    "Exit codes: 0 passed, 1 a check failed (or can-i said no), 2 usage or input error, 3 could not run.",
    "",
  ].join("\n");
}
