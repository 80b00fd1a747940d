import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";

const run = (...argv: string[]) => runCli(["run", ...argv], { env: {}, cwd: process.cwd() });

describe("saprobe run without a server to talk to", () => {
  it("a bad check file is exit 2 with file:line:column, before any request", async () => {
    const { code, stderr, stdout } = await run("--server", "https://127.0.0.1:1", "--token", "x", "--checks", "fixtures/checks/bad.yaml");
    expect(code).toBe(2);
    expect(stderr).toContain('fixtures/checks/bad.yaml:2:5: checks[0].resource: required field is missing (probe "list" needs it)');
    expect(stdout).toBe("");
  });

  it("--replace-checks without --checks is a usage error", async () => {
    const { code, stderr } = await run("--server", "https://127.0.0.1:1", "--replace-checks");
    expect(code).toBe(2);
    expect(stderr).toContain("--replace-checks needs at least one --checks FILE");
  });

  it("an --expect path that does not exist is exit 2 naming it", async () => {
    const { code, stderr } = await run("--server", "https://127.0.0.1:1", "--expect", "no/such/dir");
    expect(code).toBe(2);
    expect(stderr).toContain("no/such/dir");
  });

  it("a refused connection is exit 3, and the report is still written with every probe an error", async () => {
    const out = mkdtempSync(join(tmpdir(), "saprobe-run-"));
    const { code, stdout } = await run("--server", "https://127.0.0.1:1", "--token", "not-a-real-token", "--out", out, "-o", "json", "--request-timeout", "2s");
    expect(code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    expect(JSON.parse(stdout)).toEqual(report);
    expect(report.errors).toEqual([
      {
        code: "connection-refused",
        message: "nothing is listening at https://127.0.0.1:1 (connection refused)",
        fix: expect.stringContaining("Check the server URL (https://127.0.0.1:1"),
      },
    ]);
    expect(report.results.map((result) => result.status)).toEqual(Array(10).fill("error"));
    expect(stdout).not.toContain("not-a-real-token");
  });
});
