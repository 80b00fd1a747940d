import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTextFile } from "../../src/input/read-text-file.js";
import { InputError } from "../../src/model/errors.js";

const dir = mkdtempSync(join(tmpdir(), "saprobe-read-text-"));
const at = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const MiB = 1024 * 1024;

function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("no error");
}

describe("readTextFile", () => {
  it("reads a file up to the limit exactly", () => {
    const path = at("exact.yaml", `# ${"x".repeat(MiB - 3)}\n`);
    expect(readTextFile(path, { what: "check file", maxBytes: MiB })).toHaveLength(MiB);
  });

  it("refuses a file one byte over the limit from its size, naming the file and both sizes", () => {
    const path = at("big.yaml", "x".repeat(1.5 * MiB));
    const error = failure(() => readTextFile(path, { what: "check file", maxBytes: MiB, shown: "big.yaml" }));
    expect(error.message).toBe("is 1.5 MiB, larger than the limit (1 MiB) for check files");
    expect(error.file).toBe("big.yaml");
    expect(
      failure(() => readTextFile(at("one-over.yaml", "x".repeat(11)), { what: "manifest", maxBytes: 10, tooLarge: (_, max) => `over ${max}` })).message,
    ).toBe("over 10");
  });

  it("says what is wrong with a missing file or a directory", () => {
    expect(failure(() => readTextFile(join(dir, "absent.yaml"), { what: "kubeconfig", maxBytes: MiB })).message).toBe("cannot read kubeconfig: no such file");
    const folder = join(dir, "folder");
    mkdirSync(folder);
    const error = failure(() => readTextFile(folder, { what: "check file", maxBytes: MiB, directoryHint: "give the check files themselves" }));
    expect(error.message).toBe("cannot read check file: it is a directory; give the check files themselves");
    expect(error.file).toBe(folder);
  });

  it("decodes strictly: bad UTF-8 is located under the name shown", () => {
    const path = at("bad.yaml", Buffer.concat([Buffer.from("a: b\nc: "), Buffer.from([0xff]), Buffer.from("\n")]));
    const error = failure(() => readTextFile(path, { what: "manifest", maxBytes: MiB, shown: "shown.yaml" }));
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file: "shown.yaml", line: 2, column: 4 });
    expect(error.message).toMatch(/at byte offset 8;/);
  });
});
