import type { Stats } from "node:fs";
// Synchronous node:fs, not node:fs/promises: loading that module cost 2.6-4 ms of every offline command's start-up.
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { InputError } from "../model/errors.js";

/** A path the user named, found: where it is, and whether it is a file or a folder. */
export interface FoundInput {
  /** The path resolved against the working directory. */
  absolute: string;
  info: Stats;
}

/**
 * Finds a file or folder the user named (`--manifests`, an audit log), or throws an `InputError` whose
 * `file` is the path as given. The message says only what is wrong: the CLI prints `<file>: <message>`,
 * so a message that named the path too would print it twice.
 */
export async function statInput(path: string, cwd: string): Promise<FoundInput> {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  try {
    return { absolute, info: statSync(absolute) };
  } catch (error) {
    throw new InputError(inputProblem(error), { file: path });
  }
}

/** Why a named file or folder cannot be used, from the error `stat` threw, without its path. */
export function inputProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return "no such file or directory";
  return code === "EACCES" ? "permission denied" : `cannot read it (${code ?? "unknown error"})`;
}
