/**
 * A closed stdout (`saprobe audit | head -1`, a pager quit early) ends every command quietly with
 * SIGPIPE's conventional status, 141, instead of Node's `write EPIPE` stack trace.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/cli.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

const BIN = join(REPO, "bin", "saprobe.js");
let big = "";
let tokenFile = "";
// whoami needs a server that answers its SelfSubjectReview: the fake API (HTTPS, since a token is never sent over HTTP).
let server: FaultServer;

afterAll(() => server?.close());

beforeAll(async () => {
  server = await startFaultServer();
  const dir = mkdtempSync(join(tmpdir(), "saprobe-pipe-"));
  // Enough findings, subjects and rules that the output is far larger than a pipe's buffer.
  const documents = Array.from({ length: 1500 }, (_, index) =>
    [
      "apiVersion: rbac.authorization.k8s.io/v1",
      "kind: ClusterRoleBinding",
      `metadata: {name: admin-${index}}`,
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}",
      `subjects: [{kind: ServiceAccount, name: app-${index}, namespace: team-${index}}]`,
    ].join("\n"),
  );
  const role = [
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: ClusterRole",
    "metadata: {name: everything}",
    "rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]",
  ].join("\n");
  big = join(dir, "rbac.yaml");
  writeFileSync(big, [role, ...documents].join("\n---\n"));
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  tokenFile = join(dir, "token");
  writeFileSync(
    tokenFile,
    `${part({ alg: "RS256" })}.${part({ iss: "https://kubernetes.default.svc", sub: "system:serviceaccount:a:b", exp: 4102444800 })}.c2lnbmF0dXJl`,
  );
});

const hermetic = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent", NO_COLOR: "1" };

/** Runs the CLI with its stdout's reader already gone; returns the exit status and stderr. */
function withClosedStdout(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: hermetic, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stderr })));
}

/** Runs `saprobe ARGS | head -1` through a real shell; returns the pipeline's first line, saprobe's status and stderr. */
function throughHead(args: readonly string[]): Promise<{ first: string; status: string; stderr: string }> {
  const quoted = args.map((arg) => `'${arg}'`).join(" ");
  const script = `"$0" '${BIN}' ${quoted} 2>"$1" | head -1; echo "status=\${PIPESTATUS[0]}"; cat "$1" >&2`;
  const errors = join(mkdtempSync(join(tmpdir(), "saprobe-pipe-err-")), "stderr");
  const child = spawn("bash", ["-c", script, process.execPath, errors], { cwd: REPO, env: hermetic, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) =>
    child.on("close", () => {
      const [first = "", status = ""] = stdout.trimEnd().split("\n");
      resolve({ first, status, stderr });
    }),
  );
}

const everyCommand = (): Array<[string, string[]]> => [
  ["help", ["--help"]],
  ["version", ["--version"]],
  ["run", ["run", "-s", "https://127.0.0.1:1", "--request-timeout", "1s"]],
  ["audit", ["audit", "--manifests", big]],
  ["can-i", ["can-i", "list", "secrets", "--as", "system:serviceaccount:team-1:app-1", "--manifests", big]],
  ["can-i --list", ["can-i", "--list", "--as", "system:serviceaccount:team-1:app-1", "--manifests", big]],
  ["who-can", ["who-can", "list", "secrets", "--manifests", big]],
  ["token", ["token", "--token-file", tokenFile, "--offline"]],
  ["validate", ["validate", "checks/default.yaml"]],
  ["config view", ["config", "view", "-s", "http://127.0.0.1:8001", "-o", "json"]],
  ["whoami", ["whoami", "-s", server.url, "--certificate-authority", server.caFile, "--token-file", tokenFile]],
];

describe("a closed stdout", () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    "ends command %# quietly with status 141",
    async (index) => {
      const [name, args] = everyCommand()[index] as [string, string[]];
      const { status, stderr } = await withClosedStdout(args);
      expect({ name, stderr }).toEqual({ name, stderr: "" });
      expect(status).toBe(141);
    },
    30_000,
  );

  it.each(["audit", "who-can", "can-i --list", "whoami"])(
    "%s | head -1 prints one line and nothing on stderr",
    async (name) => {
      const args = everyCommand().find(([candidate]) => candidate === name)?.[1] ?? [];
      const { first, status, stderr } = await throughHead(args);
      expect(stderr).toBe("");
      expect(first.length).toBeGreaterThan(0);
      // A short answer may fit in the pipe before head exits (status 0); a long one meets the closed pipe.
      expect(status).toMatch(name === "can-i --list" || name === "whoami" ? /^status=(0|141)$/ : /^status=141$/);
    },
    30_000,
  );
});
