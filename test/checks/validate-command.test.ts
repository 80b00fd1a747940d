import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const validate = (...files: string[]) => runCli(["validate", ...files], { env: {}, cwd: process.cwd() });

describe("saprobe validate", () => {
  it("says how many checks a valid file has and exits 0", async () => {
    const { code, stdout } = await validate("checks/default.yaml", "fixtures/checks/good.yaml");
    expect(code).toBe(0);
    expect(stdout).toBe("checks/default.yaml: 10 checks, valid\nfixtures/checks/good.yaml: 4 checks, valid\n");
  });

  it("prints every problem of every file with file:line:column and exits 2", async () => {
    const { code, stdout, stderr } = await validate("fixtures/checks/bad.yaml", "fixtures/checks/good.yaml", "fixtures/checks/duplicate.yaml");
    expect(code).toBe(2);
    expect(stdout).toBe("fixtures/checks/good.yaml: 4 checks, valid\n");
    const lines = stderr.trimEnd().split("\n");
    expect(lines[0]).toBe('saprobe: fixtures/checks/bad.yaml:2:5: checks[0].resource: required field is missing (probe "list" needs it)');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe('fixtures/checks/duplicate.yaml:8:9: duplicate check id "same" (first defined on line 2)');
  });

  it("is a usage error without files", async () => {
    const { code, stderr } = await validate();
    expect(code).toBe(2);
    expect(stderr).toContain("validate needs at least one check file");
  });
});
