import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Rules the tests themselves keep. The unit project stays in-process and fast (vitest.config.ts): a
// test that runs saprobe as a process is a *.cli.test.ts (whose project builds first) or a
// *.int.test.ts. saprobe runs through the one harness, test/support/cli.ts; golden files go through
// test/support/golden.ts, where a missing golden fails.

const root = join(import.meta.dirname, "..");

/** Every test file under test/, relative to the repository root. */
function testFiles(directory = join(root, "test")): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

const unit = (file: string): boolean => !file.endsWith(".cli.test.ts") && !file.endsWith(".int.test.ts");

/** Unit files that start a quick local tool to make or check a fixture, each in well under a second. */
const QUICK_TOOLS: Record<string, string> = {
  "test/audit/masters.test.ts": "openssl makes the client certificates and requests",
  "test/shipping/deploy.test.ts": "the real kubectl kustomize renders deploy/",
  "test/hardening/secrets-helpers.test.ts": "chmod, and the exec plugin the helper writes",
  "test/report/junit-consumer.test.ts": "Python's expat parses the XML",
};

describe("test projects", () => {
  const files = testFiles();

  it("runs the built CLI as a process only in cli and integration files", () => {
    const spawning = files.filter((file) => /\bspawnCli\b|\bBIN\b/.test(readFileSync(join(root, file), "utf8")));
    expect(spawning.length).toBeGreaterThan(0);
    expect(spawning.filter(unit), "rename these *.cli.test.ts (their project builds dist/ first)").toEqual([]);
  });

  it("starts no other process in a unit file but the quick tools listed here", () => {
    const starting = files.filter(unit).filter((file) => /from "node:child[_]process"/.test(readFileSync(join(root, file), "utf8")));
    const why =
      "a unit file that runs saprobe (or a script that does) or a slow program is a *.cli.test.ts; a quick tool that makes or checks a fixture goes in QUICK_TOOLS";
    expect(starting.sort(), why).toEqual(Object.keys(QUICK_TOOLS).sort());
  });

  it("runs saprobe's main through the one harness: no other test file imports src/cli/main.js", () => {
    const importers = [...files, "test/support/cli.ts"].filter((file) =>
      /from "(\.\.\/)+src\/cli\/main[.]js"|import\("(\.\.\/)+src\/cli\/main[.]js"\)/.test(readFileSync(join(root, file), "utf8")),
    );
    expect(importers, "run saprobe through test/support/cli.ts: runCli in-process, or its child-process runner").toEqual(["test/support/cli.ts"]);
  });

  it("compares every golden file through test/support/golden.ts, the one place that reads UPDATE_GOLDEN", () => {
    const readers = [...files, "test/support/golden.ts"].filter((file) => /process\.env\.UPDATE[_]GOLDEN/.test(readFileSync(join(root, file), "utf8")));
    expect(readers, "compare golden files with expectGolden from test/support/golden.ts").toEqual(["test/support/golden.ts"]);
  });
});
