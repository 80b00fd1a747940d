import { describe, expect, it } from "vitest";
import { parseWatchStream, WatchStreamError } from "../../src/kube/watch-stream.js";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(parts: string[], limit = 1024): Promise<{ types: string[]; error?: unknown }> {
  const types: string[] = [];
  try {
    for await (const event of parseWatchStream(chunks(...parts), limit)) types.push(event.type);
  } catch (error) {
    return { types, error };
  }
  return { types };
}

const added = JSON.stringify({ type: "ADDED", object: { metadata: { name: 'a}"{' } } });
const deleted = JSON.stringify({ type: "DELETED", object: { metadata: { name: "b" } } });

describe("parseWatchStream", () => {
  it("splits concatenated objects with or without newlines, across chunk boundaries", async () => {
    const text = `${added}${deleted}\n${added}`;
    const result = await collect([text.slice(0, 7), text.slice(7, 50), text.slice(50)]);
    expect(result).toEqual({ types: ["ADDED", "DELETED", "ADDED"] });
  });

  it("splits a multi-byte character across chunks without corrupting it", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "ADDED", object: { name: "grüße" } }));
    const events = [];
    async function* split() {
      for (let index = 0; index < bytes.length; index += 3) yield bytes.slice(index, index + 3);
    }
    for await (const event of parseWatchStream(split(), 1024)) events.push(event);
    expect(events[0]?.object).toEqual({ name: "grüße" });
  });

  it("ends with an error on malformed data after delivering the good events", async () => {
    const result = await collect([`${added}\nnot-json`]);
    expect(result.types).toEqual(["ADDED"]);
    expect(result.error).toBeInstanceOf(WatchStreamError);
  });

  it("rejects objects that are not watch events", async () => {
    const result = await collect(['{"kind":"Pod"}']);
    expect(result.error).toBeInstanceOf(WatchStreamError);
  });

  it("rejects an event bigger than the limit", async () => {
    const result = await collect([`{"type":"ADDED","object":{"pad":"${"x".repeat(200)}`], 100);
    expect((result.error as WatchStreamError).failure.code).toBe("body-too-large");
  });

  it("reports a stream cut in the middle of an event", async () => {
    const result = await collect([added, added.slice(0, 10)]);
    expect(result.types).toEqual(["ADDED"]);
    expect((result.error as WatchStreamError).failure.code).toBe("reset");
  });
});
