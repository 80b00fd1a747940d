import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startFaultServer } from "../support/fault-server.js";

// who-can's answers wrap to the terminal (COLUMNS) and stay one line each when the width is unknown.

async function run(argv: string[], env: Record<string, string>, stdin = ""): Promise<string> {
  return (await runCli(argv, { env: { HOME: "/nonexistent", ...env }, cwd: process.cwd(), stdin })).stdout;
}

const WHO_CAN = ["who-can", "list", "pods", "-n", "team", "-f", "fixtures/rbac/scenarios/team.yaml"];

describe("who-can at 80 columns", () => {
  it("wraps each subject under its first line, cutting no word", async () => {
    const narrow = await run(WHO_CAN, { COLUMNS: "80" });
    const piped = await run(WHO_CAN, {});
    expect(narrow.split("\n").filter((line) => line.length > 80)).toEqual([]);
    expect(narrow.split(/\s+/)).toEqual(piped.split(/\s+/));
    expect(piped.split("\n").some((line) => line.length > 80)).toBe(true);
  });
});

describe("can-i at 80 columns", () => {
  const bot = ["--as", "system:serviceaccount:team:bot", "-f", "fixtures/rbac/scenarios/team.yaml"];
  it.each([
    ["a yes", ["can-i", "get", "pods", "-n", "team", ...bot]],
    ["a no with near misses", ["can-i", "list", "secrets", "-n", "team", ...bot]],
    ["--list, its heading too", ["can-i", "--list", "-n", "team", ...bot]],
    ["--batch's answers", ["can-i", "--batch", "-", "-f", "fixtures/rbac/scenarios/team.yaml"]],
  ])("wraps %s to the terminal, cutting no word", async (_name, argv) => {
    const questions =
      '{"user":"system:serviceaccount:team:bot","verb":"get","resource":"pods","namespace":"team"}\n{"user":"system:serviceaccount:team:bot","verb":"list","resource":"secrets","namespace":"team"}\n';
    const narrow = await run(argv, { COLUMNS: "80" }, questions);
    const piped = await run(argv, {}, questions);
    expect(narrow.split("\n").filter((line) => line.length > 80)).toEqual([]);
    expect(narrow.split(/\s+/)).toEqual(piped.split(/\s+/));
  });
});

describe("whoami at 80 columns", () => {
  it("wraps a long value (where the credentials came from) under its column, cutting no word", async () => {
    const server = await startFaultServer();
    try {
      // A token file deep enough that the From row cannot fit 80 columns on one line.
      const dir = join(mkdtempSync(join(tmpdir(), "saprobe-whoami-")), "a-rather-long-directory-name", "for-the-ci-runner-credentials");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "token"), "opaque-test-token");
      const argv = ["whoami", "-s", server.url, "--certificate-authority", server.caFile, "--token-file", join(dir, "token")];
      const narrow = await run(argv, { COLUMNS: "80" });
      const piped = await run(argv, {});
      expect(piped.split("\n").some((line) => line.length > 80)).toBe(true);
      expect(narrow.split("\n").filter((line) => line.length > 80)).toEqual([]);
      expect(narrow.split(/\s+/)).toEqual(piped.split(/\s+/));
      // A continuation line sits under the VALUE column.
      const column = narrow.indexOf("VALUE");
      for (const line of narrow.split("\n").filter((text) => text.startsWith(" "))) expect(line.search(/\S/)).toBe(column);
    } finally {
      await server.close();
    }
  });
});
