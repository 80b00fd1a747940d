import { describe, expect, it } from "vitest";
import { getNonResource, getResource, getVersion, listFirstItem, rawCall, readObject, readPodLog, resourcePath, startWatch } from "../../src/kube/requests.js";
import { FakeClient, status } from "../probes/fake-client.js";

describe("the kube operations", () => {
  it("build each request once: path, query, credentials, and the request a report shows", async () => {
    const client = new FakeClient({ "GET /version": { status: 200, json: { gitVersion: "v1.31.0" } } });
    const signal = new AbortController().signal;
    const version = await getVersion(client, { anonymous: true, signal, timeoutMs: 5 });
    const list = await listFirstItem(client, { group: "apps", resource: "deployments", namespace: "team a", name: "ignored" });
    const one = await getResource(client, { resource: "pods", namespace: "n", name: "p", subresource: "status" });
    const log = await readPodLog(client, { namespace: "n", pod: "p", container: "c", follow: true, limitBytes: 10 });
    const raw = await rawCall(client, { method: "POST", path: "/apis/x/v1/things", body: { a: 1 } });
    await getNonResource(client, "/healthz");
    expect(version.outcome).toMatchObject({ ok: true, response: { status: 200 } });
    expect([version, list, one, log, raw].map((sent) => sent.request)).toEqual([
      { method: "GET", path: "/version" },
      { method: "GET", path: "/apis/apps/v1/namespaces/team%20a/deployments?limit=1" },
      { method: "GET", path: "/api/v1/namespaces/n/pods/p/status" },
      { method: "GET", path: "/api/v1/namespaces/n/pods/p/log" },
      { method: "POST", path: "/apis/x/v1/things" },
    ]);
    expect(client.requests).toEqual([
      { path: "/version", anonymous: true, signal, timeoutMs: 5 },
      { path: "/apis/apps/v1/namespaces/team%20a/deployments", query: { limit: 1 }, signal: undefined, timeoutMs: undefined },
      { path: "/api/v1/namespaces/n/pods/p/status", signal: undefined, timeoutMs: undefined },
      { path: "/api/v1/namespaces/n/pods/p/log", query: { container: "c", follow: true, limitBytes: 10 }, signal: undefined, timeoutMs: undefined },
      { method: "POST", path: "/apis/x/v1/things", body: { a: 1 }, signal: undefined, timeoutMs: undefined },
      { path: "/healthz", signal: undefined, timeoutMs: undefined },
    ]);
  });

  it("start a bounded watch, and read one object saying why it could not", async () => {
    const client = new FakeClient({
      "GET /api/v1/nodes": { watch: [] },
      "GET /apis/rbac.authorization.k8s.io/v1/clusterroles/gone": { status: 404, json: status(404, "NotFound", "not found") },
      "GET /api/v1/namespaces/n/serviceaccounts/a": { status: 200, json: { metadata: { name: "a" } } },
    });
    const watch = await startWatch(client, { resource: "nodes", namespace: "" }, 7);
    expect(watch.request).toEqual({ method: "GET", path: "/api/v1/nodes?watch=true" });
    expect(client.requests[0]?.query).toEqual({ watch: true, allowWatchBookmarks: true, timeoutSeconds: 7 });
    expect(await readObject(client, { group: "rbac.authorization.k8s.io", resource: "clusterroles", namespace: "", name: "gone" })).toEqual({
      ok: false,
      notFound: true,
      forbidden: false,
      reason: "HTTP 404: not found",
    });
    expect(await readObject(client, { resource: "serviceaccounts", namespace: "n", name: "a" })).toEqual({ ok: true, object: { metadata: { name: "a" } } });
    expect(resourcePath({ resource: "namespaces", namespace: "", name: "kube-system" })).toBe("/api/v1/namespaces/kube-system");
  });
});
