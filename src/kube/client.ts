import type { Dispatcher } from "undici";
import { createCredentialProvider } from "../connect/credentials/provider.js";
import type { AuthMaterial } from "../connect/credentials/types.js";
import { isLoopbackHost } from "../connect/server-url.js";
import type { Connection } from "../connect/types.js";
import type { Secret } from "../model/secret.js";
import { flattenHeaders, parseJsonBody, readCappedBody } from "./body.js";
import { Deadline } from "./deadline.js";
import { createDispatcher, tlsOptionsFor, type TlsOptions } from "./dispatcher.js";
import { baseHeaders, impersonationHeaders, requestUrl } from "./headers.js";
import { retrying, type Attempt } from "./retry.js";
import { redactServerText } from "./server-text.js";
import { describeTransportError } from "./transport-errors.js";
import type { KubeClient, RequestOptions, RequestOutcome, TransportFailure, WatchOutcome } from "./types.js";
import { request as undiciRequest } from "./undici.js";
import { parseWatchStream, WatchStreamError } from "./watch-stream.js";

/** Options for `createKubeClient`. */
export interface KubeClientOptions {
  /** Largest response body (and watch event) accepted; default 8 MiB. */
  bodyLimitBytes?: number;
  /** Receives one line per request (`-v`): method, URL, status, duration. Never credentials. */
  log?: (line: string) => void;
}

/** The default response body cap. */
export const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

type Opened =
  | { ok: true; data: Dispatcher.ResponseData; headers: Record<string, string>; deadline: Deadline; started: number; url: string }
  | { ok: false; failure: TransportFailure; durationMs: number };

const SENDS_HEADER_CREDENTIALS = new Set(["token", "token-file", "exec", "basic"]);

function printableUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/**
 * A `KubeClient` for one resolved connection: one pooled keep-alive undici dispatcher with the
 * connection's TLS settings (or a proxy agent for `proxy-url`), the request timeout on every request
 * (headers and body), a body cap, impersonation headers, credentials fetched per request (token files
 * re-read, exec plugins cached and re-run once after a 401), and no redirect ever followed. Every
 * body and watch event is cleared of the connection's secrets before anyone reads it (servers echo
 * tokens in Status messages). GETs and `retryable` requests are retried when the server answers
 * 429/5xx with Retry-After (see `retryDelayMs`), within the request timeout and the caller's signal.
 * Throws `ConnectionConfigError` only for unusable configuration (unreadable CA or key file,
 * auth-provider); everything on the wire is a value.
 */
export function createKubeClient(connection: Connection, options: KubeClientOptions = {}): KubeClient {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const log = options.log;
  const provider = createCredentialProvider(connection);
  const https = connection.server.startsWith("https:");
  const tls: TlsOptions = https ? tlsOptionsFor(connection) : { rejectUnauthorized: true };
  const base = createDispatcher(connection, tls);
  let pluginCertificate: { generation: number; dispatcher: Dispatcher } | undefined;

  const dispatcherFor = (material: AuthMaterial): Dispatcher => {
    const certificate = material.clientCertificate;
    if (!certificate || !https) return base;
    if (pluginCertificate?.generation !== certificate.generation) {
      void pluginCertificate?.dispatcher.close();
      const dispatcher = createDispatcher(connection, { ...tls, cert: certificate.cert, key: certificate.key.reveal() });
      pluginCertificate = { generation: certificate.generation, dispatcher };
    }
    return pluginCertificate.dispatcher;
  };

  const fail = (failure: TransportFailure, started: number, method: string, url: string): Opened => {
    log?.(`${method} ${printableUrl(url)} failed: ${failure.code} (${Date.now() - started}ms)`);
    return { ok: false, failure, durationMs: Date.now() - started };
  };

  const open = async (request: RequestOptions, watch: boolean, retried = false): Promise<Opened> => {
    const started = Date.now();
    const method = request.method ?? "GET";
    const url = requestUrl(connection.server, request.path, watch && request.query?.watch === undefined ? { ...request.query, watch: "true" } : request.query);
    const target = new URL(url);
    const anonymous = request.anonymous === true;
    if (
      !anonymous &&
      target.protocol === "http:" &&
      SENDS_HEADER_CREDENTIALS.has(connection.credentials.kind) &&
      !isLoopbackHost(target.hostname) &&
      !connection.allowInsecureHttp
    ) {
      return fail(
        {
          code: "insecure-http-refused",
          message: `refusing to send credentials over plain HTTP to ${target.host}; use https, or --allow-insecure-http if you accept that risk`,
        },
        started,
        method,
        url,
      );
    }
    const timeoutMs = request.timeoutMs ?? connection.requestTimeoutMs;
    // The request timeout covers getting the credentials too (an exec plugin that hangs).
    const deadline = new Deadline(timeoutMs, request.signal);
    const auth = anonymous ? ({ ok: true, material: { headers: {} } } as const) : await provider.get(deadline.signal);
    if (!auth.ok) {
      deadline.dispose();
      const code = !auth.aborted ? "credentials" : deadline.firedBy === "timeout" ? "timeout" : "aborted";
      return fail({ code, message: auth.message }, started, method, url);
    }
    const headers: Record<string, string | string[]> = {
      ...baseHeaders(request.body !== undefined),
      ...(request.accept ? { accept: request.accept } : {}),
      ...(anonymous ? {} : impersonationHeaders(connection.impersonate)),
    };
    for (const [name, value] of Object.entries(auth.material.headers)) headers[name] = value.reveal();
    let data: Dispatcher.ResponseData;
    try {
      data = await undiciRequest(url, {
        dispatcher: anonymous ? base : dispatcherFor(auth.material),
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: deadline.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: watch ? 0 : timeoutMs,
      });
    } catch (error) {
      deadline.dispose();
      return fail(failureFor(error, deadline, connection.server, provider.secrets()), started, method, url);
    }
    deadline.headersReceived = true;
    if (data.statusCode === 401 && !anonymous && !retried && provider.refreshAfterUnauthorized()) {
      deadline.dispose();
      await data.body.dump().catch(() => undefined);
      return open(request, watch, true);
    }
    return { ok: true, data, headers: flattenHeaders(data.headers), deadline, started, url };
  };

  const finish = async (opened: Extract<Opened, { ok: true }>, method: string): Promise<RequestOutcome> => {
    const { data, deadline, started, url, headers } = opened;
    try {
      const body = await readCappedBody(data.body, limit);
      const durationMs = Date.now() - started;
      if (!body.ok)
        return fail(
          { code: "body-too-large", message: `the response from ${connection.server} is larger than ${limit} bytes` },
          started,
          method,
          url,
        ) as RequestOutcome;
      log?.(`${method} ${printableUrl(url)} ${data.statusCode} (${durationMs}ms)`);
      const text = redactServerText(body.text, provider.secrets());
      return { ok: true, response: { status: data.statusCode, headers, text, json: parseJsonBody(headers, text), durationMs } };
    } catch (error) {
      return fail(failureFor(error, deadline, connection.server, provider.secrets()), started, method, url) as RequestOutcome;
    } finally {
      deadline.dispose();
    }
  };

  const withRetries = <T>(request: RequestOptions, method: string, attempt: (request: RequestOptions) => Promise<Attempt<T>>): Promise<T> =>
    retrying(
      request,
      {
        method,
        budgetMs: request.timeoutMs ?? connection.requestTimeoutMs,
        url: printableUrl(requestUrl(connection.server, request.path, request.query)),
        ...(log ? { log } : {}),
      },
      attempt,
    );

  return {
    async request(request) {
      const method = request.method ?? "GET";
      return withRetries(request, method, async (attempt) => {
        const opened = await open(attempt, false);
        const outcome = opened.ok ? await finish(opened, method) : opened;
        return { outcome, response: outcome.ok ? outcome.response : undefined };
      });
    },
    async watch(request): Promise<WatchOutcome> {
      // Only the start of a watch is retried (a 429 before any event), never the stream.
      return withRetries(request, "GET", async (attempt): Promise<Attempt<WatchOutcome>> => {
        const opened = await open(attempt, true);
        if (!opened.ok) return { outcome: opened };
        if (opened.data.statusCode !== 200) {
          const outcome = await finish(opened, "WATCH");
          return outcome.ok ? { outcome: { ok: true, status: outcome.response.status, response: outcome.response }, response: outcome.response } : { outcome };
        }
        opened.deadline.stopTimer();
        log?.(`WATCH ${printableUrl(opened.url)} ${opened.data.statusCode} (${Date.now() - opened.started}ms to first byte)`);
        return { outcome: { ok: true, status: 200, events: watchEvents(opened, limit, connection.server, provider.secrets) } };
      });
    },
    async close() {
      provider.dispose?.();
      // Destroy, not close: close() waits for sockets undici is still opening. It reconnects after
      // each aborted watch, which kept a finished run alive for two more TLS handshakes.
      await Promise.all([base.destroy(), pluginCertificate?.dispatcher.destroy()]);
    },
  };
}

function failureFor(error: unknown, deadline: Deadline, server: string, secrets: Secret[]): TransportFailure {
  if (deadline.firedBy === "aborted") return { code: "aborted", message: `the request to ${server} was cancelled` };
  if (deadline.firedBy === "timeout") {
    return deadline.headersReceived
      ? { code: "body-timeout", message: `${server} started answering but the body did not finish within the request timeout` }
      : { code: "timeout", message: `${server} did not answer within the request timeout` };
  }
  return describeTransportError(error, server, secrets);
}

async function* watchEvents(opened: Extract<Opened, { ok: true }>, limit: number, server: string, secrets: () => Secret[]) {
  const { data, deadline } = opened;
  try {
    yield* parseWatchStream(data.body, limit, (text) => redactServerText(text, secrets()));
  } catch (error) {
    if (error instanceof WatchStreamError) throw error;
    if (deadline.firedBy === "aborted") return;
    throw new WatchStreamError(describeTransportError(error, server, secrets()));
  } finally {
    data.body.destroy();
    deadline.dispose();
  }
}
