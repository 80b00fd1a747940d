import { redactText, type Secret } from "../model/secret.js";
import type { KubeResponse } from "./types.js";

/**
 * Removes the connection's secrets from text the server sent (a Status message, an error page, a
 * watch event) before anything reads it: a server, or a proxy in front of it, may echo the bearer
 * token or a password back. Each secret is matched as is and JSON-escaped (as it would appear inside
 * a JSON string); bearer tokens and JWT-shaped strings are removed whatever their origin.
 */
export function redactServerText(text: string, secrets: readonly Secret[]): string {
  const values: string[] = [];
  for (const secret of secrets) {
    const value = secret.reveal();
    values.push(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) values.push(escaped);
  }
  return redactText(text, values);
}

/** Bytes of a non-JSON body shown to say what came instead. */
const SHOWN_BYTES = 60;

/**
 * True when the server answered with a success status but the body is not JSON, where saprobe
 * expected a Kubernetes object (a login page of a proxy, a truncated or garbled answer).
 */
export function isUnexpectedNonJson(response: KubeResponse): boolean {
  return response.status >= 200 && response.status < 300 && response.json === undefined;
}

/** "the server answered HTTP 200 but the body is not JSON (text/html; first bytes: "<html>…")". */
export function notJsonSentence(response: KubeResponse): string {
  const type = response.headers["content-type"] || "no content type";
  if (response.text.trim() === "") return `the server answered HTTP ${response.status} with an empty body where a JSON object was expected (${type})`;
  const shown = response.text.length > SHOWN_BYTES ? `${response.text.slice(0, SHOWN_BYTES)}…` : response.text;
  return `the server answered HTTP ${response.status} but the body is not JSON (${type}; first bytes: ${JSON.stringify(shown)})`;
}
