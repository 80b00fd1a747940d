import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { testCertificates, type TestCertificates } from "../support/certs.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { findLeaks, plantToken, readTree } from "../support/secrets.js";
import { spawnCli } from "../support/cli.js";
import { readReport } from "./report-check.js";

// Exec credential plugins are the user's code: saprobe never shows what they print (a failing
// plugin's stderr may hold a token), starts one once per process, and never lets one that hangs
// hold the process past the run's deadline.

let certificates: TestCertificates;
let server: FaultServer;

beforeAll(async () => {
  certificates = await testCertificates();
  server = await startFaultServer({});
});

afterAll(async () => {
  await server.close();
});

/** A kubeconfig whose user runs `script` (a node program) as its exec plugin; returns its path and directory. */
function withPlugin(script: string): { kubeconfig: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
  const plugin = join(dir, "plugin.mjs");
  writeFileSync(plugin, `#!${process.execPath}\n${script}\n`);
  chmodSync(plugin, 0o755);
  const kubeconfig = join(dir, "config.json");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      clusters: [{ name: "c", cluster: { server: server.url, "certificate-authority": certificates.ca.certFile } }],
      users: [{ name: "u", user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin, interactiveMode: "Never" } } }],
      contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
    }),
    { mode: 0o600 },
  );
  return { kubeconfig, dir };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.concurrent("exec credential plugins", () => {
  it.each([
    { name: "run -v -o json --out", args: ["run", "-v", "-o", "json"], out: true },
    { name: "can-i get pods", args: ["can-i", "get", "pods"] },
  ])("a failing plugin's stderr never reaches saprobe $name; it says the exit code and to run it by hand", async ({ args, out }) => {
    const secret = plantToken("exec plugin stderr");
    const { kubeconfig } = withPlugin(`process.stderr.write(${JSON.stringify(`error: token ${secret.value} expired\n`)});\nprocess.exit(1);`);
    const dir = out ? mkdtempSync(join(tmpdir(), "saprobe-exec-out-")) : undefined;
    const result = await spawnCli([...args, "--kubeconfig", kubeconfig, "--request-timeout", "10s", ...(dir ? ["--out", dir] : [])], { timeoutMs: 60_000 });
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(3);
    const outputs = { stdout: result.stdout, stderr: result.stderr, ...(dir ? readTree(dir) : {}) };
    expect(findLeaks(outputs, [secret])).toEqual([]);
    expect(Object.values(outputs).join("\n")).toMatch(/exec plugin "[^"]+plugin\.mjs" exited with code 1; run it by hand to see why/);
  });

  it("a plugin that never answers: started once, killed at the run's deadline, and the process exits by the deadline", async () => {
    const { kubeconfig, dir } = withPlugin(
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(join(mkdtempSync(join(tmpdir(), "saprobe-exec-pids-")), "pids"))}, process.pid + "\\n");\nsetTimeout(() => {}, 600_000);`,
    );
    const pidsFile = readFileSync(join(dir, "plugin.mjs"), "utf8").match(/appendFileSync\("([^"]+)"/)![1]!;
    const out = mkdtempSync(join(tmpdir(), "saprobe-exec-out-"));
    const result = await spawnCli(["run", "--kubeconfig", kubeconfig, "--request-timeout", "30s", "--deadline", "5s", "-o", "json", "--out", out], {
      timeoutMs: 60_000,
    });
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(3);
    // Start-up of Node on a loaded machine is the slack beyond the deadline, not saprobe.
    expect(result.durationMs).toBeLessThan(5_000 + 5_000);
    const { report, problems } = readReport(out);
    expect(problems).toEqual([]);
    expect(Date.parse(report!.finishedAt) - Date.parse(report!.startedAt)).toBeLessThan(6_000);
    expect((report as Report).errors.map((error) => error.message).join("\n")).toMatch(/deadline \(5s\) passed|had not answered/);
    const pids = existsSync(pidsFile) ? readFileSync(pidsFile, "utf8").trim().split("\n").map(Number) : [];
    expect(pids.length).toBe(1);
    expect(alive(pids[0]!)).toBe(false);
  });
});
