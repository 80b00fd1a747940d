import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { startFaultServer, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";
import { groupOrWorldWritable, plantToken, readTree } from "../support/secrets.js";
import { spawnCli } from "../support/cli.js";

// Where credentials may travel: never in clear text to another machine, never along a redirect,
// never to a server whose certificate was not checked unless the user said so; and the reports
// saprobe writes are not writable by others.

const servers: FaultServer[] = [];

async function serve(options: FaultServerOptions): Promise<FaultServer> {
  const server = await startFaultServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** This machine's own non-loopback IPv4 address: traffic to it stays on the machine but is not loopback. */
function ownNonLoopbackAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((candidate) => candidate && candidate.family === "IPv4" && !candidate.internal)?.address;
  if (!address) throw new Error("this test needs a non-loopback IPv4 address on the machine (none found)");
  return address;
}

function reportOf(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe("plain HTTP", () => {
  it("a bearer token is never sent over plain HTTP to a non-loopback host, unless --allow-insecure-http says so", async () => {
    const server = await serve({ protocol: "http", listenAddress: ownNonLoopbackAddress() });
    const token = plantToken("--token");
    const refused = await spawnCli(["run", "--server", server.url, "--token", token.value, "--request-timeout", "10s", "-o", "json"]);
    expect(refused.timedOut).toBe(false);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect(reportOf(refused.stdout).warnings.join("\n")).toMatch(/plain HTTP to a non-loopback host/);

    const allowed = await spawnCli(["run", "--server", server.url, "--token", token.value, "--request-timeout", "10s", "-o", "json", "--allow-insecure-http"]);
    expect(server.requests.some((request) => request.authorization === `Bearer ${token.value}`)).toBe(true);
    expect(reportOf(allowed.stdout).warnings.join("\n")).toMatch(/sent over plain HTTP/);
  });
});

describe("redirects", () => {
  it.each([
    [302, "another port", (target: FaultServer) => `${target.url}/version`],
    [307, "another port", (target: FaultServer) => `${target.url}/version`],
    [302, "another host name", (target: FaultServer) => `https://localhost:${target.port}/version`],
    [308, "another host name", (target: FaultServer) => `https://localhost:${target.port}/version`],
  ])("a %i to %s never carries the credentials there", async (code, _where, location) => {
    const target = await serve({});
    const redirecting = await serve({ behaviour: { kind: "redirect", code, location: location(target) } });
    const token = plantToken("--token");
    const result = await spawnCli([
      "run",
      "--server",
      redirecting.url,
      "--certificate-authority",
      redirecting.caFile,
      "--token",
      token.value,
      "--request-timeout",
      "10s",
      "-o",
      "json",
    ]);
    expect(redirecting.requests.some((request) => request.authorization === `Bearer ${token.value}`)).toBe(true);
    expect(target.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect({ code: result.code }).toMatchObject({ code: expect.toBeOneOf([1, 3]) });
    const version = reportOf(result.stdout).results.find((check) => check.id === "version");
    expect(version?.message).toMatch(new RegExp(`answered HTTP ${code}`));
  });
});

describe("TLS verification", () => {
  it("is never skipped implicitly: an untrusted certificate stops every request before credentials are sent", async () => {
    const server = await serve({ certificate: "unknown-ca" });
    const result = await spawnCli(["run", "--server", server.url, "--token", plantToken("--token").value, "--request-timeout", "10s", "-o", "json"]);
    expect(result.code).toBe(3);
    expect(server.requests).toEqual([]);
    expect(server.tlsFailures.length).toBeGreaterThan(0);
  });

  it.each(["flag", "kubeconfig"])(
    "insecure-skip-tls-verify is honoured only when configured (%s), and reported as a failed high-severity check (exit 1)",
    async (where) => {
      const server = await serve({ certificate: "unknown-ca" });
      const dir = mkdtempSync(join(tmpdir(), "saprobe-insecure-"));
      const kubeconfig = join(dir, "config.json");
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          "current-context": "c",
          clusters: [{ name: "c", cluster: { server: server.url, "insecure-skip-tls-verify": true } }],
          users: [{ name: "u", user: { token: "insecure-test-token" } }],
          contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
        }),
      );
      const connection =
        where === "flag" ? ["--server", server.url, "--token", "insecure-test-token", "--insecure-skip-tls-verify"] : ["--kubeconfig", kubeconfig];
      const result = await spawnCli(["run", ...connection, "--request-timeout", "10s", "-o", "json"]);
      expect(server.requests.length).toBeGreaterThan(0);
      const report = reportOf(result.stdout);
      expect(report.warnings.join("\n")).toMatch(/insecure-skip-tls-verify is set: the API server's certificate is not verified/);
      const finding = report.results.find((check) => check.id === "tls-verification");
      expect(finding).toMatchObject({
        status: "fail",
        severity: "high",
        observed: "insecure-skip-tls-verify",
        message: expect.stringMatching(/certificate was not verified/),
        remediation: expect.stringMatching(/--certificate-authority/),
      });
      expect(
        report.results
          .filter((check) => check.id !== "tls-verification" && check.status !== "pass" && check.status !== "skip" && check.status !== "info")
          .map((check) => check.id),
      ).toEqual([]);
      expect(result.code).toBe(1);
    },
  );

  it("a verified connection has no tls-verification result", async () => {
    const server = await serve({});
    const result = await spawnCli([
      "run",
      "--server",
      server.url,
      "--certificate-authority",
      server.caFile,
      "--token",
      "verified-token",
      "--request-timeout",
      "10s",
      "-o",
      "json",
    ]);
    expect(result.code).toBe(0);
    expect(reportOf(result.stdout).results.map((check) => check.id)).not.toContain("tls-verification");
  });
});

describe("report files", () => {
  it("are created without group or world write, even under umask 000", async () => {
    const server = await serve({});
    const out = join(mkdtempSync(join(tmpdir(), "saprobe-perms-")), "reports");
    const result = await spawnCli(["run", "--server", server.url, "--certificate-authority", server.caFile, "--token", "perm-token", "--out", out], {
      umask: 0o000,
    });
    expect(result.code).toBe(0);
    expect(Object.keys(readTree(out)).length).toBe(4);
    expect(groupOrWorldWritable(out)).toEqual([]);
    expect(statSync(out).mode & 0o022).toBe(0);
  });
});
