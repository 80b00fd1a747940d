import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCertificates } from "../support/certs.js";
import { refusedUrl, startFaultServer, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";
import { runCli, stackFrames } from "./cli.js";

// The live commands besides `run` (audit, can-i, who-can) against the same server faults: each must
// end by itself within its request timeout's reach, exit 1 or 3, and print no stack trace.

const COMMANDS = [
  ["audit", "-o", "json"],
  ["can-i", "get", "pods"],
  ["can-i", "--list"],
  ["who-can", "get", "pods"],
];

const FAULTS: { name: string; options?: FaultServerOptions; refused?: true }[] = [
  { name: "connection refused", refused: true },
  { name: "unknown CA", options: { certificate: "unknown-ca" } },
  { name: "no answer", options: { behaviour: { kind: "hang" } } },
  { name: "endless body", options: { behaviour: { kind: "endless-body" } } },
  { name: "body cut mid-stream", options: { behaviour: { kind: "truncated-body" } } },
  { name: "invalid JSON", options: { behaviour: { kind: "invalid-json" } } },
  { name: "500 with a Status", options: { behaviour: { kind: "status", code: 500 } } },
];

const servers: FaultServer[] = [];
let caFile = "";

beforeAll(async () => {
  caFile = (await testCertificates()).ca.certFile;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe.concurrent.each(FAULTS)("against $name", (fault) => {
  it.each(COMMANDS.map((args) => ({ args, name: args.join(" ") })))("saprobe $name ends in time, exits 1 or 3, no stack trace", async ({ args }) => {
    let url: string;
    if (fault.refused) url = await refusedUrl();
    else {
      const server = await startFaultServer(fault.options ?? {});
      servers.push(server);
      url = server.url;
    }
    const result = await runCli([...args, "--server", url, "--certificate-authority", caFile, "--token", "fault-token-value", "--request-timeout", "2s"], { timeoutMs: 60_000, sampleMemory: true });
    expect(result.timedOut).toBe(false);
    // Two sequential requests at most per step, plus Node's start-up on a loaded machine.
    expect(result.durationMs).toBeLessThan(20_000);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: expect.toBeOneOf([1, 3]) });
    expect(stackFrames(result.stderr)).toEqual([]);
    expect(result.stderr).not.toContain("internal error");
    expect(result.peakRssKb ?? 0).toBeLessThan(256 * 1024);
  });
});
