import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testCluster } from "../support/cluster.js";
import { spawnCli } from "../support/cli.js";
import { readReport } from "./report-check.js";
import { startTcpProxy } from "./tcp-proxy.js";

// The real kube-apiserver "stopped mid-run": saprobe talks to it through a TCP proxy that is
// killed part-way through the run (the shared control plane itself must stay up for other tests).
// saprobe must end before its deadline, exit 1 or 3, keep what it had already gathered, and say
// in plain words what happened to the probes that were cut off.

const DEADLINE_MS = 10_000;

async function runThrough(port: number) {
  const cluster = testCluster();
  const out = mkdtempSync(join(tmpdir(), "saprobe-stopped-"));
  const cli = await spawnCli(
    [
      "run",
      "--server",
      `https://127.0.0.1:${port}`,
      "--certificate-authority",
      cluster.caFile,
      "--token",
      cluster.adminToken,
      "--request-timeout",
      "5s",
      "--deadline",
      `${DEADLINE_MS}ms`,
      "--out",
      out,
      "-o",
      "json",
    ],
    { timeoutMs: DEADLINE_MS * 3 },
  );
  return { cli, ...readReport(out) };
}

describe("the API server stops in the middle of saprobe run", () => {
  it("ends in time with a complete report: finished probes kept, cut-off probes explained", async () => {
    const cluster = testCluster();
    const control = await startTcpProxy(cluster.host, cluster.port);
    const healthy = await runThrough(control.port);
    await control.stop();
    expect(healthy.problems).toEqual([]);
    const ids = healthy.report!.results.map((result) => result.id).sort();
    const total = control.serverBytes();
    expect(total).toBeGreaterThan(10_000);

    const proxy = await startTcpProxy(cluster.host, cluster.port, { stopAfterServerBytes: Math.floor(total / 3) });
    const { cli, report, problems } = await runThrough(proxy.port);
    await proxy.stop();
    expect(proxy.stopped()).toBe(true);
    expect(cli.timedOut).toBe(false);
    expect(cli.durationMs).toBeLessThan(DEADLINE_MS + 10_000);
    expect({ code: cli.code, stderr: cli.stderr }).toMatchObject({ code: expect.toBeOneOf([1, 3]) });
    expect(problems).toEqual([]);
    expect(report!.results.map((result) => result.id).sort()).toEqual(ids);
    const cutOff = report!.results.filter((result) => result.status === "error");
    expect(cutOff.length).toBeGreaterThan(0);
    for (const result of cutOff) {
      expect(result.message).toMatch(/nothing is listening|closed before the response was complete|connection .*(reset|closed)|did not answer|deadline/);
    }
    const gathered = report!.results.filter((result) => result.status === "pass" && result.probe !== "tls");
    expect(gathered.length).toBeGreaterThan(0);
  });
});
