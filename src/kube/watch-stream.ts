import type { TransportFailure, WatchEvent } from "./types.js";

/** Ends a watch stream that cannot go on: malformed data, an oversized event, or a broken connection. */
export class WatchStreamError extends Error {
  readonly failure: TransportFailure;

  constructor(failure: TransportFailure) {
    super(failure.message);
    this.name = "WatchStreamError";
    this.failure = failure;
  }
}

const EVENT_TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);

function toEvent(text: string): WatchEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WatchStreamError({ code: "other", message: "the watch stream contained malformed JSON; the watch was stopped" });
  }
  const event = value as { type?: unknown; object?: unknown };
  if (
    typeof value !== "object" ||
    value === null ||
    typeof event.type !== "string" ||
    !EVENT_TYPES.has(event.type) ||
    typeof event.object !== "object" ||
    event.object === null
  ) {
    throw new WatchStreamError({
      code: "other",
      message: "the watch stream contained an object that is not a watch event (type and object); the watch was stopped",
    });
  }
  return { type: event.type, object: event.object } as WatchEvent;
}

/**
 * Splits a stream of concatenated JSON objects (what the API server sends for a watch; newlines
 * between them are optional) into watch events. Scans braces outside strings, so an object may span
 * chunks and lines. Anything that is not an object, or an event larger than `maxEventBytes`, ends
 * the stream with a `WatchStreamError`; nothing is skipped silently. `redact` cleans each event's text
 * before it is parsed (the client removes the connection's secrets there).
 */
export async function* parseWatchStream(
  chunks: AsyncIterable<Uint8Array | string>,
  maxEventBytes: number,
  redact: (text: string) => string = (text) => text,
): AsyncGenerator<WatchEvent> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let buffer = "";
  let start = -1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let scanned = 0;
  for await (const chunk of chunks) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (; scanned < buffer.length; scanned++) {
      const char = buffer[scanned] as string;
      if (start < 0) {
        if (char === "{") {
          start = scanned;
          depth = 1;
        } else if (!/\s/.test(char)) {
          throw new WatchStreamError({
            code: "other",
            message: `the watch stream contained unexpected data (${JSON.stringify(char)}) between events; the watch was stopped`,
          });
        }
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (char === "\\") escaped = true;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === "{" || char === "[") depth++;
      else if (char === "}" || char === "]") depth--;
      if (depth === 0) {
        const text = buffer.slice(start, scanned + 1);
        start = -1;
        yield toEvent(redact(text));
      }
    }
    if (start < 0) {
      buffer = "";
      scanned = 0;
    } else if (start > 0) {
      buffer = buffer.slice(start);
      scanned -= start;
      start = 0;
    }
    if (buffer.length > maxEventBytes) {
      throw new WatchStreamError({ code: "body-too-large", message: `a watch event is larger than ${maxEventBytes} bytes; the watch was stopped` });
    }
  }
  if (start >= 0) throw new WatchStreamError({ code: "reset", message: "the watch stream ended in the middle of an event" });
}
