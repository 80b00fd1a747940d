import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckFileError, DEFAULT_CHECKS_FILE, loadCheckFile, loadDefaultChecks, parseCheckFile } from "../../src/checks/load.js";
import { MAX_FILE_BYTES } from "../../src/input/limits.js";
import { InputError } from "../../src/model/errors.js";
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
      '2:5 checks[0].resource: required field is missing (probe "list" needs it)',
      expect.stringMatching(/^2:9 checks\[0\]\.id: "List-Nodes" must be lowercase/),
      '5:13 checks[0].expect: "maybe" is not one of: allowed, denied, any',
      '8:5 checks[1].path: required field is missing (probe "raw" needs it)',
      '14:5 checks[1].resource: is not used by probe "raw"',
      '21:5 checks[2].namespce: unknown field; did you mean "namespace"?',
    ]);
  });

  it("reports duplicate ids at the second one", async () => {
    const parsed = await parseCheckFile(readFileSync(fixture("duplicate.yaml"), "utf8"), "duplicate.yaml");
    expect(parsed.problems).toEqual([{ file: "duplicate.yaml", line: 8, column: 9, message: 'duplicate check id "same" (first defined on line 2)' }]);
  });

  it("reports YAML syntax errors with their position", async () => {
    const parsed = await parseCheckFile(readFileSync(fixture("syntax.yaml"), "utf8"), "syntax.yaml");
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("rejects a file that is not a mapping with a checks list", async () => {
    const parsed = await parseCheckFile("- id: x\n", "list.yaml");
    expect(parsed.problems[0]).toMatchObject({ line: 1, column: 1, message: 'the file must be a mapping, not [{"id":"x"}]' });
  });

  it("throws a CheckFileError whose message names file, line and column", async () => {
    const error = await loadCheckFile(fixture("bad.yaml")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckFileError);
    expect((error as Error).message.split("\n")[0]).toBe('fixtures/checks/bad.yaml:2:5: checks[0].resource: required field is missing (probe "list" needs it)');
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
    expect(suite.warnings).toEqual([
      expect.stringMatching(/^check "list-nodes" from fixtures\/checks\/override.yaml:2 replaces the one from .*default.yaml:\d+$/),
    ]);
  });

  it("leaves the defaults out with replace", async () => {
    const suite = await assembleSuite([fixture("override.yaml")], { replace: true });
    expect(suite.checks.map((check) => check.id)).toEqual(["list-nodes", "watch-configmaps"]);
  });

  it("collects the problems of every file before failing", async () => {
    const error = (await assembleSuite([fixture("bad.yaml"), fixture("duplicate.yaml")], { replace: false }).catch(
      (caught: unknown) => caught,
    )) as CheckFileError;
    expect(new Set(error.problems.map((problem) => problem.file))).toEqual(new Set([fixture("bad.yaml"), fixture("duplicate.yaml")]));
  });
});

describe("hostile check files", () => {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-checks-"));
  const write = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("an alias bomb is a problem at its first alias, not an exception", async () => {
    const bomb = [
      "checks: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 6 }, (_, index) => `${"bcdefg"[index]}: &${"bcdefg"[index]} [${Array(10).fill(`*${"abcdef"[index]}`).join(", ")}]`),
    ].join("\n");
    const parsed = await parseCheckFile(bomb, "bomb.yaml");
    expect(parsed.problems).toEqual([
      { file: "bomb.yaml", line: 2, column: 8, message: "YAML aliases expand to too much data (more than 100 alias uses; an alias bomb?)" },
    ]);
  });

  it("deep nesting is a located problem, not a stack overflow", async () => {
    const shallow = await parseCheckFile(`checks: ${"[".repeat(70)}${"]".repeat(70)}\n`, "deep.yaml");
    expect(shallow.problems).toEqual([{ file: "deep.yaml", line: 1, column: 73, message: "nested deeper than 64 levels" }]);
    const deep = await parseCheckFile(`checks: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`, "deeper.yaml");
    expect(deep.problems.map((problem) => problem.message)).toEqual(["nested deeper than 64 levels"]);
  });

  it("a file over the size limit is refused before it is parsed", async () => {
    const path = write("huge.yaml", `checks: [${"{},".repeat(MAX_FILE_BYTES.checkFile / 3)}]\n`);
    const started = Date.now();
    const error = await loadCheckFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("is 4.0 MiB, larger than the limit (4 MiB) for check files");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("invalid UTF-8 and binary files are refused with line, column and byte offset", async () => {
    const bad = write("bad.yaml", Buffer.concat([Buffer.from("checks:\n  - id: caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const error = (await loadCheckFile(bad).catch((caught: unknown) => caught)) as InputError;
    expect({ message: error.message, line: error.line, column: error.column }).toEqual({
      message: "is not valid UTF-8: bad byte sequence (e9 0a) at byte offset 19; save the file as UTF-8",
      line: 2,
      column: 12,
    });
    const binary = (await loadCheckFile("fixtures/hostile/any/binary.yaml").catch((caught: unknown) => caught)) as InputError;
    expect(binary.message).toMatch(/^is not text: it contains a NUL byte at byte offset 7/);
  });
});
