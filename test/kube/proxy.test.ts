import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { proxyFromEnvironment } from "../../src/connect/proxy-env.js";
import { createKubeClient } from "../../src/kube/client.js";
import { Secret } from "../../src/model/secret.js";
import { startFaultServer } from "../support/fault-server.js";
import { connectionFor } from "./connection-for.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** A minimal HTTP CONNECT proxy that records the targets it tunnels to. */
async function startConnectProxy(): Promise<{ url: string; targets: string[] }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => response.writeHead(405).end());
  server.on("connect", (request, client: Socket) => {
    targets.push(request.url ?? "");
    const [host, port] = (request.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets };
}

describe("proxy-url", () => {
  it("tunnels through an HTTP proxy with the connection's TLS settings", async () => {
    const proxy = await startConnectProxy();
    const server = await startFaultServer();
    const client = createKubeClient(
      connectionFor(server.url, {
        proxyUrl: proxy.url,
        tls: { caFile: server.caFile, insecureSkipTLSVerify: false },
        credentials: { kind: "token", token: new Secret("through-proxy-token") },
      }),
    );
    cleanup.push(
      () => client.close(),
      () => server.close(),
    );
    const outcome = await client.request({ path: "/version" });
    expect(outcome.ok && outcome.response.status).toBe(200);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    expect(server.requests[0]?.authorization).toBe("Bearer through-proxy-token");
  });
});

describe("proxyFromEnvironment", () => {
  it("uses HTTPS_PROXY for https servers, honours NO_PROXY and never proxies loopback", () => {
    const env = { HTTPS_PROXY: "proxy.corp:3128", http_proxy: "http://plain:80", NO_PROXY: "internal.example,.svc:443" };
    expect(proxyFromEnvironment("https://api.example:6443", env)).toBe("http://proxy.corp:3128");
    expect(proxyFromEnvironment("http://api.example:8080", env)).toBe("http://plain:80");
    expect(proxyFromEnvironment("https://k.internal.example:6443", env)).toBeUndefined();
    expect(proxyFromEnvironment("https://kubernetes.default.svc", env)).toBeUndefined();
    expect(proxyFromEnvironment("https://kubernetes.default.svc:6443", env)).toBe("http://proxy.corp:3128");
    expect(proxyFromEnvironment("https://127.0.0.1:6443", env)).toBeUndefined();
    expect(proxyFromEnvironment("https://api.example:6443", { ...env, NO_PROXY: "*" })).toBeUndefined();
  });
});
