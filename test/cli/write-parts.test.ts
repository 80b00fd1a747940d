import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeParts } from "../../src/cli/write-parts.js";

const parts = ["{\n", '  "a": "é😀",\n'.repeat(3000), "x".repeat(300_000), "\n}\n"];

describe("writeParts", () => {
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
