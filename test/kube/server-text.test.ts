import { describe, expect, it } from "vitest";
import { isUnexpectedNonJson, notJsonSentence, redactServerText } from "../../src/kube/server-text.js";
import type { KubeResponse } from "../../src/kube/types.js";
import { Secret } from "../../src/model/secret.js";

describe("redactServerText", () => {
  it("removes a secret as is and as it appears inside a JSON string, so the parsed body is clean too", () => {
    const password = new Secret('pa"ss\\word-with-quote');
    const body = JSON.stringify({ kind: "Status", message: `user with password ${password.reveal()} is forbidden` });
    const clean = redactServerText(body, [password]);
    expect(clean).not.toContain(JSON.stringify(password.reveal()).slice(1, -1));
    const parsed = JSON.parse(clean) as { message: string };
    expect(parsed.message).toBe("user with password [redacted] is forbidden");
  });

  it("removes bearer tokens and JWT-shaped strings it was not told about", () => {
    const text = redactServerText("got Bearer abc.def-ghi and eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eXoifQ.c2lnbmF0dXJl", []);
    expect(text).toBe("got Bearer [redacted] and [redacted]");
  });
});

function response(status: number, text: string, contentType?: string, json?: unknown): KubeResponse {
  return { status, headers: contentType ? { "content-type": contentType } : {}, text, ...(json === undefined ? {} : { json }), durationMs: 1 };
}

describe("notJsonSentence", () => {
  it("names the status, the content type and the first bytes", () => {
    const html = response(200, `<html>${"x".repeat(100)}</html>`, "text/html; charset=utf-8");
    expect(isUnexpectedNonJson(html)).toBe(true);
    expect(notJsonSentence(html)).toBe(
      `the server answered HTTP 200 but the body is not JSON (text/html; charset=utf-8; first bytes: "<html>${"x".repeat(54)}…")`,
    );
    expect(notJsonSentence(response(201, "  "))).toBe("the server answered HTTP 201 with an empty body where a JSON object was expected (no content type)");
  });

  it("applies to success statuses without a parsed body only", () => {
    expect(isUnexpectedNonJson(response(200, "{}", "application/json", {}))).toBe(false);
    expect(isUnexpectedNonJson(response(403, "forbidden", "text/plain"))).toBe(false);
  });
});
