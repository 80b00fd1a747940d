import type { Dispatcher } from "undici";

/** A body read up to a size cap. */
export type CappedBody = { ok: true; text: string } | { ok: false; tooLarge: true; limit: number };

/** Reads a response body as text, stopping (and destroying the stream) once it exceeds `limit` bytes. */
export async function readCappedBody(body: Dispatcher.ResponseData["body"], limit: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      return { ok: false, tooLarge: true, limit };
    }
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

/** Response headers as a flat record (repeated headers joined with ", "). */
export function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** The parsed JSON body, when the content type says JSON and it parses. */
export function parseJsonBody(headers: Record<string, string>, text: string): unknown {
  if (!/json/i.test(headers["content-type"] ?? "") || text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
