import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// An error or a warning at 80 columns wraps at spaces (no name cut), continuation lines indented; piped without a
// width it keeps one line per message, for logs and grep.

async function errorsOf(argv: string[], env: Record<string, string>): Promise<string> {
  return (await runCli(argv, { env: { HOME: "/nonexistent", ...env }, cwd: process.cwd() })).stderr;
}

describe("errors and warnings at 80 columns", () => {
  it.each([
    ["no connection, a list of what was tried", ["whoami"]],
    ["a misspelt flag", ["audit", "--kubeconfg", "x"]],
    [
      "a warning (how kubectl reads pods/log)",
      ["can-i", "get", "pods/log", "-n", "team", "--as", "system:serviceaccount:team:bot", "-f", "fixtures/rbac/scenarios/team.yaml"],
    ],
    [
      "a warning (no binding names the --as user)",
      ["can-i", "get", "pods", "--as", "system:serviceaccount:team:bott", "-f", "fixtures/rbac/scenarios/team.yaml"],
    ],
  ])("%s: fit, with the same words as piped", async (_name, argv) => {
    const narrow = await errorsOf(argv, { COLUMNS: "80" });
    const piped = await errorsOf(argv, {});
    expect(piped.split("\n").some((line) => line.length > 80)).toBe(true);
    expect(narrow.split("\n").filter((line) => line.length > 80)).toEqual([]);
    expect(narrow.split(/\s+/)).toEqual(piped.split(/\s+/));
    // Continuation lines are indented, so each message still starts at the margin.
    expect(narrow.split("\n").filter((line) => /^\S/.test(line)).length).toBe(piped.split("\n").filter((line) => /^\S/.test(line)).length);
  });
});
