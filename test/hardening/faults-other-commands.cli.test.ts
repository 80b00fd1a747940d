import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCertificates } from "../support/certs.js";
import { refusedUrl, startFaultServer, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";
import { spawnCli, stackFrames } from "../support/cli.js";

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
    const result = await spawnCli([...args, "--server", url, "--certificate-authority", caFile, "--token", "fault-token-value", "--request-timeout", "2s"], {
      timeoutMs: 60_000,
      sampleMemory: true,
    });
    expect(result.timedOut).toBe(false);
    // Two sequential requests at most per step, plus Node's start-up on a loaded machine.
    expect(result.durationMs).toBeLessThan(20_000);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: expect.toBeOneOf([1, 3]) });
    expect(stackFrames(result.stderr)).toEqual([]);
    expect(result.stderr).not.toContain("internal error");
    expect(result.peakRssKb ?? 0).toBeLessThan(256 * 1024);
  });
});

describe.concurrent("what the other commands say", () => {
  it("can-i against a server answering 200 with a body that is not JSON says so (not 'refused')", async () => {
    const server = await startFaultServer({ behaviour: { kind: "invalid-json" } });
    servers.push(server);
    const result = await spawnCli(
      ["can-i", "get", "pods", "--server", server.url, "--certificate-authority", caFile, "--token", "fault-token-value", "--request-timeout", "2s"],
      { timeoutMs: 60_000 },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the server answered HTTP 200 but the body is not JSON \(application\/json; first bytes: /);
    expect(result.stderr).not.toMatch(/refused the review/);
  });

  it("token: a server that cannot be reached means it cannot tell whether the token is accepted: exit 3, and it says why", async () => {
    const url = await refusedUrl();
    const result = await spawnCli(["token", "--server", url, "--certificate-authority", caFile, "--token", "opaque-fault-token", "--request-timeout", "2s"], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /server accepts: unknown: could not ask who saprobe is: nothing is listening at https:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
    );
    const offline = await spawnCli(["token", "--server", url, "--certificate-authority", caFile, "--token", "opaque-fault-token", "--offline"], {
      timeoutMs: 60_000,
    });
    expect({ code: offline.code, stdout: offline.stdout }).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/server accepts: unknown: not asked \(--offline\)/),
    });
  });
});
