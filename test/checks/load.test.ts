import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CheckFileError, DEFAULT_CHECKS_FILE, loadCheckFile, loadDefaultChecks, parseCheckFile } from "../../src/checks/load.js";
import { assembleSuite } from "../../src/checks/suite.js";

const fixture = (name: string) => `fixtures/checks/${name}`;

describe("the default suite", () => {
  it("has the report-contract ids in order", async () => {
    const checks = await loadDefaultChecks();
    expect(checks.map((check) => check.id)).toEqual([
      "tls-system-ca",
      "anonymous",
      "version",
      "whoami",
      "token",
      "list-nodes",
      "list-pods",
      "list-pods-all",
      "watch-nodes",
      "watch-pods",
    ]);
    expect(checks.find((check) => check.id === "list-pods-all")?.allNamespaces).toBe(true);
  });

  it("passes the JSON Schema, which loading it at run time trusts", async () => {
    const parsed = await parseCheckFile(readFileSync(DEFAULT_CHECKS_FILE, "utf8"), DEFAULT_CHECKS_FILE);
    expect(parsed.problems).toEqual([]);
    expect(parsed.checks).toEqual(await loadDefaultChecks());
  });

  it("is frozen, so a probe cannot change a definition", async () => {
    const [first] = await loadDefaultChecks();
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { title: string }).title = "changed";
    }).toThrow(TypeError);
  });
});

describe("parseCheckFile", () => {
  it("accepts every probe kind's parameters and records where each check starts", async () => {
    const checks = await loadCheckFile(fixture("good.yaml"));
    expect(checks.map((check) => [check.id, check.probe, check.origin.line])).toEqual([
      ["get-config", "get", 2],
      ["secrets-denied", "access-review", 10],
      ["raw-healthz", "raw", 24],
      ["app-logs", "logs", 31],
    ]);
    expect(checks[1]?.reviews).toHaveLength(3);
  });

  it("reports every schema problem at once, each with line and column", async () => {
    const parsed = await parseCheckFile(readFileSync(fixture("bad.yaml"), "utf8"), "bad.yaml");
    expect(parsed.checks).toEqual([]);
    const lines = parsed.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`);
    expect(lines).toEqual([
      "2:5 missing field \"resource\" (probe \"list\" needs it)",
      expect.stringMatching(/^2:9 id "List-Nodes" must be lowercase/),
      "5:13 expect \"maybe\" is not one of: allowed, denied, any",
      "8:5 missing field \"path\" (probe \"raw\" needs it)",
      "14:5 field \"resource\" is not used by probe \"raw\"",
      "21:5 unknown field \"namespce\"",
    ]);
  });

  it("reports duplicate ids at the second one", async () => {
    const parsed = await parseCheckFile(readFileSync(fixture("duplicate.yaml"), "utf8"), "duplicate.yaml");
    expect(parsed.problems).toEqual([
      { file: "duplicate.yaml", line: 8, column: 9, message: 'duplicate check id "same" (first defined on line 2)' },
    ]);
  });

  it("reports YAML syntax errors with their position", async () => {
    const parsed = await parseCheckFile(readFileSync(fixture("syntax.yaml"), "utf8"), "syntax.yaml");
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("rejects a file that is not a mapping with a checks list", async () => {
    const parsed = await parseCheckFile("- id: x\n", "list.yaml");
    expect(parsed.problems[0]).toMatchObject({ line: 1, column: 1, message: "the file must be a mapping, not [{\"id\":\"x\"}]" });
  });

  it("throws a CheckFileError whose message names file, line and column", async () => {
    const error = await loadCheckFile(fixture("bad.yaml")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckFileError);
    expect((error as Error).message.split("\n")[0]).toBe('fixtures/checks/bad.yaml:2:5: missing field "resource" (probe "list" needs it)');
  });

  it("names a missing file", async () => {
    await expect(loadCheckFile(fixture("absent.yaml"))).rejects.toThrow("cannot read check file: no such file");
    await expect(loadCheckFile("fixtures/checks")).rejects.toThrow("cannot read check file: it is a directory; give the check files themselves");
  });
});

describe("assembleSuite", () => {
  it("replaces a default check with the same id in place and appends new ones, with a warning", async () => {
    const suite = await assembleSuite([fixture("override.yaml")], { replace: false });
    const ids = suite.checks.map((check) => check.id);
    expect(ids.indexOf("list-nodes")).toBe(5);
    expect(ids.at(-1)).toBe("watch-configmaps");
    expect(suite.checks[5]?.expect).toBe("denied");
    expect(suite.warnings).toEqual([expect.stringMatching(/^check "list-nodes" from fixtures\/checks\/override.yaml:2 replaces the one from .*default.yaml:\d+$/)]);
  });

  it("leaves the defaults out with replace", async () => {
    const suite = await assembleSuite([fixture("override.yaml")], { replace: true });
    expect(suite.checks.map((check) => check.id)).toEqual(["list-nodes", "watch-configmaps"]);
  });

  it("collects the problems of every file before failing", async () => {
    const error = (await assembleSuite([fixture("bad.yaml"), fixture("duplicate.yaml")], { replace: false }).catch((caught: unknown) => caught)) as CheckFileError;
    expect(new Set(error.problems.map((problem) => problem.file))).toEqual(new Set([fixture("bad.yaml"), fixture("duplicate.yaml")]));
  });
});
