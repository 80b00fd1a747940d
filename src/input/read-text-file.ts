import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Readable } from "node:stream";
import { InputError } from "../model/errors.js";
import { decodeText } from "./decode-text.js";
import { formatBytes } from "./units.js";

/** How to read one user file. */
export interface ReadTextOptions {
  /** What the file is, for messages: "check file", "kubeconfig". */
  what: string;
  /** Largest accepted size in bytes; bigger files are refused before anything is parsed. */
  maxBytes: number;
  /** The name to show in messages (default: the path as given). */
  shown?: string;
  /** Added after "it is a directory; " (e.g. "give the check files themselves"). */
  directoryHint?: string;
  /** The sentence for a file over the limit (default: "is N MiB, larger than the limit (M MiB) for <what>s"). */
  tooLarge?: (bytes: number | undefined, maxBytes: number) => string;
}

const CHUNK_BYTES = 1024 * 1024;

function tooLargeError(bytes: number | undefined, options: ReadTextOptions, file: string): InputError {
  const message = options.tooLarge
    ? options.tooLarge(bytes, options.maxBytes)
    : `${bytes === undefined ? "is" : `is ${formatBytes(bytes)},`} larger than the limit (${formatBytes(options.maxBytes)}) for ${options.what}s`;
  return new InputError(message, { file }, { code: "E_TOO_LARGE" });
}

function openFailure(error: unknown, options: ReadTextOptions, file: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? ["it is a directory", options.directoryHint].filter(Boolean).join("; ")
        : code === "EACCES"
          ? "permission denied"
          : (code ?? "read error");
  return new InputError(`cannot read ${options.what}: ${reason}`, { file }, { code: "E_READ" });
}

/**
 * Reads a user's YAML or JSON file without trusting it: a regular file over `maxBytes` is refused
 * from its size alone; anything else (a FIFO, `/dev/stdin`, `<(...)`) is read in chunks and
 * stopped one byte past the limit, so memory stays bounded. The bytes are decoded by `decodeText`
 * (strict UTF-8, or UTF-16 with a BOM; no binary). Every failure is an `InputError` naming the file.
 * Synchronous on purpose: these files are read before any request runs, and one implementation
 * then serves the synchronous loaders (audit rule files) and the asynchronous ones alike.
 */
export function readTextFile(path: string, options: ReadTextOptions): string {
  const file = options.shown ?? path;
  let descriptor: number;
  try {
    descriptor = openSync(path, "r");
  } catch (error) {
    throw openFailure(error, options, file);
  }
  try {
    const info = fstatSync(descriptor);
    if (info.isDirectory()) throw openFailure({ code: "EISDIR" }, options, file);
    if (info.isFile() && info.size > options.maxBytes) throw tooLargeError(info.size, options, file);
    const chunks: Buffer[] = [];
    let total = 0;
    // A regular file is read into one buffer of its size (and one byte more, to see it grew), not copied
    // from chunks: 21 MB less to copy on bench/audit.mjs's snapshot.
    let size = info.isFile() ? Math.min(info.size + 1, options.maxBytes + 1) : CHUNK_BYTES;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(size, options.maxBytes + 1 - total));
      let filled = 0;
      for (let bytesRead = -1; bytesRead !== 0 && filled < chunk.length; filled += bytesRead) {
        bytesRead = readSync(descriptor, chunk, filled, chunk.length - filled, null);
      }
      if (filled === 0) break;
      chunks.push(chunk.subarray(0, filled));
      total += filled;
      if (total > options.maxBytes) throw tooLargeError(undefined, options, file);
      if (filled < chunk.length) break;
      size = CHUNK_BYTES;
    }
    return decodeText(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total), file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw openFailure(error, options, file);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Reads a stream (standard input) the same way: stopped as soon as it passes `maxBytes`, then
 * decoded strictly. `options.shown` names it in messages (default "-").
 */
export async function readTextStream(stream: Readable, options: ReadTextOptions): Promise<string> {
  const file = options.shown ?? "-";
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > options.maxBytes) throw tooLargeError(undefined, options, file);
    chunks.push(buffer);
  }
  return decodeText(Buffer.concat(chunks, total), file);
}
