import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../support/cli.js";

// A file the user named that is not there: exit 2 and one line that names it once (the CLI prints
// `<file>: <message>`, so a message that repeats the path says it twice).
const missing = join(mkdtempSync(join(tmpdir(), "saprobe-missing-")), "not-there.yaml");
const log = join(REPO, "fixtures/usage/audit.log");

const commands: Array<[string, string[]]> = [
  ["audit --manifests", ["audit", "--manifests", missing]],
  ["audit --config", ["audit", "--config", missing]],
  ["audit --allowlist", ["audit", "--allowlist", missing]],
  ["audit --rules", ["audit", "--rules", missing]],
  ["can-i --manifests", ["can-i", "get", "pods", "--as", "alice", "--manifests", missing]],
  ["who-can --manifests", ["who-can", "get", "pods", "--manifests", missing]],
  ["usage (an audit log)", ["usage", missing]],
  ["usage --manifests", ["usage", log, "--manifests", missing]],
  ["validate", ["validate", missing]],
  ["run --checks", ["run", "--server", "https://127.0.0.1:1", "--checks", missing]],
  ["run --expect", ["run", "--server", "https://127.0.0.1:1", "--expect", missing]],
];

describe("a missing input file", () => {
  it.each(commands)("%s: exits 2 and names the path once", async (_name, argv) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    const line = run.stderr.split("\n").find((text) => text.includes(missing));
    expect(line).toMatch(new RegExp(`^saprobe: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: .*no such file`));
    expect(line?.split(missing).length).toBe(2);
  });
});
