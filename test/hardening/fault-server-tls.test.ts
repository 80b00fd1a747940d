import { readFileSync } from "node:fs";
import { Agent, fetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { refusedUrl, startFaultServer, unresolvableUrl, type FaultServer, type ServerCertificate } from "../support/fault-server.js";

// Watches, certificates and unreachable servers, each checked with a real client (undici).

const servers: FaultServer[] = [];
const agents: Agent[] = [];

async function serve(options: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
  const server = await startFaultServer(options);
  servers.push(server);
  return server;
}

function agentFor(caFile: string): Agent {
  const agent = new Agent({ connect: { ca: readFileSync(caFile, "utf8") }, headersTimeout: 5_000, bodyTimeout: 5_000 });
  agents.push(agent);
  return agent;
}

async function failureCode(url: string, caFile?: string): Promise<string | undefined> {
  try {
    const dispatcher = caFile ? agentFor(caFile) : undefined;
    await fetch(url, { dispatcher, signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code;
  }
  return "no failure";
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("fault server: watches", () => {
  const watchPath = "/api/v1/namespaces/default/pods?watch=true";

  it("watch-one-then-hang: one ADDED event line, then silence with the stream open", async () => {
    const server = await serve({ routes: [{ path: "/api/v1/namespaces/default/pods", watch: true, behaviour: { kind: "watch-one-then-hang" } }] });
    const response = await fetch(`${server.url}${watchPath}`, { dispatcher: agentFor(server.caFile) });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    const line = new TextDecoder().decode(first.value);
    expect(JSON.parse(line.trim())).toMatchObject({ type: "ADDED", object: { metadata: { name: "only-event" } } });
    const next = await Promise.race([reader.read().then(() => "data"), new Promise((resolve) => setTimeout(() => resolve("silent"), 300))]);
    expect(next).toBe("silent");
    await reader.cancel();
  });

  it("watch-error-event: one ERROR event carrying a 410 Expired Status, then the stream ends", async () => {
    const server = await serve({ behaviour: { kind: "watch-error-event" } });
    const response = await fetch(`${server.url}${watchPath}`, { dispatcher: agentFor(server.caFile) });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
  });

  it("watch-gone: HTTP 410 before streaming", async () => {
    const server = await serve({ behaviour: { kind: "watch-gone" } });
    const response = await fetch(`${server.url}${watchPath}`, { dispatcher: agentFor(server.caFile) });
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({ kind: "Status", code: 410 });
  });

  it("watch-flood: events keep coming, one per line", async () => {
    const server = await serve({ behaviour: { kind: "watch-flood", intervalMs: 5 } });
    const response = await fetch(`${server.url}${watchPath}`, { dispatcher: agentFor(server.caFile) });
    const reader = response.body!.getReader();
    let text = "";
    while (text.split("\n").length < 6) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const events = text
      .split("\n")
      .slice(0, 5)
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((event) => event.object.metadata.name)).toEqual(["flood-1", "flood-2", "flood-3", "flood-4", "flood-5"]);
  });

  it("the healthy default watch is quiet and ends after timeoutSeconds", async () => {
    const server = await serve({});
    const started = Date.now();
    const response = await fetch(`${server.url}/api/v1/pods?watch=1&timeoutSeconds=1`, {
      dispatcher: agentFor(server.caFile),
      headers: { authorization: "Bearer abc" },
    });
    expect(await response.text()).toBe("");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe("fault server: certificates and unreachable servers", () => {
  it.each<[ServerCertificate, string]>([
    ["other-host", "ERR_TLS_CERT_ALTNAME_INVALID"],
    ["expired", "CERT_HAS_EXPIRED"],
    ["unknown-ca", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
    ["self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT"],
  ])("certificate %s fails verification with %s and no request reaches the server", async (certificate, code) => {
    const server = await serve({ certificate });
    expect(await failureCode(`${server.url}/version`, server.caFile)).toBe(code);
    expect(server.requests).toHaveLength(0);
  });

  it("the valid certificate verifies against the test CA", async () => {
    const server = await serve({ certificate: "valid" });
    expect(await failureCode(`${server.url}/version`, server.caFile)).toBe("no failure");
  });

  it("refusedUrl: connection refused", async () => {
    expect(await failureCode(`${await refusedUrl()}/version`)).toBe("ECONNREFUSED");
  });

  it("unresolvableUrl: DNS failure", async () => {
    expect(await failureCode(`${unresolvableUrl()}/version`)).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it("records the client certificate subject when asked for one", async () => {
    const server = await serve({ requestClientCertificate: true });
    const { client } = server.certificates;
    const agent = new Agent({ connect: { ca: readFileSync(server.caFile, "utf8"), cert: client.cert, key: client.key } });
    agents.push(agent);
    await fetch(`${server.url}/version`, { dispatcher: agent });
    expect(server.requests[0]?.clientCertificateSubject).toContain("CN=saprobe-test");
  });

  it("plain http mode serves on http://", async () => {
    const server = await serve({ protocol: "http" });
    expect(server.url.startsWith("http://127.0.0.1:")).toBe(true);
    expect((await fetch(`${server.url}/version`)).status).toBe(200);
  });

  it("close() ends hanging requests: the client sees the socket go", async () => {
    const server = await serve({ behaviour: { kind: "hang" } });
    const pending = fetch(`${server.url}/version`, { dispatcher: agentFor(server.caFile) }).then(
      () => "answered",
      () => "socket closed",
    );
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.close();
    expect(await pending).toBe("socket closed");
  });
});
