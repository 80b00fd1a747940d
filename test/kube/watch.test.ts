import { afterEach, describe, expect, it } from "vitest";
import { createKubeClient } from "../../src/kube/client.js";
import type { WatchEvent } from "../../src/kube/types.js";
import { WatchStreamError } from "../../src/kube/watch-stream.js";
import { startFaultServer, type Behaviour } from "../support/fault-server.js";
import { connectionFor } from "./connection-for.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function watchWith(behaviour: Behaviour, signal?: AbortSignal) {
  const server = await startFaultServer({ behaviour });
  const client = createKubeClient(connectionFor(server.url, { tls: { caFile: server.caFile, insecureSkipTLSVerify: false }, requestTimeoutMs: 500 }));
  cleanup.push(
    () => client.close(),
    () => server.close(),
  );
  return { server, outcome: await client.watch({ path: "/api/v1/pods", query: { resourceVersion: "1" }, signal }) };
}

async function drain(events: AsyncIterable<WatchEvent>): Promise<{ events: WatchEvent[]; error?: unknown }> {
  const seen: WatchEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    return { events: seen, error };
  }
  return { events: seen };
}

describe("KubeClient.watch", () => {
  it("streams events past the request timeout until the caller aborts, then ends quietly", async () => {
    const controller = new AbortController();
    const { server, outcome } = await watchWith({ kind: "watch-one-then-hang" }, controller.signal);
    expect(outcome.ok && outcome.status).toBe(200);
    expect(server.requests[0]?.query.get("watch")).toBe("true");
    setTimeout(() => controller.abort(), 800);
    const result = await drain((outcome as { events: AsyncIterable<WatchEvent> }).events);
    expect(result.error).toBeUndefined();
    expect(result.events.map((event) => event.type)).toEqual(["ADDED"]);
  });

  it("delivers an ERROR event and ends when the server ends", async () => {
    const { outcome } = await watchWith({ kind: "watch-error-event" });
    const result = await drain((outcome as { events: AsyncIterable<WatchEvent> }).events);
    expect(result.events.map((event) => event.type)).toEqual(["ERROR"]);
    expect(result.error).toBeUndefined();
  });

  it("returns a non-200 answer before streaming as a response", async () => {
    const { outcome } = await watchWith({ kind: "watch-gone" });
    expect(outcome.ok && outcome.status).toBe(410);
    expect(outcome.ok && outcome.events).toBeUndefined();
  });

  it("ends with a WatchStreamError on a malformed stream", async () => {
    const { outcome } = await watchWith({
      kind: "custom",
      handle: (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"type":"ADDED","object":{}}\n<html>oops</html>');
      },
    });
    const result = await drain((outcome as { events: AsyncIterable<WatchEvent> }).events);
    expect(result.events).toHaveLength(1);
    expect(result.error).toBeInstanceOf(WatchStreamError);
  });
});
