import type { Readable, Writable } from "node:stream";
import type { FlagSpec, ParsedArgs } from "./args.js";

/** What a command gets to work with. Injected so tests run commands in-process. */
export interface CommandIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One `saprobe <command>`. `run` returns the exit code; errors are thrown as `SaprobeError`s. */
export interface Command {
  name: string;
  /** One line for `saprobe --help`. */
  summary: string;
  /** Usage line(s) and examples for `saprobe <command> --help`. */
  usage: string;
  flags: readonly FlagSpec[];
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

/**
 * `{ stdin }` when one of `paths` is `-` (standard input), else nothing: a loader gets stdin only when
 * it will read it, since opening it costs every start a few ms (bench/startup.mjs).
 */
export function stdinIfNamed(paths: readonly string[], io: CommandIo): { stdin?: Readable } {
  return paths.includes("-") ? { stdin: io.stdin } : {};
}
