import { describe, expect, it } from "vitest";
import { accessReviewProbe } from "../../src/probes/access-review.js";
import { anonymousProbe } from "../../src/probes/anonymous.js";
import { getProbe } from "../../src/probes/get.js";
import { listProbe } from "../../src/probes/list.js";
import { logsProbe } from "../../src/probes/logs.js";
import { rawProbe } from "../../src/probes/raw.js";
import { resourceAttributes } from "../../src/probes/target.js";
import { versionProbe } from "../../src/probes/version.js";
import { whoamiProbe } from "../../src/probes/whoami.js";
import { FakeClient, SA_USER, WHOAMI_ANSWER, fakeCheck, fakeConnection, fakeContext, status } from "./fake-client.js";

const SSR = "POST /apis/authentication.k8s.io/v1/selfsubjectreviews";
const forbiddenPods = status(
  403,
  "Forbidden",
  'pods is forbidden: User "system:serviceaccount:team-b:builder" cannot list resource "pods" in API group "" in the namespace "team-b"',
);

describe("list", () => {
  it("lists in the ServiceAccount's namespace with limit=1 and passes when allowed", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER, "GET /api/v1/namespaces/team-b/pods": { status: 200, json: { items: [{}] } } });
    const result = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "pods" }), fakeContext(client));
    expect(result).toMatchObject({
      status: "pass",
      expected: "allowed",
      observed: "allowed",
      evidence: { httpStatus: 200, namespace: "team-b", itemsSeen: 1 },
    });
    expect(client.requests.at(-1)?.query).toEqual({ limit: 1 });
  });

  it("shows a 403's Status reason and message, and fails when allowed was expected", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER, "GET /api/v1/namespaces/team-b/pods": { status: 403, json: forbiddenPods } });
    const result = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "pods" }), fakeContext(client));
    expect(result.status).toBe("fail");
    expect(result.observed).toBe("denied");
    expect(result.evidence).toMatchObject({ httpStatus: 403, reason: "Forbidden", statusMessage: forbiddenPods.message });
    expect(result.message).toContain("expected allowed");
  });

  it("passes a denial that was expected, lists nodes at cluster scope and pods across namespaces", async () => {
    const client = new FakeClient({ "GET /api/v1/nodes": { status: 403, json: forbiddenPods }, "GET /api/v1/pods": { status: 200, json: { items: [] } } });
    const nodes = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "nodes", expect: "denied" }), fakeContext(client));
    const all = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "pods", allNamespaces: true }), fakeContext(client));
    expect([nodes.status, all.status]).toEqual(["pass", "pass"]);
    expect(client.requests.map((request) => request.path)).toEqual(["/api/v1/nodes", "/api/v1/pods"]);
  });

  it("falls back to the connection's namespace when the identity is not a ServiceAccount", async () => {
    const client = new FakeClient({
      [SSR]: { status: 201, json: { status: { userInfo: { username: "alice", groups: [] } } } },
      "GET /apis/apps/v1/namespaces/team-a/deployments": { status: 200, json: { items: [] } },
    });
    const result = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "deployments", group: "apps" }), fakeContext(client));
    expect(result.evidence).toMatchObject({ namespace: "team-a", namespaceSource: "mount namespace file" });
  });

  it("is an error, never a pass, on 401 and on transport failures", async () => {
    const unauthorized = new FakeClient({ "GET /api/v1/nodes": { status: 401, json: status(401, "Unauthorized", "Unauthorized") } });
    const timeout = new FakeClient({
      "GET /api/v1/nodes": { failure: { code: "timeout", message: "the server accepted the connection but sent no response within 1s" } },
    });
    const check = fakeCheck({ probe: "list", resource: "nodes", expect: "any" });
    const first = await listProbe(unauthorized, fakeConnection(), check, fakeContext(unauthorized));
    const second = await listProbe(timeout, fakeConnection(), check, fakeContext(timeout));
    expect([first.status, first.observed, first.error?.code]).toEqual(["error", "unauthorized", "unauthorized"]);
    expect([second.status, second.observed, second.error?.code]).toEqual(["error", "timeout", "transport-timeout"]);
    expect(second.message).toContain("sent no response within 1s");
  });

  it("treats a 5xx as an error", async () => {
    const client = new FakeClient({ "GET /api/v1/nodes": { status: 503, json: status(503, "ServiceUnavailable", "etcd is down") } });
    const result = await listProbe(client, fakeConnection(), fakeCheck({ probe: "list", resource: "nodes" }), fakeContext(client));
    expect([result.status, result.observed]).toEqual(["error", "server-error"]);
    expect(result.message).toContain("etcd is down");
  });
});

describe("version and whoami", () => {
  it("reports the server version", async () => {
    const client = new FakeClient({ "GET /version": { status: 200, json: { gitVersion: "v1.32.3" } } });
    const result = await versionProbe(client, fakeConnection(), fakeCheck({ probe: "version" }), fakeContext(client));
    expect(result).toMatchObject({ status: "pass", observed: "allowed", evidence: { serverVersion: "v1.32.3" } });
  });

  it("shows the username and groups from SelfSubjectReview", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const result = await whoamiProbe(client, fakeConnection(), fakeCheck({ probe: "whoami" }), fakeContext(client));
    expect(result).toMatchObject({ status: "pass", observed: "allowed", evidence: { username: SA_USER.username, source: "SelfSubjectReview" } });
  });

  it("falls back to the token's claims on a 404 and says so", async () => {
    const payload = Buffer.from(JSON.stringify({ sub: "system:serviceaccount:ops:runner" })).toString("base64url");
    const { Secret } = await import("../../src/model/secret.js");
    const client = new FakeClient({});
    const context = fakeContext(client, { token: { source: "/mount/token", token: new Secret(`eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`) } });
    const result = await whoamiProbe(client, fakeConnection(), fakeCheck({ probe: "whoami" }), context);
    expect(result.status).toBe("pass");
    expect(result.evidence).toMatchObject({ username: "system:serviceaccount:ops:runner", source: "token claims" });
    expect(result.message).toContain("does not serve SelfSubjectReview (404)");
  });

  it("is an error when the credentials are rejected", async () => {
    const client = new FakeClient({ [SSR]: { status: 401, json: status(401, "Unauthorized", "Unauthorized") } });
    const result = await whoamiProbe(client, fakeConnection(), fakeCheck({ probe: "whoami" }), fakeContext(client));
    expect([result.status, result.observed, result.error?.code]).toEqual(["error", "unauthorized", "unauthorized"]);
  });
});

describe("get, logs and raw", () => {
  it("get: a 404 shows the request was authorized", async () => {
    const client = new FakeClient({ "GET /api/v1/namespaces/x/configmaps/app": { status: 404, json: status(404, "NotFound", 'configmaps "app" not found') } });
    const result = await getProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "get", resource: "configmaps", name: "app", namespace: "x" }),
      fakeContext(client),
    );
    expect([result.status, result.observed]).toEqual(["pass", "allowed"]);
    expect(result.message).toContain('configmaps "app" not found');
  });

  it("logs: passes the container and a byte limit; a 400 from a pod not started is still authorized", async () => {
    const client = new FakeClient({
      "GET /api/v1/namespaces/x/pods/web-0/log": {
        status: 400,
        json: status(400, "BadRequest", 'container "app" in pod "web-0" is waiting to start: ContainerCreating'),
      },
    });
    const result = await logsProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "logs", name: "web-0", container: "app", namespace: "x" }),
      fakeContext(client),
    );
    expect(result.status).toBe("pass");
    expect(client.requests[0]?.query).toMatchObject({ container: "app", limitBytes: 4096 });
  });

  it("logs: a follow still streaming when its time is up counts as allowed", async () => {
    const client = new FakeClient({ "GET /api/v1/namespaces/x/pods/web-0/log": { failure: { code: "body-timeout", message: "body did not finish" } } });
    const result = await logsProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "logs", name: "web-0", namespace: "x", followSeconds: 1 }),
      fakeContext(client),
    );
    expect(result).toMatchObject({ status: "pass", evidence: { followedSeconds: 1 } });
    expect(client.requests[0]).toMatchObject({ query: { follow: true }, timeoutMs: 1000 });
  });

  it("raw: posts a body and maps the status", async () => {
    const client = new FakeClient({ "POST /apis/x/v1/things": { status: 403, json: status(403, "Forbidden", "no") } });
    const result = await rawProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "raw", method: "POST", path: "/apis/x/v1/things", body: { a: 1 }, expect: "denied" }),
      fakeContext(client),
    );
    expect(result.status).toBe("pass");
    expect(client.requests[0]?.body).toEqual({ a: 1 });
  });
});

describe("access-review", () => {
  it("asks every question at once and names the mismatches", async () => {
    const client = new FakeClient({
      [SSR]: WHOAMI_ANSWER,
      "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": (options) => {
        const spec = (options.body as { spec: { resourceAttributes?: { verb: string; namespace: string } } }).spec;
        const allowed = spec.resourceAttributes?.verb === "get";
        return { status: 201, json: { status: { allowed, reason: allowed ? "RBAC: allowed by RoleBinding" : "" } } };
      },
    });
    const check = fakeCheck({
      probe: "access-review",
      expect: "denied",
      reviews: [
        { verb: "get", resource: "secrets" },
        { verb: "list", resource: "secrets", namespace: "" },
        { verb: "get", path: "/metrics" },
      ],
    });
    const result = await accessReviewProbe(client, fakeConnection(), check, fakeContext(client));
    expect([result.status, result.observed]).toEqual(["fail", "mixed"]);
    expect(result.message).toContain("get secrets -n team-b is allowed");
    const bodies = client.requests.filter((request) => request.method === "POST" && request.path.includes("access")).map((request) => request.body);
    expect(bodies).toHaveLength(3);
    expect(bodies[2]).toMatchObject({ spec: { nonResourceAttributes: { path: "/metrics", verb: "get" } } });
  });

  it("is an error when the review itself is forbidden", async () => {
    const client = new FakeClient({
      "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": { status: 403, json: status(403, "Forbidden", "cannot create selfsubjectaccessreviews") },
    });
    const result = await accessReviewProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "access-review", reviews: [{ verb: "get", path: "/x" }] }),
      fakeContext(client),
    );
    expect(result.status).toBe("error");
    expect(result.message).toContain("cannot create selfsubjectaccessreviews");
  });
});

describe("anonymous", () => {
  const publicOnly = {
    "GET /version": { status: 200, json: {} },
    "GET /healthz": { status: 200, text: "ok" },
    "GET /api": { status: 403, json: status(403, "Forbidden", 'forbidden: User "system:anonymous" cannot get path "/api"') },
    "GET /api/v1/namespaces/team-a/pods": { status: 403, json: status(403, "Forbidden", "pods is forbidden") },
  };

  it("passes when anonymous users get only the public-info endpoints, without credentials", async () => {
    const client = new FakeClient(publicOnly);
    const result = await anonymousProbe(client, fakeConnection(), fakeCheck({ probe: "anonymous", expect: "denied" }), fakeContext(client));
    expect([result.status, result.observed]).toEqual(["pass", "denied"]);
    expect(result.evidence["/api"]).toMatchObject({ httpStatus: 403, statusMessage: 'forbidden: User "system:anonymous" cannot get path "/api"' });
    expect(client.requests.every((request) => request.anonymous === true)).toBe(true);
  });

  it("fails when anonymous users can list pods", async () => {
    const client = new FakeClient({ ...publicOnly, "GET /api/v1/namespaces/team-a/pods": { status: 200, json: { items: [] } } });
    const result = await anonymousProbe(client, fakeConnection(), fakeCheck({ probe: "anonymous", expect: "denied" }), fakeContext(client));
    expect([result.status, result.observed]).toEqual(["fail", "allowed"]);
    expect(result.message).toContain("/api/v1/namespaces/team-a/pods beyond the public-info endpoints");
  });

  it("says so when anonymous authentication is off", async () => {
    const unauthorized = { status: 401, json: status(401, "Unauthorized", "Unauthorized") };
    const client = new FakeClient({
      "GET /version": unauthorized,
      "GET /healthz": unauthorized,
      "GET /api": unauthorized,
      "GET /api/v1/namespaces/team-a/pods": unauthorized,
    });
    const result = await anonymousProbe(client, fakeConnection(), fakeCheck({ probe: "anonymous", expect: "denied" }), fakeContext(client));
    expect(result.status).toBe("pass");
    expect(result.message).toContain("anonymous authentication is off");
  });

  it("is skipped through kubectl proxy", async () => {
    const client = new FakeClient(publicOnly);
    const result = await anonymousProbe(
      client,
      fakeConnection({ viaProxy: true, server: "http://127.0.0.1:8001" }),
      fakeCheck({ probe: "anonymous" }),
      fakeContext(client),
    );
    expect(result.status).toBe("skip");
    expect(client.requests).toHaveLength(0);
  });
});

describe("the RBAC attributes of a resource check", () => {
  it("put a GET of one namespace object in that namespace, as the apiserver's RequestInfo does; the collection stays cluster-wide", () => {
    const one = fakeCheck({ id: "get-own-namespace", probe: "get", resource: "namespaces", name: "team" });
    expect(resourceAttributes(one, "get", "")).toMatchObject({ resource: "namespaces", name: "team", namespace: "team" });
    const all = fakeCheck({ id: "list-namespaces", probe: "list", resource: "namespaces" });
    expect(resourceAttributes(all, "list", "")).toMatchObject({ resource: "namespaces", namespace: "" });
    const node = fakeCheck({ id: "get-node", probe: "get", resource: "nodes", name: "n1" });
    expect(resourceAttributes(node, "get", "")).toMatchObject({ resource: "nodes", namespace: "" });
  });
});
