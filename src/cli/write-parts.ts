import type { Writable } from "node:stream";

/*
 * A big report (84 MB of JSON on bench/audit.mjs) reaches stdout in thousands of parts. Written as
 * strings, each part gets its own UTF-8 Buffer, freed only by a later garbage collection: about
 * 30,000 page faults of fresh memory on that bench. Encoded into one buffer reused from part to
 * part, the same bytes cost none of that.
 */

/** Smallest buffer kept for reuse; a larger part gets one of its own size. */
const INITIAL_BYTES = 256 * 1024;

/**
 * Writes `parts` to `stream` in order, as `stream.write(part)` for each would. The encoding buffer is
 * reused only for process.stdout and only while it has taken every byte at once (`writableLength`
 * 0: a file, or a pipe that was not full); a stream that may keep a chunk it was given (queued on a
 * full pipe, or any other Writable) gets a new buffer the next time.
 */
export function writeParts(stream: Writable, parts: Iterable<string>): void {
  const reusable = stream === process.stdout;
  let buffer: Buffer | undefined;
  for (const part of parts) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = part.length * 3;
    if (!reusable) {
      stream.write(part);
      continue;
    }
    if (buffer === undefined || buffer.length < most) buffer = Buffer.allocUnsafe(Math.max(most, INITIAL_BYTES));
    const length = buffer.write(part, 0, "utf8");
    stream.write(buffer.subarray(0, length));
    if (stream.writableLength !== 0) buffer = undefined;
  }
}
