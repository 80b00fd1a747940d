import { describe, expect, it } from "vitest";
import { MAX_RETRIES, retryDelayMs, type RetryQuestion } from "../../src/kube/retry.js";
import type { KubeResponse } from "../../src/kube/types.js";

function answer(status: number, retryAfter?: string): KubeResponse {
  return { status, headers: retryAfter === undefined ? {} : { "retry-after": retryAfter }, text: "", durationMs: 1 };
}

const get: RetryQuestion = { method: "GET", retryable: false, retries: 0, elapsedMs: 0, budgetMs: 30_000 };

describe("retryDelayMs", () => {
  it("waits what Retry-After says for 429 and 5xx answers to a GET", () => {
    expect(retryDelayMs(answer(429, "1"), get)).toBe(1_000);
    expect(retryDelayMs(answer(503, "2"), get)).toBe(2_000);
    expect(retryDelayMs(answer(500, "0"), get)).toBe(0);
  });

  it("never retries without a Retry-After in seconds, or for other statuses", () => {
    expect(retryDelayMs(answer(429), get)).toBeUndefined();
    expect(retryDelayMs(answer(503, "Wed, 21 Oct 2015 07:28:00 GMT"), get)).toBeUndefined();
    expect(retryDelayMs(answer(503, "-1"), get)).toBeUndefined();
    expect(retryDelayMs(answer(403, "1"), get)).toBeUndefined();
    expect(retryDelayMs(answer(200, "1"), get)).toBeUndefined();
  });

  it("repeats a POST only when the caller says it changes nothing", () => {
    expect(retryDelayMs(answer(429, "1"), { ...get, method: "POST" })).toBeUndefined();
    expect(retryDelayMs(answer(429, "1"), { ...get, method: "POST", retryable: true })).toBe(1_000);
  });

  it("is bounded: retries, the longest wait, and the request's time budget", () => {
    expect(retryDelayMs(answer(429, "1"), { ...get, retries: MAX_RETRIES - 1 })).toBe(1_000);
    expect(retryDelayMs(answer(429, "1"), { ...get, retries: MAX_RETRIES })).toBeUndefined();
    expect(retryDelayMs(answer(429, "3600"), get)).toBeUndefined();
    expect(retryDelayMs(answer(429, "1"), { ...get, elapsedMs: 1_500, budgetMs: 2_000 })).toBeUndefined();
    expect(retryDelayMs(answer(429, "1"), { ...get, elapsedMs: 500, budgetMs: 2_000 })).toBe(1_000);
    expect(retryDelayMs(answer(429, "5"), { ...get, budgetMs: 0 })).toBe(5_000);
  });
});
