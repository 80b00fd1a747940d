import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { REPO, runCli, stackFrames } from "./cli.js";

// Every command that reads a user's file, fed the hostile corpus in fixtures/hostile/ (see its
// README): bad input must give exit 2, name the file (with line:column where the parser knows
// one), print no stack trace and finish within seconds; valid-but-unusual input must be accepted.

const HOSTILE = join(REPO, "fixtures", "hostile");
const BOUND_MS = 10_000;

/** One command that reads a kind of file. */
interface Reader {
  name: string;
  argv(file: string): string[];
  /** Exit codes that mean "accepted" (a command may also report findings with 1). */
  accepted: number[];
}

/** A bad input: the path (relative to fixtures/hostile) and whether a line:column is expected. */
interface BadCase {
  file: string;
  position: boolean;
}

// Over the 16 MiB limit; made per run in a temp dir rather than committed.
const HUGE = join(mkdtempSync(join(tmpdir(), "saprobe-huge-")), "huge.yaml");

// `run` reads check files and expected RBAC before it connects; a healthy fault server lets the
// valid-but-unusual inputs run to the end.
let server: FaultServer;
const connection = (): string[] => ["--server", server.url, "--certificate-authority", server.caFile, "--token", "hostile-input-token"];

afterAll(async () => {
  await server?.close();
});

beforeAll(async () => {
  server = await startFaultServer({});
  const role = readFileSync(join(HOSTILE, "unusual", "manifests", "crlf.yaml"), "utf8").replace(/\r\n/g, "\n");
  const copies = Math.ceil((17 * 1024 * 1024) / role.length);
  writeFileSync(HUGE, Array.from({ length: copies }, (_, index) => role.replace("name: reader", `name: reader-${index}`)).join("---\n"));
});

const checkFiles: Reader = { name: "validate", argv: (file) => ["validate", file], accepted: [0] };
const manifestsAudit: Reader = { name: "audit --manifests", argv: (file) => ["audit", "-o", "json", "--manifests", file], accepted: [0, 1] };
const manifestsCanI: Reader = { name: "can-i --manifests", argv: (file) => ["can-i", "get", "pods", "--manifests", file, "--as", "x"], accepted: [0, 1] };
const runChecks: Reader = { name: "run --checks", argv: (file) => ["run", "-o", "json", ...connection(), "--checks", file], accepted: [0, 1] };
const runExpect: Reader = { name: "run --expect", argv: (file) => ["run", "-o", "json", ...connection(), "--expect", file], accepted: [0, 1] };
const kubeconfigs: Reader = { name: "config view", argv: (file) => ["config", "view", "-o", "json", "--kubeconfig", file], accepted: [0] };

const generic: BadCase[] = [
  { file: "any/not-yaml.yaml", position: true },
  { file: "any/scalar.yaml", position: false },
  { file: "any/binary.yaml", position: false },
  { file: "any/tab-indented.yaml", position: true },
  { file: "any/duplicate-keys.yaml", position: true },
  { file: "any/helm-template.yaml", position: true },
  { file: "any/deeply-nested.yaml", position: false },
  { file: "any/deeply-nested.json", position: false },
  { file: "does-not-exist.yaml", position: false },
  { file: "any", position: false },
];

const manifestBad: BadCase[] = [
  ...generic,
  { file: "any/alias-bomb.yaml", position: true },
  { file: "manifests/wrong-types.yaml", position: true },
  { file: "manifests/missing-required.yaml", position: true },
  { file: HUGE, position: false },
];
const manifestUnusual = ["role.json", "list-kind.yaml", "crlf.yaml", "bom.yaml", "comment-only-documents.yaml", "non-rbac-kinds.yaml"].map((name) => `unusual/manifests/${name}`);

const checkBad: BadCase[] = [...generic, { file: "checks/wrong-types.yaml", position: true }, { file: "checks/missing-required.yaml", position: true }];
const checkUnusual = ["unusual/checks/checks.json", "unusual/checks/crlf.yaml", "unusual/checks/bom.yaml", "unusual/checks/comments.yaml"];

const matrix: { reader: Reader; bad: BadCase[]; unusual: string[] }[] = [
  { reader: runChecks, bad: checkBad, unusual: checkUnusual },
  { reader: runExpect, bad: manifestBad, unusual: manifestUnusual },
  { reader: manifestsAudit, bad: manifestBad, unusual: manifestUnusual },
  { reader: manifestsCanI, bad: manifestBad, unusual: manifestUnusual },
  { reader: checkFiles, bad: checkBad, unusual: checkUnusual },
  {
    reader: kubeconfigs,
    // Duplicate keys are left out on purpose: kubectl accepts them in a kubeconfig (the last wins) and so does saprobe.
    bad: [
      ...generic.filter((item) => item.file !== "any/duplicate-keys.yaml"),
      { file: "kubeconfig/wrong-types.yaml", position: false },
      { file: "kubeconfig/missing-required.yaml", position: false },
    ],
    unusual: ["unusual/kubeconfig/kubeconfig.json", "unusual/kubeconfig/crlf.yaml", "unusual/kubeconfig/bom.yaml", "unusual/kubeconfig/comments.yaml"],
  },
];

for (const { reader, bad, unusual } of matrix) {
  describe.concurrent(`saprobe ${reader.name} with hostile input`, () => {
    it.each(bad)("$file: exit 2, the file named, no stack trace, within seconds", async ({ file, position }) => {
      const path = file.startsWith("/") ? file : relative(REPO, join(HOSTILE, file));
      const result = await runCli(reader.argv(path));
      expect(result.timedOut).toBe(false);
      expect(result.durationMs).toBeLessThan(BOUND_MS);
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 2 });
      expect(result.stderr).toContain(path);
      if (position) expect(result.stderr).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`));
      expect(stackFrames(result.stderr)).toEqual([]);
      expect(result.stderr).not.toContain("internal error");
    });

    it.each(unusual)("%s: accepted", async (file) => {
      const result = await runCli(reader.argv(relative(REPO, join(HOSTILE, file))));
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: expect.toBeOneOf(reader.accepted) });
      expect(result.durationMs).toBeLessThan(BOUND_MS);
    });
  });
}
