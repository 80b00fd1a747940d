import { closeSync, createReadStream, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { statInput } from "../input/stat-input.js";
import { InputError } from "../model/errors.js";

/*
 * Audit log lines from files, folders of rotated files (plain or gzip, told apart by their first
 * bytes, not their names) and standard input, as an AsyncIterable of batches: one batch per chunk
 * read, so a gigabyte costs tens of thousands of awaits, not tens of millions. Memory is bounded by
 * the chunk size and the longest line accepted; a longer line is handed on as `null` (counted by
 * the caller) and its bytes dropped as they arrive.
 */

/** Lines read from one file: `lines[i]` is line `firstLine + i`; `null` is a line longer than the limit. */
export interface LineBatch {
  file: string;
  firstLine: number;
  lines: (string | null)[];
}

/** Options for `readLogLines`. */
export interface LogLineOptions {
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
  /** Base of relative paths. */
  cwd: string;
  /** Longest line kept, in bytes (default 16 MiB: a RequestResponse event of a big list). */
  maxLineBytes?: number;
  signal?: AbortSignal;
}

/** The default `maxLineBytes`. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The files a list of paths names, as the user wrote them (relative paths stay relative: they are
 * named in messages and in the learned YAML's comment): folders give their regular files (not
 * hidden), sorted by name.
 */
export async function expandLogPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path === "-") {
      files.push("-");
      continue;
    }
    const { absolute, info } = await statInput(path, cwd);
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = readdirSync(absolute, { withFileTypes: true });
    const inside = entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .sort();
    if (inside.length === 0) throw new InputError(`the folder ${path} holds no log files`, { file: path });
    files.push(...inside.map((name) => join(path, name)));
  }
  return files;
}

async function* chunksOf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

/** The bytes of a stream, gunzipped when its first two bytes are gzip's magic number. */
async function* decompressed(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const chunks = chunksOf(source);
  const first = await chunks.next();
  if (first.done) return;
  const head = first.value;
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield head;
    yield* chunks;
    return;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    yield* chunks;
  }
  // zlib is loaded only for a gzip file: loading it costs about 3 ms of every plain run's start-up.
  const { createGunzip } = await import("node:zlib");
  yield* chunksOf(Readable.from(all()).pipe(createGunzip()));
}

function gzipProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("Z_")) return (error as Error).message;
  return undefined;
}

/** The lines of one source, in batches; see the module comment. */
async function* linesOf(
  file: string,
  source: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<LineBatch> {
  let carry: Buffer[] = [];
  let carried = 0;
  let overlong = false;
  let lineNumber = 1;
  try {
    for await (const chunk of decompressed(source)) {
      signal?.throwIfAborted();
      const batch: LineBatch = { file, firstLine: lineNumber, lines: [] };
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        if (overlong || carried + end - start > maxLineBytes) batch.lines.push(null);
        else if (carried > 0) batch.lines.push(Buffer.concat([...carry, chunk.subarray(start, end)]).toString("utf8"));
        else batch.lines.push(chunk.toString("utf8", start, end));
        carry = [];
        carried = 0;
        overlong = false;
        start = end + 1;
      }
      if (start < chunk.length && !overlong) {
        carried += chunk.length - start;
        if (carried > maxLineBytes) {
          overlong = true;
          carry = [];
        } else {
          carry.push(chunk.subarray(start));
        }
      }
      lineNumber += batch.lines.length;
      if (batch.lines.length > 0) yield batch;
    }
  } catch (error) {
    const problem = gzipProblem(error);
    if (problem)
      throw new InputError(`the gzip stream is truncated or corrupt after line ${lineNumber - 1} (${problem}); the file cannot be read to its end`, { file });
    throw error;
  }
  if (overlong) yield { file, firstLine: lineNumber, lines: [null] };
  else if (carried > 0) yield { file, firstLine: lineNumber, lines: [Buffer.concat(carry).toString("utf8")] };
}

/** How much of a file is read at once: one batch of lines each. */
const CHUNK_BYTES = 256 * 1024;

/**
 * A regular file's bytes, in chunks read synchronously, one per step of the iteration. A node:fs
 * read stream cost about 5 ms of CPU the first time a run opened one (Node loads and runs the stream
 * modules then), more than a small log takes to read (bench/startup.mjs, `usage`). Anything else
 * (a pipe, a device) is read as a stream, which never blocks the process while it waits.
 */
async function* fileChunks(path: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const descriptor = openSync(path, "r");
  try {
    if (!fstatSync(descriptor).isFile()) {
      yield* createReadStream(path, { fd: descriptor, autoClose: false, highWaterMark: CHUNK_BYTES, ...(signal ? { signal } : {}) });
      return;
    }
    for (;;) {
      signal?.throwIfAborted();
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(descriptor, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) return;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(descriptor);
  }
}

/** Every line of every file, in order; `-` is standard input. Read errors are `InputError`s naming the file. */
export async function* readLogLines(files: readonly string[], options: LogLineOptions): AsyncGenerator<LineBatch> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  for (const file of files) {
    let source: AsyncIterable<Buffer | string>;
    if (file === "-") {
      if (!options.stdin) throw new InputError("standard input is not available", { file: "-" });
      source = options.stdin as AsyncIterable<Buffer | string>;
    } else {
      source = fileChunks(resolve(options.cwd, file), options.signal);
    }
    try {
      yield* linesOf(file === "-" ? "-" : file, source, maxLineBytes, options.signal);
    } catch (error) {
      if (error instanceof InputError || (error as Error).name === "AbortError") throw error;
      throw new InputError(`cannot read the audit log: ${(error as Error).message}`, { file });
    }
  }
}
