import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/command.js";
import { validateCommand } from "../../src/cli/commands/validate.js";
import { main } from "../../src/cli/main.js";

function captureIo(): { io: CommandIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd() }, out: () => out, err: () => err };
}

describe("saprobe validate", () => {
  it("says how many checks a valid file has and exits 0", async () => {
    const { io, out } = captureIo();
    expect(await main(["validate", "checks/default.yaml", "fixtures/checks/good.yaml"], io, [validateCommand])).toBe(0);
    expect(out()).toBe("checks/default.yaml: 10 checks, valid\nfixtures/checks/good.yaml: 4 checks, valid\n");
  });

  it("prints every problem of every file with file:line:column and exits 2", async () => {
    const { io, out, err } = captureIo();
    expect(await main(["validate", "fixtures/checks/bad.yaml", "fixtures/checks/good.yaml", "fixtures/checks/duplicate.yaml"], io, [validateCommand])).toBe(2);
    expect(out()).toBe("fixtures/checks/good.yaml: 4 checks, valid\n");
    const lines = err().trimEnd().split("\n");
    expect(lines[0]).toBe('saprobe: fixtures/checks/bad.yaml:2:5: missing field "resource" (probe "list" needs it)');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe('fixtures/checks/duplicate.yaml:8:9: duplicate check id "same" (first defined on line 2)');
  });

  it("is a usage error without files", async () => {
    const { io, err } = captureIo();
    expect(await main(["validate"], io, [validateCommand])).toBe(2);
    expect(err()).toContain("validate needs at least one check file");
  });
});
