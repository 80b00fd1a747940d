import { readFileSync } from "node:fs";
import { Agent, fetch } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startFaultServer, type FaultServer, type FaultServerOptions } from "../support/fault-server.js";

// The fault server is itself test infrastructure other suites rely on: each scenario is checked
// here with a real client (undici), so a fault that silently stops happening fails loudly.

const servers: FaultServer[] = [];
const agents: Agent[] = [];

async function serve(options: FaultServerOptions): Promise<FaultServer> {
  const server = await startFaultServer(options);
  servers.push(server);
  return server;
}

function client(caFile: string, extra: Record<string, unknown> = {}): Agent {
  const agent = new Agent({ connect: { ca: readFileSync(caFile, "utf8"), ...extra }, headersTimeout: 5_000, bodyTimeout: 5_000 });
  agents.push(agent);
  return agent;
}

async function get(server: FaultServer, path: string, init: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) {
  return fetch(`${server.url}${path}`, {
    method: init.method ?? "GET",
    body: init.body,
    headers: init.headers,
    dispatcher: client(server.caFile),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
    redirect: "manual",
  });
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; code?: string; causeCode?: string }> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { name: (error as Error).name, code: (error as { code?: string }).code, causeCode: cause?.code };
  }
  throw new Error("expected the request to fail");
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("fault server: healthy default", () => {
  it("answers /version, SelfSubjectReview and lists like an API server and records the Authorization header", async () => {
    const server = await serve({});
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = await get(server, "/version");
    expect(await version.json()).toMatchObject({ major: "1", gitVersion: expect.stringContaining("v1.32") });
    const whoami = await get(server, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      method: "POST",
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      headers: { authorization: "Bearer abc123", "content-type": "application/json" },
    });
    expect(whoami.status).toBe(201);
    expect(await whoami.json()).toMatchObject({ status: { userInfo: { username: "system:serviceaccount:saprobe:fault" } } });
    const list = await get(server, "/api/v1/namespaces/default/pods", { headers: { authorization: "Bearer abc123" } });
    expect(await list.json()).toMatchObject({ items: [] });
    const anonymous = await get(server, "/api/v1/namespaces/default/pods");
    expect(anonymous.status).toBe(403);
    expect(server.requests.map((request) => request.pathname)).toEqual([
      "/version",
      "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      "/api/v1/namespaces/default/pods",
      "/api/v1/namespaces/default/pods",
    ]);
    expect(server.requests[1]?.authorization).toBe("Bearer abc123");
    expect(server.requests[1]?.body).toContain("SelfSubjectReview");
  });

  it("routes a fault to one path and leaves the others healthy", async () => {
    const server = await serve({ routes: [{ method: "POST", path: /selfsubjectreviews$/, behaviour: { kind: "status", code: 404 } }] });
    expect((await get(server, "/apis/authentication.k8s.io/v1/selfsubjectreviews", { method: "POST", body: "{}" })).status).toBe(404);
    expect((await get(server, "/version")).status).toBe(200);
  });
});

describe("fault server: faults", () => {
  it("hang: accepts and never answers", async () => {
    const server = await serve({ behaviour: { kind: "hang" } });
    const started = Date.now();
    const failure = await errorOf(get(server, "/version", { timeoutMs: 300 }));
    expect(failure.name).toMatch(/TimeoutError|AbortError/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.requests).toHaveLength(1);
  });

  it("slow-headers: answers only after the delay", async () => {
    const server = await serve({ behaviour: { kind: "slow-headers", delayMs: 400 } });
    const started = Date.now();
    const response = await get(server, "/version");
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it("truncated-body: the body ends before its content-length", async () => {
    const server = await serve({ behaviour: { kind: "truncated-body" } });
    const response = await get(server, "/api/v1/pods");
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(20);
    const failure = await errorOf(response.text());
    expect(failure.name).toMatch(/TypeError|SocketError|Error/);
  });

  it("trickle-body: one byte at a time, never idle long enough for an idle timeout", async () => {
    const server = await serve({ behaviour: { kind: "trickle-body", intervalMs: 50 } });
    const response = await get(server, "/api/v1/pods");
    expect(response.headers.get("content-length")).toBe(String(1024 * 1024));
    const reader = response.body!.getReader();
    const first = await reader.read();
    const second = await reader.read();
    expect([first.value?.length, second.value?.length]).toEqual([1, 1]);
    await reader.cancel();
  });

  it("huge-headers: a response header past any sane header limit", async () => {
    const server = await serve({ behaviour: { kind: "huge-headers" } });
    const failure = await errorOf(get(server, "/version"));
    expect(failure.causeCode).toBe("UND_ERR_HEADERS_OVERFLOW");
  });

  it("invalid-json: 200, application/json, unparsable body", async () => {
    const server = await serve({ behaviour: { kind: "invalid-json" } });
    const response = await get(server, "/api/v1/pods");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it("endless-body: streams until the client goes away, and counts what it sent", async () => {
    const server = await serve({ behaviour: { kind: "endless-body" } });
    const response = await get(server, "/api/v1/pods");
    const reader = response.body!.getReader();
    let received = 0;
    while (received < 4 * 1024 * 1024) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += value?.length ?? 0;
    }
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentAtCancel = server.requests[0]!.bytesSent;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requests[0]!.bytesSent).toBe(sentAtCancel);
    expect(server.requests[0]!.clientClosedEarly).toBe(true);
  });

  it("endless-body stops at its own cap when the client never stops", async () => {
    const server = await serve({ behaviour: { kind: "endless-body", capBytes: 1024 * 1024 } });
    const response = await get(server, "/api/v1/pods");
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(server.requests[0]!.bytesSent).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it.each([
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [500, "InternalError"],
    [503, "ServiceUnavailable"],
  ])("status %i: a Kubernetes Status body with reason %s", async (code, reason) => {
    const server = await serve({ behaviour: { kind: "status", code } });
    const response = await get(server, "/api/v1/pods");
    expect(response.status).toBe(code);
    expect(await response.json()).toMatchObject({ kind: "Status", status: "Failure", code, reason });
  });

  it("status 429 carries Retry-After in the header and the Status details", async () => {
    const server = await serve({ behaviour: { kind: "status", code: 429, retryAfterSeconds: 1 } });
    const response = await get(server, "/api/v1/pods");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ reason: "TooManyRequests", details: { retryAfterSeconds: 1 } });
  });

  it("sequence: 503 first, then healthy", async () => {
    const server = await serve({ behaviour: { kind: "sequence", steps: [{ kind: "status", code: 503, retryAfterSeconds: 1 }, { kind: "kube" }] } });
    expect((await get(server, "/version")).status).toBe(503);
    expect((await get(server, "/version")).status).toBe(200);
    expect((await get(server, "/version")).status).toBe(200);
  });

  it("fail-first: each distinct request fails once, its repeat succeeds", async () => {
    const server = await serve({ behaviour: { kind: "fail-first", first: { kind: "status", code: 429, retryAfterSeconds: 1 } } });
    expect((await get(server, "/version")).status).toBe(429);
    expect((await get(server, "/api")).status).toBe(429);
    expect((await get(server, "/version")).status).toBe(200);
    expect((await get(server, "/version", { headers: { authorization: "Bearer other" } })).status).toBe(429);
  });

  it("redirect: 302 with a Location", async () => {
    const server = await serve({ behaviour: { kind: "redirect", location: "https://127.0.0.1:1/elsewhere" } });
    const response = await get(server, "/version");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://127.0.0.1:1/elsewhere");
  });
});
