import { mkdtempSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../../src/model/report.js";
import { testCertificates } from "../support/certs.js";
import { refusedUrl, startFaultServer, unresolvableUrl, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";
import { spawnCli, stackFrames, type CliResult } from "../support/cli.js";
import { readReport } from "./report-check.js";

// `saprobe run` against every server fault: it must end by itself before the overall deadline,
// exit 1 or 3, write a complete report.json that matches the schema, and let the affected probes
// say what happened in plain words. The bound: --request-timeout 2s and --deadline 10s; the run
// itself (report startedAt to finishedAt) must end within the deadline plus 1s, and the process,
// start to exit, within the deadline plus 10s (Node's start-up alone takes seconds on a loaded
// 2-core CI machine; the slack is for that, not for saprobe).

const REQUEST_TIMEOUT = "2s";
const DEADLINE_MS = 10_000;
const RUN_GRACE_MS = 1_000;
const PROCESS_GRACE_MS = 10_000;
const LIVE = ["version", "whoami", "list-nodes", "list-pods", "list-pods-all"];

interface Fault {
  name: string;
  server?: FaultServerOptions;
  url?: () => Promise<string>;
  exit: number[];
  /** Probes whose message must match `says`. */
  probes: string[];
  says: RegExp;
  /** A run-level error that must be present. */
  runError?: RegExp;
}

/** A proxy's sign-in page where the API server should be. */
const htmlPage = (_request: unknown, response: ServerResponse): void => {
  response.writeHead(200, { "content-type": "text/html" });
  response.end("<html><head><title>Sign in</title></head><body>Please sign in to continue</body></html>");
};
const status = (code: number, retryAfterSeconds?: number): FaultServerOptions => ({ behaviour: { kind: "status", code, retryAfterSeconds } });
const watches = (behaviour: NonNullable<FaultServerOptions["behaviour"]>): FaultServerOptions => ({ routes: [{ path: /./, watch: true, behaviour }] });

const faults: Fault[] = [
  { name: "connection refused", url: refusedUrl, exit: [3], probes: LIVE, says: /nothing is listening at https:\/\/127\.0\.0\.1:\d+ \(connection refused\)/ },
  {
    name: "DNS failure",
    url: async () => unresolvableUrl(),
    exit: [3],
    probes: LIVE,
    says: /host name in https:\/\/saprobe-fault\.invalid:6443 cannot be resolved/,
  },
  { name: "TLS: unknown CA", server: { certificate: "unknown-ca" }, exit: [3], probes: LIVE, says: /certificate is not signed by a CA saprobe trusts/ },
  { name: "TLS: certificate for another host", server: { certificate: "other-host" }, exit: [3], probes: LIVE, says: /certificate does not name the host/ },
  { name: "TLS: expired certificate", server: { certificate: "expired" }, exit: [3], probes: LIVE, says: /certificate has expired/ },
  {
    name: "401",
    server: status(401),
    exit: [3],
    probes: LIVE,
    says: /rejected the credentials \(401 Unauthorized\)/,
    runError: /rejected saprobe's credentials/,
  },
  {
    name: "403 with a Status",
    server: status(403),
    exit: [1],
    probes: ["version", "whoami"],
    says: /denied \(403 Forbidden: pods is forbidden: User|SelfSubjectReview answered 403/,
  },
  {
    name: "404 on SelfSubjectReview",
    server: { routes: [{ method: "POST", path: /selfsubjectreviews$/, behaviour: { kind: "status", code: 404 } }] },
    exit: [1],
    probes: ["whoami"],
    says: /does not serve SelfSubjectReview \(404\)/,
  },
  {
    name: "429 with Retry-After, always",
    server: status(429, 1),
    exit: [3],
    probes: LIVE.filter((id) => id !== "whoami"),
    says: /429 TooManyRequests: Too many requests/,
  },
  { name: "500 with a Status", server: status(500), exit: [3], probes: ["version", "list-nodes"], says: /answered 500 InternalError: Internal error occurred/ },
  { name: "503 with a Status", server: status(503), exit: [3], probes: ["version", "list-nodes"], says: /answered 503 ServiceUnavailable/ },
  {
    name: "accepts the connection and never answers",
    server: { behaviour: { kind: "hang" } },
    exit: [3],
    probes: LIVE,
    says: /did not answer within the request timeout/,
    runError: /accepted the connection but sent no response within 2s/,
  },
  {
    name: "slow headers (3s, past the 2s timeout)",
    server: { behaviour: { kind: "slow-headers", delayMs: 3_000 } },
    exit: [3],
    probes: LIVE,
    says: /did not answer within the request timeout/,
  },
  {
    name: "body cut mid-stream",
    server: { behaviour: { kind: "truncated-body" } },
    exit: [3],
    probes: LIVE,
    says: /connection to https:\/\/127\.0\.0\.1:\d+ was closed before the response was complete/,
  },
  // Which limit trips first depends on the machine's speed: the 8 MiB body cap, or the body timeout.
  {
    name: "endless body",
    server: { behaviour: { kind: "endless-body" } },
    exit: [3],
    probes: LIVE,
    says: /response from https:\/\/127\.0\.0\.1:\d+ is larger than 8388608 bytes|started answering but the body did not finish within the request timeout/,
  },
  {
    name: "a 2 MiB response header",
    server: { behaviour: { kind: "huge-headers" } },
    exit: [3],
    probes: LIVE,
    says: /answered with response headers larger than saprobe accepts/,
  },
  {
    name: "a body that trickles one byte every 500 ms",
    server: { behaviour: { kind: "trickle-body" } },
    exit: [3],
    probes: LIVE,
    says: /started answering but the body did not finish within the request timeout/,
  },
  {
    name: "invalid JSON",
    server: { behaviour: { kind: "invalid-json" } },
    exit: [3],
    probes: LIVE,
    says: /answered HTTP 200 but the body is not JSON \(application\/json; first bytes: "\{\\"kind\\":\\"List\\"/,
  },
  {
    name: "an HTML page with 200",
    server: { behaviour: { kind: "custom", handle: htmlPage } },
    exit: [3],
    probes: LIVE,
    says: /answered HTTP 200 but the body is not JSON \(text\/html; first bytes: "<html><head><title>Sign in/,
  },
  {
    name: "watch ERROR event (410 Expired)",
    server: watches({ kind: "watch-error-event" }),
    exit: [1],
    probes: ["watch-nodes", "watch-pods"],
    says: /the watch sent an ERROR event \(410 Gone: resourceVersion too old\)/,
  },
  { name: "watch 410 Gone", server: watches({ kind: "watch-gone" }), exit: [1], probes: ["watch-nodes", "watch-pods"], says: /answered 410 Gone/ },
];

const servers: FaultServer[] = [];
let caFile = "";
let healthyIds: string[] = [];

async function runAgainst(url: string, extra: string[] = []): Promise<{ cli: CliResult; report?: Report; problems: string[] }> {
  const out = mkdtempSync(join(tmpdir(), "saprobe-fault-"));
  const args = [
    "run",
    "--server",
    url,
    "--certificate-authority",
    caFile,
    "--token",
    "saprobe-fault-token",
    "--request-timeout",
    REQUEST_TIMEOUT,
    "--deadline",
    `${DEADLINE_MS}ms`,
    "--out",
    out,
    "-o",
    "json",
    ...extra,
  ];
  const cli = await spawnCli(args, { timeoutMs: DEADLINE_MS * 3, sampleMemory: true });
  return { cli, ...readReport(out) };
}

async function serve(options: FaultServerOptions): Promise<FaultServer> {
  const server = await startFaultServer(options);
  servers.push(server);
  return server;
}

/** How long the run took by its own clock: report startedAt to finishedAt. */
function runMs(report: Report): number {
  return Date.parse(report.finishedAt) - Date.parse(report.startedAt);
}

function byId(report: Report): Map<string, CheckResult> {
  return new Map(report.results.map((result) => [result.id, result]));
}

beforeAll(async () => {
  caFile = (await testCertificates()).ca.certFile;
  const healthy = await runAgainst((await serve({})).url, ["--request-timeout", "10s"]);
  expect(healthy.cli.code).toBe(0);
  healthyIds = healthy.report!.results.map((result) => result.id).sort();
  expect(healthyIds).toEqual(expect.arrayContaining([...LIVE, "watch-nodes", "watch-pods"]));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe.concurrent("saprobe run against server faults", () => {
  it.each(faults)("$name: ends in time, exits $exit, complete report, plain words", async (fault) => {
    const url = fault.url ? await fault.url() : (await serve(fault.server ?? {})).url;
    const { cli, report, problems } = await runAgainst(url);
    expect(cli.timedOut).toBe(false);
    expect(cli.durationMs).toBeLessThan(DEADLINE_MS + PROCESS_GRACE_MS);
    expect({ code: cli.code, stderr: cli.stderr }).toMatchObject({ code: expect.toBeOneOf(fault.exit) });
    expect(stackFrames(cli.stderr)).toEqual([]);
    const crashed = report?.results.filter((result) => result.error?.code === "probe-crashed").map((result) => result.id) ?? [];
    expect(crashed).toEqual([]);
    expect(problems).toEqual([]);
    expect(runMs(report!)).toBeLessThan(DEADLINE_MS + RUN_GRACE_MS);
    expect(report!.results.map((result) => result.id).sort()).toEqual(healthyIds);
    expect(report!.summary.total).toBe(report!.results.length);
    const results = byId(report!);
    for (const id of fault.probes) {
      const result = results.get(id)!;
      expect({ id, status: result.status, message: result.message }).toMatchObject({
        status: expect.toBeOneOf(["error", "fail"]),
        message: expect.stringMatching(fault.says),
      });
    }
    if (fault.runError) expect(report!.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(fault.runError));
  });

  it("endless body: memory stays bounded (peak RSS under 256 MiB while the server streams without end)", async () => {
    const server = await serve({ behaviour: { kind: "endless-body" } });
    const { cli } = await runAgainst(server.url);
    expect(cli.code).toBe(3);
    expect(cli.peakRssKb).toBeGreaterThan(0);
    expect(cli.peakRssKb!).toBeLessThan(256 * 1024);
  });

  it("a watch that sends one event and then hangs does not hold the run: the watch is reported allowed", async () => {
    const server = await serve(watches({ kind: "watch-one-then-hang" }));
    const { cli, report } = await runAgainst(server.url);
    expect(cli.durationMs).toBeLessThan(DEADLINE_MS + PROCESS_GRACE_MS);
    expect(runMs(report!)).toBeLessThan(DEADLINE_MS + RUN_GRACE_MS);
    const results = byId(report!);
    expect(results.get("watch-pods")?.message).toMatch(/allowed \(200\), first event ADDED/);
  });

  // A generous timeout here: on a loaded CI machine the 2s of the matrix could be eaten by the load itself.
  it("a watch that floods events does not hold the run: the watch probe stops at the first event", async () => {
    const server = await serve(watches({ kind: "watch-flood", intervalMs: 0 }));
    const { cli, report } = await runAgainst(server.url, ["--request-timeout", "8s"]);
    expect(cli.code).toBe(0);
    expect(runMs(report!)).toBeLessThan(DEADLINE_MS);
    expect(byId(report!).get("watch-nodes")?.message).toMatch(/allowed \(200\), first event ADDED/);
  });

  it("slow headers within the timeout (1s of 8s) are no fault: every check passes or is observed", async () => {
    const server = await serve({ behaviour: { kind: "slow-headers", delayMs: 1_000 } });
    const { cli, report } = await runAgainst(server.url, ["--request-timeout", "8s"]);
    expect({
      code: cli.code,
      failing: report!.results.filter((result) => result.status !== "pass" && result.status !== "info").map((result) => result.id),
    }).toEqual({ code: 0, failing: [] });
  });

  it("a server that hangs past a short deadline: the run ends at the deadline, not at the sum of timeouts", async () => {
    const server = await serve({ behaviour: { kind: "hang" } });
    const out = mkdtempSync(join(tmpdir(), "saprobe-fault-"));
    const cli = await spawnCli(
      [
        "run",
        "--server",
        server.url,
        "--certificate-authority",
        caFile,
        "--token",
        "t0ken-value",
        "--request-timeout",
        "30s",
        "--deadline",
        "3s",
        "--out",
        out,
        "-o",
        "json",
      ],
      { timeoutMs: 30_000 },
    );
    expect(cli.durationMs).toBeLessThan(3_000 + PROCESS_GRACE_MS);
    expect(cli.code).toBe(3);
    const { report, problems } = readReport(out);
    expect(problems).toEqual([]);
    expect(runMs(report!)).toBeLessThan(3_000 + RUN_GRACE_MS);
    expect(report!.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/deadline \(3s\) passed/));
    expect(report!.results.map((result) => result.id).sort()).toEqual(healthyIds);
  });

  // Guards for retries (issue 7: only idempotent GETs and 429/503 with Retry-After, bounded, never past the deadline).
  it("a server that always answers 503 with Retry-After gets a bounded number of attempts per request, within the deadline", async () => {
    const server = await serve(status(503, 1));
    const { cli, report } = await runAgainst(server.url);
    expect(cli.code).toBe(3);
    expect(runMs(report!)).toBeLessThan(DEADLINE_MS + RUN_GRACE_MS);
    const attempts = new Map<string, number>();
    for (const request of server.requests) {
      const key = `${request.method} ${request.url} ${request.authorization ?? ""}`;
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
    }
    expect(Math.max(...attempts.values())).toBeLessThanOrEqual(4);
  });

  it("a Retry-After longer than the deadline is not waited for", async () => {
    const server = await serve(status(429, 3_600));
    const out = mkdtempSync(join(tmpdir(), "saprobe-fault-"));
    const cli = await spawnCli(
      [
        "run",
        "--server",
        server.url,
        "--certificate-authority",
        caFile,
        "--token",
        "t0ken-value",
        "--request-timeout",
        "2s",
        "--deadline",
        "4s",
        "--out",
        out,
        "-o",
        "json",
      ],
      { timeoutMs: 30_000 },
    );
    const { report, problems } = readReport(out);
    expect(problems).toEqual([]);
    expect(cli.code).toBe(3);
    expect(runMs(report!)).toBeLessThan(4_000 + RUN_GRACE_MS);
  });
});
