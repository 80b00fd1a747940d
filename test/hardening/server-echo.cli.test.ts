import { mkdtempSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testCertificates, type TestCertificates } from "../support/certs.js";
import { sendJson, statusBody } from "../support/fake-kube.js";
import { startFaultServer, type FaultServer, type RecordedRequest } from "../support/fault-server.js";
import { findLeaks, plantPassword, plantToken, readTree, writeExecPlugin, type PlantedSecret } from "../support/secrets.js";
import { spawnCli } from "../support/cli.js";

// A server (or a proxy in front of it) that echoes the caller's credential in what it answers: a
// 403 Status message, the reason of an access review, a watch ERROR event. saprobe must clear every
// server-supplied text of the connection's secrets before it reaches stdout, stderr or a report.

/** The credential a request carried, as a server would echo it: the raw token, or the decoded password. */
function echoed(authorization: string | undefined): string {
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length);
  if (authorization?.startsWith("Basic ")) return Buffer.from(authorization.slice("Basic ".length), "base64").toString("utf8").split(":").slice(1).join(":");
  return "(none)";
}

function echo(request: RecordedRequest, response: ServerResponse): void {
  const credential = echoed(request.authorization);
  const watch = request.query.get("watch") === "true" || request.query.get("watch") === "1";
  if (watch) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(`${JSON.stringify({ type: "ERROR", object: statusBody(500, "InternalError", `watch failed for token ${credential}`) })}\n`);
    return;
  }
  if (request.method === "POST" && request.pathname.endsWith("/selfsubjectaccessreviews")) {
    const spec = (JSON.parse(request.body || "{}") as { spec?: unknown }).spec ?? {};
    sendJson(response, 201, {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      spec,
      status: { allowed: true, reason: `RBAC: allowed the caller with token ${credential}` },
    });
    return;
  }
  sendJson(response, 403, statusBody(403, "Forbidden", `the credential ${credential} may not ${request.method} ${request.pathname}`));
}

const COMMANDS: { name: string; args: string[]; out?: boolean }[] = [
  { name: "run -v -o json --out", args: ["run", "-v", "-o", "json", "--request-timeout", "5s"], out: true },
  { name: "run -v -o table", args: ["run", "-v", "-o", "table", "--request-timeout", "5s"] },
  { name: "can-i get pods -v", args: ["can-i", "get", "pods", "-v"] },
  { name: "can-i --list -v", args: ["can-i", "--list", "-v"] },
  { name: "who-can get secrets -v", args: ["who-can", "get", "secrets", "-v"] },
  { name: "audit -v -o json --out", args: ["audit", "-v", "-o", "json"], out: true },
];

let certificates: TestCertificates;
const servers: FaultServer[] = [];

beforeAll(async () => {
  certificates = await testCertificates();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function kubeconfig(server: FaultServer, user: Record<string, unknown>, dir: string): string {
  const path = join(dir, "echo.kubeconfig.json");
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "echo",
      clusters: [{ name: "echo", cluster: { server: server.url, "certificate-authority": certificates.ca.certFile } }],
      users: [{ name: "echo", user }],
      contexts: [{ name: "echo", context: { cluster: "echo", user: "echo", namespace: "team-a" } }],
    }),
    { mode: 0o600 },
  );
  return path;
}

function plant(source: string, server: FaultServer): { secret: PlantedSecret; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-echo-"));
  if (source === "--token") {
    const secret = plantToken(source);
    return { secret, args: ["--server", server.url, "--certificate-authority", certificates.ca.certFile, "--token", secret.value] };
  }
  if (source === "basic-auth password") {
    const secret = plantPassword(source, "echo-user");
    return { secret, args: ["--kubeconfig", kubeconfig(server, { username: "echo-user", password: secret.value }, dir)] };
  }
  const secret = plantToken(source);
  const exec = { apiVersion: "client.authentication.k8s.io/v1", command: writeExecPlugin(dir, secret.value), interactiveMode: "Never" };
  return { secret, args: ["--kubeconfig", kubeconfig(server, { exec }, dir)] };
}

describe.concurrent.each(["--token", "basic-auth password", "exec plugin"])("a server echoing the credential of %s", (source) => {
  it.each(COMMANDS)("saprobe $name shows the server's words without it", async (command) => {
    const server = await startFaultServer({ behaviour: { kind: "custom", handle: echo } });
    servers.push(server);
    const { secret, args } = plant(source, server);
    const out = command.out ? mkdtempSync(join(tmpdir(), "saprobe-echo-out-")) : undefined;
    const result = await spawnCli([...command.args, ...args, ...(out ? ["--out", out] : [])], { timeoutMs: 60_000 });
    expect(result.timedOut).toBe(false);
    expect(result.stderr).not.toMatch(/internal error/);
    // The credential was really sent, so the server really echoed it.
    expect(server.requests.some((request) => echoed(request.authorization) === secret.value)).toBe(true);
    const outputs: Record<string, string> = { stdout: result.stdout, stderr: result.stderr, ...(out ? readTree(out) : {}) };
    expect(findLeaks(outputs, [secret])).toEqual([]);
    // The server's words still arrive, with the credential cut out of them.
    expect(Object.values(outputs).join("\n")).toContain("[redacted]");
  });
});
