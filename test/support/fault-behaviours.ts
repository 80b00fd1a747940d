/**
 * What the fault server does with one request. Each behaviour is a fault a real API server (or the
 * network in front of it) can produce, made reproducible. Everything is bounded: timers and streams
 * stop when the client goes away or when the server closes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerLikeKube, type FakeKubeRequest, sendJson, statusBody } from "./fake-kube.js";

/** One request as the fault server saw it. */
export interface RecordedRequest extends FakeKubeRequest {
  /** Path with the query string, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Subject of the client certificate, when the client presented one. */
  clientCertificateSubject?: string;
  /** Response body bytes the server wrote (for `endless-body`: how far the client let it go). */
  bytesSent: number;
  /** True once the client closed the connection before the response finished. */
  clientClosedEarly: boolean;
}

/** A fault, or the healthy default (`kube`). */
export type Behaviour =
  | { kind: "kube" }
  /** Accepts the request and never answers. */
  | { kind: "hang" }
  /** Answers with `then` (default: `kube`) after `delayMs`. */
  | { kind: "slow-headers"; delayMs: number; then?: Behaviour }
  /** Declares a content-length, sends part of the body, then destroys the socket. */
  | { kind: "truncated-body" }
  /** 200 with `content-type: application/json` and a body that is not JSON. */
  | { kind: "invalid-json" }
  /** 200 and a JSON-looking body that never ends (stops at `capBytes`, default 512 MiB, or when the client goes). */
  | { kind: "endless-body"; capBytes?: number }
  /** 200 with a content-length, then one body byte every `intervalMs` (default 500): never idle, never done. */
  | { kind: "trickle-body"; intervalMs?: number }
  /** 200 with a 2 MiB response header. */
  | { kind: "huge-headers" }
  /** A watch that sends an ADDED event every `intervalMs` (default 10), forever. */
  | { kind: "watch-flood"; intervalMs?: number }
  /** A Kubernetes Status failure (401, 403, 404, 410, 429, 500, 503...), with Retry-After when given. */
  | { kind: "status"; code: number; retryAfterSeconds?: number; message?: string; reason?: string }
  /** A watch that sends one ADDED event and then nothing, forever. */
  | { kind: "watch-one-then-hang" }
  /** A watch that sends one ERROR event (410 Expired Status) and ends, as the watch cache does. */
  | { kind: "watch-error-event" }
  /** A watch refused with HTTP 410 Gone before streaming. */
  | { kind: "watch-gone" }
  /** A redirect (default 302) to `location`. */
  | { kind: "redirect"; location: string; code?: number }
  /** The first attempt of each distinct request (method, URL, Authorization) gets `first`; repeats get `then` (default `kube`). */
  | { kind: "fail-first"; first: Behaviour; then?: Behaviour }
  /** The n-th matching request gets `steps[n]`; the last step repeats. */
  | { kind: "sequence"; steps: Behaviour[] }
  /** Anything else. */
  | { kind: "custom"; handle: (request: RecordedRequest, response: ServerResponse, incoming: IncomingMessage) => void };

/** Timers a behaviour started, so `close()` can stop them all. */
export interface BehaviourContext {
  timers: Set<NodeJS.Timeout>;
  /** How many times each `sequence` behaviour was used. */
  sequenceHits: WeakMap<Behaviour, number>;
  /** Requests each `fail-first` behaviour has seen (method, URL, Authorization). */
  seenRequests: WeakMap<Behaviour, Set<string>>;
}

const REASONS: Record<number, [string, string]> = {
  401: ["Unauthorized", "Unauthorized"],
  403: ["Forbidden", 'pods is forbidden: User "system:serviceaccount:saprobe:fault" cannot list resource "pods" in API group "" in the namespace "default"'],
  404: ["NotFound", "the server could not find the requested resource"],
  410: ["Gone", "The resourceVersion for the provided watch is too old."],
  429: ["TooManyRequests", "Too many requests, please try again later."],
  500: ["InternalError", "Internal error occurred: injected by the saprobe fault server"],
  503: ["ServiceUnavailable", "The server is currently unable to handle the request"],
};

function later(context: BehaviourContext, delayMs: number, action: () => void): void {
  const timer = setTimeout(() => {
    context.timers.delete(timer);
    action();
  }, delayMs);
  context.timers.add(timer);
}

/** Writes `next()` every `intervalMs` until the client goes or the server closes. */
function repeat(context: BehaviourContext, request: RecordedRequest, response: ServerResponse, intervalMs: number, next: () => string): void {
  const timer = setInterval(() => {
    if (response.destroyed) {
      clearInterval(timer);
      context.timers.delete(timer);
      return;
    }
    const text = next();
    request.bytesSent += Buffer.byteLength(text);
    response.write(text);
  }, intervalMs);
  context.timers.add(timer);
}

function sendStatus(response: ServerResponse, behaviour: Extract<Behaviour, { kind: "status" }>): void {
  const [reason, message] = REASONS[behaviour.code] ?? ["Unknown", `injected status ${behaviour.code}`];
  const retry = behaviour.retryAfterSeconds;
  const details = retry === undefined ? undefined : { retryAfterSeconds: retry };
  const headers: Record<string, string> = retry === undefined ? {} : { "retry-after": String(retry) };
  sendJson(response, behaviour.code, statusBody(behaviour.code, behaviour.reason ?? reason, behaviour.message ?? message, details), headers);
}

function startWatch(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
}

function pumpEndlessBody(request: RecordedRequest, response: ServerResponse, capBytes: number): void {
  const chunk = Buffer.from(`${'{"metadata":{"name":"endless","namespace":"default"}},'.repeat(1024)}`);
  response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
  response.write('{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[');
  const pump = (): void => {
    while (!response.destroyed) {
      if (request.bytesSent >= capBytes) {
        response.destroy();
        return;
      }
      request.bytesSent += chunk.length;
      if (!response.write(chunk)) {
        response.once("drain", pump);
        return;
      }
    }
  };
  pump();
}

/** Carries out one behaviour for one request. */
export function perform(behaviour: Behaviour, request: RecordedRequest, response: ServerResponse, incoming: IncomingMessage, context: BehaviourContext): void {
  switch (behaviour.kind) {
    case "kube":
      return answerLikeKube(request, response);
    case "hang":
      return;
    case "slow-headers":
      return later(context, behaviour.delayMs, () => {
        if (!response.destroyed) perform(behaviour.then ?? { kind: "kube" }, request, response, incoming, context);
      });
    case "truncated-body": {
      const body = JSON.stringify({ kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [{ metadata: { name: "cut-here" } }] });
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      const half = body.slice(0, Math.floor(body.length / 2));
      request.bytesSent = half.length;
      response.write(half);
      return later(context, 50, () => response.socket?.destroy());
    }
    case "invalid-json": {
      const body = '{"kind":"List","apiVersion":"v1","items":[{"metadata": <not json>';
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    case "endless-body":
      return pumpEndlessBody(request, response, behaviour.capBytes ?? 512 * 1024 * 1024);
    case "status":
      return sendStatus(response, behaviour);
    case "huge-headers":
      response.writeHead(200, { "content-type": "application/json", "x-saprobe-huge": "a".repeat(2 * 1024 * 1024) });
      response.end("{}");
      return;
    case "trickle-body": {
      response.writeHead(200, { "content-type": "application/json", "content-length": 1024 * 1024 });
      return repeat(context, request, response, behaviour.intervalMs ?? 500, () => " ");
    }
    case "watch-flood": {
      startWatch(response);
      let count = 0;
      return repeat(context, request, response, behaviour.intervalMs ?? 10, () => {
        count += 1;
        return `${JSON.stringify({ type: "ADDED", object: { kind: "Pod", apiVersion: "v1", metadata: { name: `flood-${count}`, namespace: "default", resourceVersion: String(count) } } })}\n`;
      });
    }
    case "watch-one-then-hang":
      startWatch(response);
      response.write(
        `${JSON.stringify({ type: "ADDED", object: { kind: "Pod", apiVersion: "v1", metadata: { name: "only-event", namespace: "default", resourceVersion: "2" } } })}\n`,
      );
      return;
    case "watch-error-event":
      startWatch(response);
      response.end(`${JSON.stringify({ type: "ERROR", object: statusBody(410, "Expired", "too old resource version: 1 (2)") })}\n`);
      return;
    case "watch-gone":
      return sendStatus(response, { kind: "status", code: 410 });
    case "redirect":
      response.writeHead(behaviour.code ?? 302, { location: behaviour.location, "content-length": 0 });
      response.end();
      return;
    case "sequence": {
      const hits = context.sequenceHits.get(behaviour) ?? 0;
      context.sequenceHits.set(behaviour, hits + 1);
      const step = behaviour.steps[Math.min(hits, behaviour.steps.length - 1)] ?? { kind: "kube" };
      return perform(step, request, response, incoming, context);
    }
    case "fail-first": {
      const seen = context.seenRequests.get(behaviour) ?? new Set<string>();
      context.seenRequests.set(behaviour, seen);
      const key = `${request.method} ${request.url} ${request.authorization ?? ""}`;
      const repeat = seen.has(key);
      seen.add(key);
      return perform(repeat ? (behaviour.then ?? { kind: "kube" }) : behaviour.first, request, response, incoming, context);
    }
    case "custom":
      return behaviour.handle(request, response, incoming);
  }
}
