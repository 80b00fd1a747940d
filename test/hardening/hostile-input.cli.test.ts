import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { REPO, spawnCli, stackFrames } from "../support/cli.js";

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

/** A bad input: the path (relative to fixtures/hostile), whether a line:column is expected, and what stderr must say. */
interface BadCase {
  file: string;
  position: boolean;
  says?: RegExp;
}

// Over the 16 MiB limit of manifests and kubeconfigs (and the 4 MiB of check files); made per run in a temp dir rather than committed.
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
const auditFile = (flag: string): Reader => ({
  name: `audit ${flag}`,
  argv: (file) => ["audit", "-o", "json", "--manifests", relative(REPO, join(HOSTILE, "unusual", "manifests", "crlf.yaml")), flag, file],
  accepted: [0, 1],
});
const kubeconfigs: Reader = { name: "config view", argv: (file) => ["config", "view", "-o", "json", "--kubeconfig", file], accepted: [0] };

const generic: BadCase[] = [
  { file: "any/not-yaml.yaml", position: true },
  { file: "any/scalar.yaml", position: false },
  { file: "any/binary.yaml", position: true, says: /is not text: it contains a NUL byte at byte offset 7 \(a binary file\?\)/ },
  { file: "any/utf16-no-bom.yaml", position: true, says: /NUL byte .*UTF-16 without a byte order mark/ },
  { file: "any/utf32-bom.yaml", position: true, says: /is UTF-32 text/ },
  { file: "any/control-character.yaml", position: true, says: /:5:9: .*contains the control character U\+001B/ },
  { file: "any/tab-indented.yaml", position: true },
  { file: "any/duplicate-keys.yaml", position: true },
  { file: "any/helm-template.yaml", position: true },
  { file: "any/alias-bomb.yaml", position: true },
  { file: "any/deeply-nested.yaml", position: false, says: /nest(ed|ing) (deeper than 64 levels|too deep)/ },
  { file: "any/deeply-nested.json", position: false, says: /nest(ed|ing) (deeper than 64 levels|too deep)/ },
  { file: "does-not-exist.yaml", position: false },
  { file: "any", position: false },
  { file: HUGE, position: false, says: /larger than the/ },
];

const invalidUtf8 = (kind: string): BadCase => ({
  file: `${kind}/invalid-utf8.yaml`,
  position: true,
  says: /is not valid UTF-8: bad byte sequence \([0-9a-f ]+\) at byte offset \d+/,
});

const manifestBad: BadCase[] = [
  ...generic,
  invalidUtf8("manifests"),
  { file: "manifests/wrong-types.yaml", position: true },
  { file: "manifests/missing-required.yaml", position: true },
];
const manifestUnusual = ["role.json", "list-kind.yaml", "crlf.yaml", "bom.yaml", "utf16-bom.yaml", "comment-only-documents.yaml", "non-rbac-kinds.yaml"].map(
  (name) => `unusual/manifests/${name}`,
);

const checkBad: BadCase[] = [
  ...generic,
  invalidUtf8("checks"),
  { file: "checks/wrong-types.yaml", position: true },
  { file: "checks/missing-required.yaml", position: true },
];
const checkUnusual = [
  "unusual/checks/checks.json",
  "unusual/checks/crlf.yaml",
  "unusual/checks/bom.yaml",
  "unusual/checks/utf16-bom.yaml",
  "unusual/checks/comments.yaml",
];

// Audit rule files, allowlists and configurations share one reader (src/input/validated-yaml.ts).
const auditBad: BadCase[] = [...generic, invalidUtf8("checks")];
const auditUnusual = (kind: string): string[] =>
  ["json", "crlf.yaml", "bom.yaml", "utf16-bom.yaml"].map((form) => `unusual/audit/${kind}${form === "json" ? ".json" : `-${form}`}`);

const kubeconfigScan = auditFile("--kubeconfig-scan");

const matrix: { reader: Reader; bad: BadCase[]; unusual: string[] }[] = [
  {
    reader: kubeconfigScan,
    // The scan reads users[].user nodes without expanding aliases, so an alias bomb costs it nothing; it
    // takes duplicate keys like kubectl.
    bad: [...generic.filter((item) => !["any/alias-bomb.yaml", "any/duplicate-keys.yaml"].includes(item.file)), invalidUtf8("kubeconfig")],
    unusual: ["kubeconfig.json", "crlf.yaml", "bom.yaml", "utf16-bom.yaml", "comments.yaml", "duplicate-keys.yaml"].map((name) => `unusual/kubeconfig/${name}`),
  },
  { reader: auditFile("--config"), bad: auditBad, unusual: auditUnusual("config") },
  { reader: auditFile("--allowlist"), bad: auditBad, unusual: auditUnusual("allowlist") },
  { reader: auditFile("--rules"), bad: auditBad, unusual: auditUnusual("rules") },
  { reader: runChecks, bad: checkBad, unusual: checkUnusual },
  { reader: runExpect, bad: manifestBad, unusual: manifestUnusual },
  { reader: manifestsAudit, bad: manifestBad, unusual: manifestUnusual },
  { reader: manifestsCanI, bad: manifestBad, unusual: manifestUnusual },
  { reader: checkFiles, bad: checkBad, unusual: checkUnusual },
  {
    reader: kubeconfigs,
    // Duplicate keys are left out on purpose: kubectl accepts them in a kubeconfig (the last wins) and so
    // does saprobe, with a warning (tested below).
    bad: [
      ...generic.filter((item) => item.file !== "any/duplicate-keys.yaml"),
      invalidUtf8("kubeconfig"),
      { file: "kubeconfig/wrong-types.yaml", position: false },
      { file: "kubeconfig/missing-required.yaml", position: false },
    ],
    unusual: [
      "unusual/kubeconfig/kubeconfig.json",
      "unusual/kubeconfig/crlf.yaml",
      "unusual/kubeconfig/bom.yaml",
      "unusual/kubeconfig/utf16-bom.yaml",
      "unusual/kubeconfig/comments.yaml",
      "unusual/kubeconfig/duplicate-keys.yaml",
    ],
  },
];

for (const { reader, bad, unusual } of matrix) {
  describe.concurrent(`saprobe ${reader.name} with hostile input`, () => {
    it.each(bad)("$file: exit 2, the file named, no stack trace, within seconds", async ({ file, position, says }) => {
      const path = file.startsWith("/") ? file : relative(REPO, join(HOSTILE, file));
      const result = await spawnCli(reader.argv(path));
      expect(result.timedOut).toBe(false);
      expect(result.durationMs).toBeLessThan(BOUND_MS);
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 2 });
      expect(result.stderr).toContain(path);
      if (position) expect(result.stderr).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`));
      if (says) expect(result.stderr).toMatch(says);
      expect(stackFrames(result.stderr)).toEqual([]);
      expect(result.stderr).not.toContain("internal error");
      // A plain description, never the file's raw bytes: no control characters (terminal escapes) reach the terminal.
      expect(result.stderr).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/);
    });

    it.each(unusual)("%s: accepted", async (file) => {
      const result = await spawnCli(reader.argv(relative(REPO, join(HOSTILE, file))));
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: expect.toBeOneOf(reader.accepted) });
      expect(result.durationMs).toBeLessThan(BOUND_MS);
    });
  });
}

describe("saprobe config view with a kubeconfig that gives a key twice", () => {
  it("uses the last value, as the real kubectl does, and warns naming file:line:column", async () => {
    const file = join(HOSTILE, "unusual", "kubeconfig", "duplicate-keys.yaml");
    const kubectlServer = execFileSync("kubectl", ["config", "view", "--kubeconfig", file, "-o", "jsonpath={.clusters[0].cluster.server}"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      encoding: "utf8",
    });
    const result = await spawnCli(["config", "view", "-o", "json", "--kubeconfig", file]);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    const view = JSON.parse(result.stdout) as { server: string; explain: string[] };
    expect(kubectlServer).toBe("https://127.0.0.2:6443");
    expect(view.server).toBe(kubectlServer);
    expect(view.explain).toContain(`warning: ${file}:8:7: duplicate key "server": the last value is used, as kubectl does`);
  });
});

describe("an endless input (a FIFO fed by `yes`)", () => {
  const readers: { name: string; argv(file: string): string[]; says: RegExp }[] = [
    { name: "config view --kubeconfig", argv: (file) => ["config", "view", "--kubeconfig", file], says: /is larger than the limit \(16 MiB\) for kubeconfigs/ },
    { name: "validate", argv: (file) => ["validate", file], says: /is larger than the limit \(4 MiB\) for check files/ },
    { name: "audit --manifests", argv: (file) => ["audit", "--manifests", file], says: /larger than the limit of 16 MiB/ },
  ];
  it.each(readers)("$name stops at the size limit: exit 2, the file named, bounded memory", async ({ argv, says }) => {
    const fifo = join(mkdtempSync(join(tmpdir(), "saprobe-fifo-")), "endless.yaml");
    execFileSync("mkfifo", [fifo]);
    // `yes` blocks until saprobe opens the FIFO, then writes until saprobe closes it (SIGPIPE).
    const writer = spawn("sh", ["-c", 'exec yes "# endless" > "$0"', fifo], { stdio: "ignore" });
    try {
      const result = await spawnCli(argv(fifo), { sampleMemory: true });
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 2 });
      expect(result.stderr).toContain(fifo);
      expect(result.stderr).toMatch(says);
      expect(result.durationMs).toBeLessThan(BOUND_MS);
      expect(result.peakRssKb ?? 0).toBeLessThan(256 * 1024);
    } finally {
      writer.kill();
    }
  });
});
