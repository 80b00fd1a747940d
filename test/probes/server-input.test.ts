import { describe, expect, it } from "vitest";
import type { KubeClient, WatchEvent } from "../../src/kube/types.js";
import { WatchStreamError } from "../../src/kube/watch-stream.js";
import { accessReviewProbe } from "../../src/probes/access-review.js";
import { versionProbe } from "../../src/probes/version.js";
import { watchProbe } from "../../src/probes/watch.js";
import { whoamiProbe } from "../../src/probes/whoami.js";
import { FakeClient, fakeCheck, fakeConnection, fakeContext } from "./fake-client.js";

// Whatever the server sends, a probe returns a result that says what came: a success status with a
// body that is not JSON is an error naming it, and a watch stream that breaks is an error, never a crash.

const HTML = { status: 200, text: "<html><body>Please sign in</body></html>" };

describe("a success status whose body is not JSON", () => {
  it("version: an error that shows the first bytes, not a pass", async () => {
    const client = new FakeClient({ "GET /version": HTML });
    const result = await versionProbe(client, fakeConnection(), fakeCheck({ probe: "version" }), fakeContext(client));
    expect([result.status, result.observed, result.error?.code]).toEqual(["error", "not-json", "not-json"]);
    expect(result.message).toMatch(/answered HTTP 200 but the body is not JSON \(no content type; first bytes: "<html><body>Please sign in/);
  });

  it("whoami: says the answer is not JSON, not that it has no username", async () => {
    const client = new FakeClient({ "POST /apis/authentication.k8s.io/v1/selfsubjectreviews": { status: 201, text: "not json at all" } });
    const result = await whoamiProbe(client, fakeConnection(), fakeCheck({ probe: "whoami" }), fakeContext(client));
    expect(result.status).toBe("error");
    expect(result.message).toMatch(/could not ask who saprobe is: SelfSubjectReview: the server answered HTTP 201 but the body is not JSON/);
  });

  it("access-review: an unanswered question, not a denial", async () => {
    const client = new FakeClient({ "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": { status: 201, text: "" } });
    const check = fakeCheck({ probe: "access-review", expect: "denied", reviews: [{ verb: "get", resource: "pods", namespace: "a" }] });
    const result = await accessReviewProbe(client, fakeConnection(), check, fakeContext(client));
    expect(result.status).toBe("error");
    expect(result.message).toMatch(/could not be asked: SelfSubjectAccessReview: the server answered HTTP 201 with an empty body/);
  });
});

/** A client whose watch stream throws `error` once `afterMs` has passed (0: at once). */
function breakingWatch(error: Error, afterMs: number): KubeClient {
  async function* events(): AsyncGenerator<WatchEvent> {
    if (afterMs > 0) await new Promise((resolve) => setTimeout(resolve, afterMs));
    throw error;
  }
  return {
    request: async () => ({ ok: false, failure: { code: "other", message: "unused" }, durationMs: 0 }),
    watch: async () => ({ ok: true, status: 200, events: events() }),
    close: async () => undefined,
  };
}

describe("a watch stream that breaks", () => {
  const check = fakeCheck({ probe: "watch", resource: "nodes" });

  it("at once: an error result saying why, not a crash", async () => {
    const client = breakingWatch(new WatchStreamError({ code: "other", message: "the watch stream contained malformed JSON; the watch was stopped" }), 0);
    const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
    expect([result.status, result.error?.code]).toEqual(["error", "watch-stream-other"]);
    expect(result.message).toMatch(/allowed \(200\), but the watch stream contained malformed JSON/);
  });

  it("after the probe stopped looking: no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const client = breakingWatch(new Error("socket hang up"), 20);
      const result = await watchProbe(client, fakeConnection(), check, fakeContext(client));
      expect(result.status).toBe("pass");
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
