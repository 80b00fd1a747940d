import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { testCertificates } from "../support/certs.js";
import { startFaultServer, type Behaviour, type FaultServer } from "../support/fault-server.js";
import { spawnCli } from "../support/cli.js";

// A server that asks to be asked again (429 or 503 with Retry-After) on the first attempt of every
// request: saprobe waits as told and tries again, so every check passes, and -v says so. Requests
// that change nothing are retried (GETs, SelfSubjectReview, access reviews); the bound (attempts, the
// request timeout, the deadline) is asserted by test/hardening/faults.cli.test.ts.

const servers: FaultServer[] = [];
let caFile = "";

beforeAll(async () => {
  caFile = (await testCertificates()).ca.certFile;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe.concurrent("retries", () => {
  it.each([429, 503])("first attempt %i with Retry-After: 1, then OK: every check passes after one retry", async (code) => {
    const behaviour: Behaviour = { kind: "fail-first", first: { kind: "status", code, retryAfterSeconds: 1 } };
    const server = await startFaultServer({ behaviour });
    servers.push(server);
    const result = await spawnCli(
      [
        "run",
        "-v",
        "-o",
        "json",
        "--server",
        server.url,
        "--certificate-authority",
        caFile,
        "--token",
        "retry-token",
        "--request-timeout",
        "10s",
        "--deadline",
        "30s",
      ],
      { timeoutMs: 60_000 },
    );
    const report = JSON.parse(result.stdout) as Report;
    const failing = report.results
      .filter((check) => check.status !== "pass" && check.status !== "skip" && check.status !== "info")
      .map((check) => `${check.id}: ${check.message}`);
    expect({ code: result.code, failing }).toEqual({ code: 0, failing: [] });
    expect(result.stderr).toMatch(new RegExp(`GET \\S+/version ${code}: the server asked to retry after 1s \\(retry 1 of at most 3\\)`));
    expect(result.stderr).toMatch(new RegExp(`POST \\S+/selfsubjectreviews ${code}: the server asked to retry after 1s`));
    const versions = server.requests.filter((request) => request.pathname === "/version" && request.authorization !== undefined);
    expect(versions.length).toBe(2);
  });

  it("a POST the check file sends (raw probe) is never repeated", async () => {
    const server = await startFaultServer({
      routes: [{ method: "POST", path: "/apis/example.com/v1/things", behaviour: { kind: "status", code: 429, retryAfterSeconds: 1 } }],
    });
    servers.push(server);
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-retry-")), "checks.yaml");
    writeFileSync(
      file,
      [
        "checks:",
        "  - id: post-thing",
        "    title: POST a thing",
        "    probe: raw",
        "    method: POST",
        "    path: /apis/example.com/v1/things",
        "    body: {}",
        "    expect: denied",
        "    severity: low",
        "    remediation: none",
        "",
      ].join("\n"),
    );
    const result = await spawnCli(
      [
        "run",
        "-o",
        "json",
        "--replace-checks",
        "--checks",
        file,
        "--server",
        server.url,
        "--certificate-authority",
        caFile,
        "--token",
        "retry-token",
        "--request-timeout",
        "10s",
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.stderr).not.toMatch(/internal error/);
    expect(server.requests.filter((request) => request.method === "POST" && request.pathname === "/apis/example.com/v1/things").length).toBe(1);
  });
});
