import { beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../src/connect/resolve.js";
import type { Connection } from "../../src/connect/types.js";
import { createKubeClient } from "../../src/kube/client.js";
import type { WatchEvent } from "../../src/kube/types.js";
import { Secret } from "../../src/model/secret.js";
import { adminRequest, createServiceAccount, mintToken, testCluster, uniqueNamespace } from "../support/cluster.js";

let admin: Connection;
let namespace: string;

beforeAll(async () => {
  admin = await resolveConnection({ overrides: {}, kubeconfig: testCluster().adminKubeconfig, env: {}, cwd: "/", requestTimeoutMs: 15_000 });
  namespace = await uniqueNamespace("kube");
});

describe("KubeClient against the real API server", () => {
  it("watches ConfigMaps: the ADDED event of an object created during the watch", async () => {
    const client = createKubeClient(admin);
    const controller = new AbortController();
    try {
      const list = await client.request({ path: `/api/v1/namespaces/${namespace}/configmaps` });
      const resourceVersion = list.ok ? (list.response.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion : "0";
      const outcome = await client.watch({
        path: `/api/v1/namespaces/${namespace}/configmaps`,
        query: { resourceVersion, timeoutSeconds: 20 },
        signal: controller.signal,
      });
      expect(outcome.ok && outcome.status).toBe(200);
      if (!outcome.ok || !outcome.events) throw new Error("watch did not start");
      await adminRequest("POST", `/api/v1/namespaces/${namespace}/configmaps`, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "watched" },
        data: { a: "b" },
      });
      const seen: WatchEvent[] = [];
      const timer = setTimeout(() => controller.abort(), 10_000);
      for await (const event of outcome.events) {
        seen.push(event);
        if ((event.object as { metadata?: { name?: string } }).metadata?.name === "watched") break;
      }
      clearTimeout(timer);
      expect(seen.at(-1)).toMatchObject({ type: "ADDED", object: { metadata: { name: "watched" }, data: { a: "b" } } });
    } finally {
      controller.abort();
      await client.close();
    }
  });

  it("returns a 403 before streaming for a ServiceAccount without RBAC", async () => {
    await createServiceAccount(namespace, "nobody");
    const token = await mintToken(namespace, "nobody");
    const client = createKubeClient({ ...admin, credentials: { kind: "token", token: new Secret(token) } });
    try {
      const outcome = await client.watch({ path: `/api/v1/namespaces/${namespace}/secrets` });
      expect(outcome.ok && outcome.status).toBe(403);
      expect(outcome.ok && outcome.events).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("sends no credentials for anonymous requests, even with an admin token", async () => {
    const client = createKubeClient(admin);
    try {
      const outcome = await client.request({ path: "/api", anonymous: true });
      expect(outcome.ok && outcome.response.status).toBe(403);
      expect(outcome.ok && outcome.response.text).toContain("system:anonymous");
    } finally {
      await client.close();
    }
  });

  it("caps a real response body", async () => {
    const client = createKubeClient(admin, { bodyLimitBytes: 256 });
    try {
      const outcome = await client.request({ path: "/openapi/v2" });
      expect(outcome.ok ? "ok" : outcome.failure.code).toBe("body-too-large");
    } finally {
      await client.close();
    }
  });

  it("maps the real server's certificate failures: untrusted CA, wrong server name", async () => {
    const untrusted = createKubeClient({ ...admin, tls: { insecureSkipTLSVerify: false } });
    const wrongName = createKubeClient({ ...admin, tls: { ...admin.tls, serverName: "not-the-apiserver.example" } });
    try {
      const first = await untrusted.request({ path: "/version" });
      expect(first.ok ? "ok" : first.failure.code).toBe("tls");
      expect(first.ok ? undefined : first.failure.tlsCode).toMatch(/UNABLE_TO_|SELF_SIGNED/);
      const second = await wrongName.request({ path: "/version" });
      expect(second.ok ? undefined : second.failure.tlsCode).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await Promise.all([untrusted.close(), wrongName.close()]);
    }
  });
});
