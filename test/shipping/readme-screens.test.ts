import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// README.md shows the first screen of `saprobe audit` as an 80-column terminal shows it; this keeps it true.

async function screen(argv: string[]): Promise<string> {
  return (await runCli(argv, { env: { COLUMNS: "80", HOME: "/nonexistent" }, cwd: process.cwd() })).stdout;
}

describe("README.md", () => {
  it("shows the first screen of saprobe audit at 80 columns as it is today", async () => {
    const output = await screen(["audit", "-f", "fixtures/audit/scenarios/ci-runner/manifests"]);
    const firstScreen = output.split("\n").slice(0, 16).join("\n");
    expect(readFileSync("README.md", "utf8")).toContain(firstScreen);
    expect(output.split("\n").filter((line) => line.length > 80)).toEqual([]);
  });
});
