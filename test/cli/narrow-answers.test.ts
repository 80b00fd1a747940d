import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// who-can's answers wrap to the terminal (COLUMNS) and stay one line each when the width is unknown.

async function run(argv: string[], env: Record<string, string>): Promise<string> {
  return (await runCli(argv, { env: { HOME: "/nonexistent", ...env }, cwd: process.cwd() })).stdout;
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
  ])("wraps %s to the terminal, cutting no word", async (_name, argv) => {
    const narrow = await run(argv, { COLUMNS: "80" });
    const piped = await run(argv, {});
    expect(narrow.split("\n").filter((line) => line.length > 80)).toEqual([]);
    expect(narrow.split(/\s+/)).toEqual(piped.split(/\s+/));
  });
});
