import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { precompiledRecord, readPrecompiled } from "../../src/input/precompiled.js";

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function workspace(): { source: string; records: URL } {
  const directory = mkdtempSync(join(tmpdir(), "saprobe-precompiled-"));
  made.push(directory);
  const source = join(directory, "suite.yaml");
  writeFileSync(source, "checks: []\n");
  writeFileSync(join(directory, "suite.json"), precompiledRecord([source], { checks: ["parsed"] }));
  return { source, records: pathToFileURL(`${directory}/`) };
}

describe("readPrecompiled", () => {
  it("answers with the saved value while the source holds the text it was derived from", () => {
    const { source, records } = workspace();
    expect(readPrecompiled("suite", [source], records)).toEqual({ checks: ["parsed"] });
  });

  it("answers nothing once the source changed, is gone, or the record is missing or broken", () => {
    const { source, records } = workspace();
    writeFileSync(source, "checks: [] # edited\n");
    expect(readPrecompiled("suite", [source], records)).toBeUndefined();
    rmSync(source);
    expect(readPrecompiled("suite", [source], records)).toBeUndefined();
    expect(readPrecompiled("absent", [], records)).toBeUndefined();
    writeFileSync(new URL("broken.json", records), "{");
    expect(readPrecompiled("broken", [], records)).toBeUndefined();
  });
});
