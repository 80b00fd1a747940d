import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { Readable, Writable } from "node:stream";

// README.md shows the first screen of `saprobe audit` as an 80-column terminal shows it; this keeps it true.

async function screen(argv: string[]): Promise<string> {
  let stdout = "";
  const sink = new Writable({ write: (chunk, _encoding, done) => ((stdout += String(chunk)), done()) });
  const io = { stdout: sink, stderr: new Writable({ write: (_c, _e, done) => done() }), stdin: Readable.from([]), env: { COLUMNS: "80", HOME: "/nonexistent" }, cwd: process.cwd() };
  await main(argv, io);
  return stdout;
}

describe("README.md", () => {
  it("shows the first screen of saprobe audit at 80 columns as it is today", async () => {
    const output = await screen(["audit", "-f", "fixtures/audit/scenarios/ci-runner/manifests"]);
    const firstScreen = output.split("\n").slice(0, 16).join("\n");
    expect(readFileSync("README.md", "utf8")).toContain(firstScreen);
    expect(output.split("\n").filter((line) => line.length > 80)).toEqual([]);
  });
});
