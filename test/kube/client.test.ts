import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKubeClient } from "../../src/kube/client.js";
import type { KubeClient } from "../../src/kube/types.js";
import { Secret } from "../../src/model/secret.js";
import { refusedUrl, startFaultServer, unresolvableUrl, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";
import { connectionFor } from "./connection-for.js";

const TOKEN = "s3cr3t-token-value-0123456789";
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function serverAndClient(
  serverOptions: FaultServerOptions = {},
  connection: Parameters<typeof connectionFor>[1] = {},
  lines: string[] = [],
): Promise<{ server: FaultServer; client: KubeClient }> {
  const server = await startFaultServer(serverOptions);
  const client = createKubeClient(
    connectionFor(server.url, {
      tls: { caFile: server.caFile, insecureSkipTLSVerify: false },
      credentials: { kind: "token", token: new Secret(TOKEN) },
      ...connection,
    }),
    { log: (line) => lines.push(line), bodyLimitBytes: 64 * 1024 },
  );
  cleanup.push(
    () => client.close(),
    () => server.close(),
  );
  return { server, client };
}

describe("createKubeClient: requests", () => {
  it("sends the token and impersonation headers, parses JSON and logs without credentials", async () => {
    const lines: string[] = [];
    const { server, client } = await serverAndClient({}, { impersonate: { user: "system:serviceaccount:ns:sa", groups: ["g1", "g2"], uid: "u-1" } }, lines);
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
    expect(outcome.ok && (outcome.response.json as { gitVersion?: string }).gitVersion).toMatch(/^v1\./);
    const seen = server.requests[0];
    expect(seen?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers["impersonate-user"]).toBe("system:serviceaccount:ns:sa");
    expect(seen?.headers["impersonate-group"]).toBe("g1, g2");
    expect(seen?.headers["impersonate-uid"]).toBe("u-1");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/version 200 \(\d+ms\)$/);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("sends basic auth and percent-encoded Impersonate-Extra headers", async () => {
    const { server, client } = await serverAndClient(
      {},
      {
        credentials: { kind: "basic", username: "alice", password: new Secret("pa:ss-w0rd") },
        impersonate: { user: "bob", groups: [], extra: { "example.com/scopes": ["a", "b"] } },
      },
    );
    await client.request({ path: "/version" });
    expect(server.requests[0]?.authorization).toBe(`Basic ${Buffer.from("alice:pa:ss-w0rd").toString("base64")}`);
    expect(server.requests[0]?.headers["impersonate-extra-example.com%2fscopes"]).toBe("a, b");
  });

  it("sends neither credentials nor impersonation for anonymous requests", async () => {
    const { server, client } = await serverAndClient({}, { impersonate: { user: "x", groups: [] } });
    await client.request({ path: "/version", anonymous: true });
    expect(server.requests[0]?.authorization).toBeUndefined();
    expect(server.requests[0]?.headers["impersonate-user"]).toBeUndefined();
  });

  it("reuses one keep-alive connection for sequential requests", async () => {
    const ports: number[] = [];
    const { client } = await serverAndClient({
      behaviour: {
        kind: "custom",
        handle: (_request, response, incoming) => {
          ports.push(incoming.socket.remotePort ?? -1);
          response.writeHead(200, { "content-type": "application/json" }).end("{}");
        },
      },
    });
    for (let index = 0; index < 6; index++) await client.request({ path: "/version" });
    expect(ports).toHaveLength(6);
    // undici may open a second socket while the first is being returned to the pool; never one per request.
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });

  it("times out a hanging server with code timeout, and a stalled body with body-timeout", async () => {
    const stall = {
      kind: "custom" as const,
      handle: (_request: unknown, response: import("node:http").ServerResponse) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"kind":');
      },
    };
    const { client } = await serverAndClient({
      routes: [
        { path: "/hang", behaviour: { kind: "hang" } },
        { path: "/stall", behaviour: stall },
      ],
    });
    const hung = await client.request({ path: "/hang", timeoutMs: 300 });
    expect(hung.ok ? "ok" : hung.failure.code).toBe("timeout");
    const stalled = await client.request({ path: "/stall", timeoutMs: 300 });
    expect(stalled.ok ? "ok" : stalled.failure.code).toBe("body-timeout");
  });

  it("caps the body", async () => {
    const { client } = await serverAndClient({ behaviour: { kind: "endless-body" } });
    const outcome = await client.request({ path: "/api/v1/pods" });
    expect(outcome.ok ? "ok" : outcome.failure.code).toBe("body-too-large");
  });

  it("reports the caller's cancel as aborted", async () => {
    const { client } = await serverAndClient({ behaviour: { kind: "hang" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await client.request({ path: "/version", signal: controller.signal });
    expect(outcome.ok ? "ok" : outcome.failure.code).toBe("aborted");
  });

  it("never follows a redirect", async () => {
    const { server, client } = await serverAndClient({
      routes: [{ path: "/moved", behaviour: { kind: "redirect", location: "https://example.invalid/steal" } }],
    });
    const outcome = await client.request({ path: "/moved" });
    expect(outcome.ok && outcome.response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it("maps connection refused", async () => {
    const client = createKubeClient(connectionFor(await refusedUrl()));
    cleanup.push(() => client.close());
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok ? "ok" : outcome.failure.code).toBe("connection-refused");
  });

  it("maps a host name that does not resolve", async () => {
    const client = createKubeClient(connectionFor(unresolvableUrl()));
    cleanup.push(() => client.close());
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok ? "ok" : outcome.failure).toMatchObject({ code: "dns", message: expect.stringContaining("cannot be resolved") });
  });

  it("refuses to send a token over plain HTTP to a non-loopback host", async () => {
    const client = createKubeClient(connectionFor("http://192.0.2.10:8080", { credentials: { kind: "token", token: new Secret(TOKEN) } }));
    cleanup.push(() => client.close());
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok ? "ok" : outcome.failure.code).toBe("insecure-http-refused");
    expect(outcome.ok ? "" : outcome.failure.message).not.toContain(TOKEN);
  });

  it("reports an unreadable token file as a credentials failure", async () => {
    const { server, client } = await serverAndClient({}, { credentials: { kind: "token-file", path: "/nonexistent/saprobe/token" } });
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok ? "ok" : outcome.failure).toMatchObject({ code: "credentials", message: expect.stringContaining("/nonexistent/saprobe/token") });
    expect(server.requests).toHaveLength(0);
  });
});

describe("createKubeClient: TLS failures", () => {
  const cases = [
    ["unknown-ca", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
    ["other-host", "ERR_TLS_CERT_ALTNAME_INVALID"],
    ["expired", "CERT_HAS_EXPIRED"],
    ["self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT"],
  ] as const;
  for (const [certificate, tlsCode] of cases) {
    it(`maps a ${certificate} certificate to ${tlsCode}`, async () => {
      const { server, client } = await serverAndClient({ certificate });
      const outcome = await client.request({ path: "/version" });
      expect(outcome.ok ? "ok" : outcome.failure).toMatchObject({ code: "tls", tlsCode });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("verifies against tls-server-name instead of the URL host", async () => {
    const server = await startFaultServer({ certificate: "other-host" });
    const client = createKubeClient(
      connectionFor(server.url, { tls: { caFile: server.caFile, insecureSkipTLSVerify: false, serverName: server.certificates.otherHostName } }),
    );
    cleanup.push(
      () => client.close(),
      () => server.close(),
    );
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
  });

  it("skips verification only when insecure was configured", async () => {
    const server = await startFaultServer({ certificate: "self-signed" });
    const client = createKubeClient(connectionFor(server.url, { tls: { insecureSkipTLSVerify: true } }));
    cleanup.push(
      () => client.close(),
      () => server.close(),
    );
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
  });

  it("presents a client certificate from files", async () => {
    const server = await startFaultServer({ requestClientCertificate: true });
    const { client: pair } = server.certificates;
    const client = createKubeClient(
      connectionFor(server.url, {
        tls: { caFile: server.caFile, insecureSkipTLSVerify: false },
        credentials: { kind: "client-certificate", certFile: pair.certFile, keyFile: pair.keyFile },
      }),
    );
    cleanup.push(
      () => client.close(),
      () => server.close(),
    );
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
    expect(server.requests[0]?.clientCertificateSubject).toContain("saprobe-test");
  });
});

describe("createKubeClient: exec plugin credentials", () => {
  it("re-runs the plugin once after a 401 and retries the request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
    const plugin = join(dir, "plugin.sh");
    writeFileSync(join(dir, "count"), "0");
    writeFileSync(
      plugin,
      `#!/bin/sh\nn=$(( $(cat ${dir}/count) + 1 )); echo $n > ${dir}/count\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"plugin-token-'$n'"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const credentials = {
      kind: "exec" as const,
      apiVersion: "client.authentication.k8s.io/v1",
      command: plugin,
      args: [],
      env: [],
      interactiveMode: "Never",
      provideClusterInfo: false,
    };
    const { server, client } = await serverAndClient(
      { routes: [{ path: "/version", behaviour: { kind: "sequence", steps: [{ kind: "status", code: 401 }, { kind: "kube" }] } }] },
      { credentials },
    );
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
    expect(server.requests.map((request) => request.authorization)).toEqual(["Bearer plugin-token-1", "Bearer plugin-token-2"]);
    const again = await client.request({ path: "/version" });
    expect(again.ok && again.response.status).toBe(200);
    expect(readFileSync(join(dir, "count"), "utf8").trim()).toBe("2");
  });

  it("gives up after one re-run when the server keeps answering 401", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
    const plugin = join(dir, "plugin.sh");
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x-token-value"}}'\n`);
    chmodSync(plugin, 0o755);
    const credentials = {
      kind: "exec" as const,
      apiVersion: "client.authentication.k8s.io/v1",
      command: plugin,
      args: [],
      env: [],
      interactiveMode: "Never",
      provideClusterInfo: false,
    };
    const { server, client } = await serverAndClient({ behaviour: { kind: "status", code: 401 } }, { credentials });
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(401);
    expect(server.requests).toHaveLength(2);
  });
});
