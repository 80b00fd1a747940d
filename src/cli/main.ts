import { didYouMean } from "../input/suggest.js";
import { ExitCode, InputError, isSaprobeError, UsageError } from "../model/errors.js";
import { redactText } from "../model/secret.js";
import { terminalColumns } from "./output-flags.js";
import { fitToTerminal } from "./terminal-text.js";
import { VERSION } from "../version.js";
import { parseArgs } from "./args.js";
import { endQuietlyOnClosedPipe } from "./closed-pipe.js";
import type { Command, CommandIo } from "./command.js";
import { commands as registered } from "./commands/index.js";
import { renderCommandHelp, renderMainHelp } from "./help.js";

function defaultIo(): CommandIo {
  endQuietlyOnClosedPipe(process.stdout, process.stderr, (status) => process.exit(status));
  // stdin is opened only by a command that reads it (`-` as a file): opening it costs a few ms of every start.
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Help fits the terminal (or `COLUMNS`); piped without either, the 80 columns of a classic terminal. */
function helpWidth(io: CommandIo): number {
  return terminalColumns(io) ?? 80;
}

function describeError(error: unknown): string {
  if (error instanceof InputError) {
    const where = [error.file, error.line, error.column].filter((part) => part !== undefined).join(":");
    return where ? `${where}: ${error.message}` : error.message;
  }
  if (isSaprobeError(error)) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message} (this is a bug in saprobe; set SAPROBE_DEBUG=1 for details)`;
}

/**
 * The CLI. The only place that prints errors and decides the exit code; commands return their
 * exit code or throw a `SaprobeError`. Never prints a stack trace unless SAPROBE_DEBUG=1.
 */
export async function main(argv: readonly string[], io: CommandIo = defaultIo(), commands: readonly Command[] = registered): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? commands.find((command) => command.name === rest[0]) : undefined;
    const width = helpWidth(io);
    io.stdout.write(topic ? renderCommandHelp(topic, width) : renderMainHelp(commands, VERSION, width));
    return ExitCode.ok;
  }
  if (name === "--version" || name === "version") {
    io.stdout.write(`saprobe ${VERSION}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) {
      throw new UsageError(
        name.startsWith("-")
          ? `unknown flag ${name}: flags go after the command, e.g. "saprobe run ${name}"`
          : `unknown command "${name}"${didYouMean(
              name,
              commands.map((candidate) => candidate.name),
            )} (the commands are: ${commands.map((candidate) => candidate.name).join(", ")})`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(renderCommandHelp(command, helpWidth(io)));
      return ExitCode.ok;
    }
    const args = parseArgs(rest, command.flags, command.name);
    return await command.run(args, io);
  } catch (error) {
    io.stderr.write(`${fitToTerminal(`saprobe: ${redactText(describeError(error), [])}`, io)}\n`);
    if (error instanceof UsageError) {
      io.stderr.write(command ? `Run "saprobe ${command.name} --help" for usage.\n` : 'Run "saprobe --help" for usage.\n');
    }
    if (io.env.SAPROBE_DEBUG === "1" && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return isSaprobeError(error) ? error.exitCode : ExitCode.couldNotRun;
  }
}
