import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeParts } from "../../src/cli/write-parts.js";

const parts = ["{\n", '  "a": "é😀",\n'.repeat(3000), "x".repeat(300_000), "\n}\n"];

/**
 * Runs `writeParts(process.stdout, parts)` with stdout's write replaced by one that collects what it is
 * given (each chunk as it is at the end, so a buffer reused after it was kept shows), and with
 * `writableLength` as a file (0) or a full pipe (1) reports it.
 */
function throughStdout(kept: boolean): { text: string; writes: number } {
  const chunks: Buffer[] = [];
  const stdout = process.stdout as unknown as { write: unknown };
  const original = stdout.write;
  // A file takes the bytes at once (a copy stands for that); a full pipe keeps the chunk itself.
  stdout.write = (chunk: Buffer) => {
    chunks.push(kept ? chunk : Buffer.from(chunk));
    return true;
  };
  Object.defineProperty(process.stdout, "writableLength", { configurable: true, get: () => (kept ? 1 : 0) });
  try {
    writeParts(process.stdout, lineParts);
  } finally {
    stdout.write = original;
    delete (process.stdout as unknown as { writableLength?: number }).writableLength;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), writes: chunks.length };
}

/** Thousands of small parts (as a big report's findings are), then one larger than the buffer. */
const lineParts = ["{\n", ...Array.from({ length: 6000 }, (_, index) => `  "a${index}": "é😀",\n`), "x".repeat(300_000), "\n}\n"];

describe("writeParts", () => {
  it("encodes stdout's parts into a few writes of the same bytes", () => {
    const { text, writes } = throughStdout(false);
    expect(text).toBe(lineParts.join(""));
    // The 6,000 small lines (~130 KB) go in a few writes of 64 KB or more, then the x's and the end.
    expect(writes).toBeLessThanOrEqual(5);
  });

  it("gives stdout a new buffer after a write it kept (a full pipe), so no byte written is overwritten", () => {
    expect(throughStdout(true).text).toBe(lineParts.join(""));
  });

  it("gives a stream that keeps its chunks every part as written", () => {
    const chunks: unknown[] = [];
    const keeper = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    writeParts(keeper, parts);
    expect(chunks.map((chunk) => (Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk))).join("")).toBe(parts.join(""));
  });
});
