import { describe, expect, it } from "vitest";
import { Secret } from "../../src/model/secret.js";
import { tlsProbe } from "../../src/probes/tls.js";
import { tokenProbe } from "../../src/probes/token.js";
import { watchProbe } from "../../src/probes/watch.js";
import { FakeClient, WHOAMI_ANSWER, fakeCheck, fakeConnection, fakeContext, status } from "./fake-client.js";

const SSR = "POST /apis/authentication.k8s.io/v1/selfsubjectreviews";

function jwt(payload: Record<string, unknown>): Secret {
  return new Secret(`eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJl`);
}

describe("watch", () => {
  const check = fakeCheck({ probe: "watch", resource: "nodes" });

  it("passes on a 200 with an open, quiet stream without waiting, and closes the stream", async () => {
    let signal: AbortSignal | undefined;
    const client = new FakeClient({ "GET /api/v1/nodes": (options) => ((signal = options.signal), { watch: [], hang: true }) });
    const started = Date.now();
    const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
    expect(Date.now() - started).toBeLessThan(500);
    expect(result).toMatchObject({ status: "pass", observed: "allowed", evidence: { httpStatus: 200, stream: "open" } });
    expect(client.requests[0]?.query).toMatchObject({ watch: true, allowWatchBookmarks: true, timeoutSeconds: 5 });
    expect(signal?.aborted).toBe(true);
  });

  it("reports the first event when it is already there", async () => {
    const client = new FakeClient({ "GET /api/v1/nodes": { watch: [{ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } }], hang: true } });
    const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
    expect(result).toMatchObject({ status: "pass", evidence: { firstEvent: "BOOKMARK" } });
  });

  it("reports an ERROR event with 410 Gone as an error, not a pass", async () => {
    const gone = { type: "ERROR" as const, object: status(410, "Expired", "too old resource version: 5 (10)") };
    const client = new FakeClient({ "GET /api/v1/nodes": { watch: [gone] } });
    const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
    expect([result.status, result.observed, result.error?.code]).toEqual(["error", "allowed", "watch-gone"]);
    expect(result.message).toContain("too old resource version");
  });

  it("maps a 403 before streaming to denied with the Status message", async () => {
    const client = new FakeClient({
      "GET /api/v1/nodes": { status: 403, json: status(403, "Forbidden", 'nodes is forbidden: User "x" cannot watch resource "nodes"') },
    });
    const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
    expect([result.status, result.observed]).toEqual(["fail", "denied"]);
    expect(result.evidence.statusMessage).toContain("cannot watch");
  });

  it("watches pods in the identity's namespace", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER, "GET /api/v1/namespaces/team-b/pods": { watch: [] } });
    const result = await watchProbe(client, fakeConnection(), fakeCheck({ probe: "watch", resource: "pods" }), fakeContext(client));
    expect(result.evidence).toMatchObject({ namespace: "team-b", stream: "ended" });
  });
});

describe("tls", () => {
  const check = fakeCheck({ probe: "tls", expect: "denied" });
  const tlsFailure = (tlsCode: string) => new FakeClient({ "GET /version": { failure: { code: "tls", tlsCode, message: `certificate problem ${tlsCode}` } } });

  it("passes when the system bundle rejects an unknown issuer, with the TLS code as evidence, anonymously", async () => {
    const systemCa = tlsFailure("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    const result = await tlsProbe(new FakeClient({}), fakeConnection(), check, fakeContext(new FakeClient({}), { systemCa }));
    expect(result).toMatchObject({
      status: "pass",
      expected: "tls-unknown-issuer",
      observed: "tls-unknown-issuer",
      evidence: { tlsCode: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    });
    expect(systemCa.requests[0]?.anonymous).toBe(true);
  });

  it.each([
    ["CERT_HAS_EXPIRED", "tls-expired", "expired"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls-hostname-mismatch", "host name"],
  ])("fails on %s and says which kind of failure it was", async (code, observed, words) => {
    const result = await tlsProbe(new FakeClient({}), fakeConnection(), check, fakeContext(new FakeClient({}), { systemCa: tlsFailure(code) }));
    expect([result.status, result.observed]).toEqual(["fail", observed]);
    expect(result.message).toContain(words);
  });

  it("fails when the certificate is publicly trusted", async () => {
    const systemCa = new FakeClient({ "GET /version": { status: 200, json: {} } });
    const result = await tlsProbe(new FakeClient({}), fakeConnection(), check, fakeContext(new FakeClient({}), { systemCa }));
    expect([result.status, result.observed]).toEqual(["fail", "publicly-trusted"]);
  });

  it("is an error when the server cannot be reached, and skipped over plain HTTP", async () => {
    const systemCa = new FakeClient({ "GET /version": { failure: { code: "connection-refused", message: "connection refused" } } });
    const refused = await tlsProbe(new FakeClient({}), fakeConnection(), check, fakeContext(new FakeClient({}), { systemCa }));
    const http = await tlsProbe(
      new FakeClient({}),
      fakeConnection({ server: "http://127.0.0.1:8001", viaProxy: true }),
      check,
      fakeContext(new FakeClient({})),
    );
    expect(refused.status).toBe("error");
    expect(http.status).toBe("skip");
  });
});

describe("token", () => {
  const check = fakeCheck({ probe: "token" });
  const now = new Date("2026-01-01T00:00:00Z");
  const nowSeconds = now.getTime() / 1000;
  const bound = {
    iss: "https://kubernetes.default.svc",
    sub: "system:serviceaccount:team-b:builder",
    aud: ["https://kubernetes.default.svc"],
    exp: nowSeconds + 3600,
    iat: nowSeconds - 60,
    "kubernetes.io": { namespace: "team-b", serviceaccount: { name: "builder", uid: "u1" }, pod: { name: "web-0", uid: "p1" } },
  };

  it("passes a bound, unexpired token the server accepts, without ever showing it", async () => {
    const token = jwt(bound);
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const result = await tokenProbe(
      client,
      fakeConnection(),
      check,
      fakeContext(client, { now, token: { source: "/sa/token", token, mountNamespace: "team-b" } }),
    );
    expect(result).toMatchObject({
      status: "pass",
      observed: "accepted",
      evidence: { kind: "bound", secondsLeft: 3600, accepted: "accepted", boundTo: [{ kind: "Pod", name: "web-0", uid: "p1" }] },
    });
    expect(JSON.stringify(result)).not.toContain(token.reveal().split(".")[1]);
  });

  it("fails a legacy Secret-based token (no expiry)", async () => {
    const legacy = {
      iss: "kubernetes/serviceaccount",
      sub: "system:serviceaccount:team-b:builder",
      "kubernetes.io/serviceaccount/namespace": "team-b",
      "kubernetes.io/serviceaccount/secret.name": "builder-token-abcde",
    };
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const result = await tokenProbe(client, fakeConnection(), check, fakeContext(client, { now, token: { source: "/sa/token", token: jwt(legacy) } }));
    expect([result.status, result.observed]).toEqual(["fail", "legacy"]);
    expect(result.message).toContain('legacy Secret-based token (Secret "builder-token-abcde")');
  });

  it("fails when the server rejects the token, and when the namespace claim differs from the mount", async () => {
    const rejecting = new FakeClient({ [SSR]: { status: 401, json: status(401, "Unauthorized", "Unauthorized") } });
    const rejected = await tokenProbe(rejecting, fakeConnection(), check, fakeContext(rejecting, { now, token: { source: "/sa/token", token: jwt(bound) } }));
    expect([rejected.status, rejected.observed]).toEqual(["fail", "rejected"]);
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const mismatch = await tokenProbe(
      client,
      fakeConnection(),
      check,
      fakeContext(client, { now, token: { source: "/sa/token", token: jwt(bound), mountNamespace: "other" } }),
    );
    expect(mismatch.message).toContain('namespace claim "team-b" differs from the mount\'s namespace file "other"');
  });

  it("is skipped for client certificates and an error for an unreadable token file", async () => {
    const client = new FakeClient({});
    const certificate = await tokenProbe(
      client,
      fakeConnection({ credentials: { kind: "client-certificate", certFile: "/c", keyFile: "/k" } }),
      check,
      fakeContext(client),
    );
    const unreadable = await tokenProbe(
      client,
      fakeConnection(),
      check,
      fakeContext(client, { token: { source: "/sa/token", error: "cannot read the token file: ENOENT" } }),
    );
    expect(certificate.status).toBe("skip");
    expect([unreadable.status, unreadable.error?.code]).toEqual(["error", "token-unreadable"]);
  });
});

describe("token when the server cannot be asked", () => {
  it("is an error, not a pass, when the SelfSubjectReview got no answer", async () => {
    const client = new FakeClient({
      "POST /apis/authentication.k8s.io/v1/selfsubjectreviews": { failure: { code: "connection-refused", message: "nothing is listening" } },
    });
    const result = await tokenProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "token" }),
      fakeContext(client, { token: { source: "--token", token: new Secret("opaque-static-token") } }),
    );
    expect([result.status, result.observed, result.error?.code]).toEqual(["error", "unknown", "token-unconfirmed"]);
    expect(result.message).toContain("nothing is listening");
  });
});

describe("token when SelfSubjectReview is forbidden", () => {
  it("counts a 403 as accepted: authentication passed, only the review was refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({ sub: "system:serviceaccount:a:b", exp: now + 3600, "kubernetes.io": { namespace: "a" } });
    const client = new FakeClient({
      "POST /apis/authentication.k8s.io/v1/selfsubjectreviews": { status: 403, json: status(403, "Forbidden", "cannot create selfsubjectreviews") },
    });
    const result = await tokenProbe(
      client,
      fakeConnection(),
      fakeCheck({ probe: "token" }),
      fakeContext(client, { now: new Date(now * 1000), token: { source: "/sa/token", token } }),
    );
    expect([result.status, result.observed]).toEqual(["pass", "accepted"]);
  });
});
