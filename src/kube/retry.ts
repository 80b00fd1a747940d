import { setTimeout as sleep } from "node:timers/promises";
import type { KubeResponse, RequestOptions } from "./types.js";

/** At most this many retries of one request (client-go allows 10; a probe has seconds, not minutes). */
export const MAX_RETRIES = 3;

/** A Retry-After longer than this is not waited for: the answer stands. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** What decides whether one answered request is tried again. */
export interface RetryQuestion {
  method: string;
  /** The caller says the request changes nothing (a self-review), so a POST may be repeated. */
  retryable: boolean;
  /** Retries made so far. */
  retries: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
  /** The whole request's time budget (the request timeout); 0 means none. */
  budgetMs: number;
}

/**
 * How long to wait before trying again, or undefined for "the answer stands". As client-go does, a
 * 429 or 5xx carrying `Retry-After: <seconds>` is the server asking to be asked again; unlike
 * client-go, only requests that change nothing are repeated (GET, HEAD, and self-reviews the caller
 * marks `retryable`), at most `MAX_RETRIES` times, never for a wait over `MAX_RETRY_AFTER_MS`, and
 * never when the wait would end past the request's budget.
 */
export function retryDelayMs(response: KubeResponse, question: RetryQuestion): number | undefined {
  const safe = question.method === "GET" || question.method === "HEAD" || question.retryable;
  if (!safe || question.retries >= MAX_RETRIES) return undefined;
  if (response.status !== 429 && response.status < 500) return undefined;
  const header = response.headers["retry-after"]?.trim() ?? "";
  if (!/^\d{1,6}$/.test(header)) return undefined;
  const delayMs = Number(header) * 1000;
  if (delayMs > MAX_RETRY_AFTER_MS) return undefined;
  if (question.budgetMs > 0 && question.elapsedMs + delayMs >= question.budgetMs) return undefined;
  return delayMs;
}

/** One attempt's outcome, and the HTTP response to judge a retry by (none for transport failures and open watches). */
export interface Attempt<T> {
  outcome: T;
  response?: KubeResponse;
}

/**
 * Makes a request, and again while the server asks for it (`retryDelayMs`). A retry gets what is
 * left of the request timeout, so retries never stretch a request; the caller's signal ends a wait
 * (the last answer stands). Each retry is logged (`-v`).
 */
export async function retrying<T>(
  request: RequestOptions,
  options: { method: string; budgetMs: number; url: string; log?: (line: string) => void },
  attempt: (request: RequestOptions) => Promise<Attempt<T>>,
): Promise<T> {
  const started = Date.now();
  const { method, budgetMs } = options;
  for (let retries = 0; ; retries++) {
    const left = budgetMs > 0 ? Math.max(1, budgetMs - (Date.now() - started)) : 0;
    const { outcome, response } = await attempt(retries === 0 ? request : { ...request, timeoutMs: left });
    const delayMs = response && retryDelayMs(response, { method, retryable: request.retryable === true, retries, elapsedMs: Date.now() - started, budgetMs });
    if (delayMs === undefined) return outcome;
    options.log?.(
      `${method} ${options.url} ${response?.status}: the server asked to retry after ${delayMs / 1000}s (retry ${retries + 1} of at most ${MAX_RETRIES})`,
    );
    try {
      await sleep(delayMs, undefined, { signal: request.signal });
    } catch {
      return outcome;
    }
  }
}
