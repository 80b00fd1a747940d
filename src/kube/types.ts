/**
 * The contract between saprobe and the API server. Every call returns a value: a response with a
 * status code, or a `TransportFailure` that says in words what went wrong. Nothing here throws for
 * network, TLS or HTTP problems.
 */

/** Why a request produced no HTTP response (or an unusable one). */
export type TransportFailureCode =
  | "timeout" // no response headers within the request timeout
  | "body-timeout" // headers came, the body did not finish in time
  | "connection-refused"
  | "dns"
  | "tls" // any certificate or handshake failure; see `tlsCode`
  | "reset" // connection closed or cut mid-response
  | "body-too-large"
  | "aborted" // the caller's signal (overall deadline) fired
  | "insecure-http-refused" // would send credentials over plain HTTP to a non-loopback host
  | "credentials" // could not obtain credentials (token file unreadable, exec plugin failed)
  | "other";

/** A request that did not produce a usable HTTP response. */
export interface TransportFailure {
  code: TransportFailureCode;
  /** A sentence a user understands, with no secret in it. */
  message: string;
  /** Node/OpenSSL error code for TLS failures, e.g. `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`. */
  tlsCode?: string;
}

/** An HTTP response with a size-capped body. */
export interface KubeResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text (capped at the client's body limit). */
  text: string;
  /** The parsed JSON body, when the body was JSON. */
  json?: unknown;
  durationMs: number;
}

/** The outcome of one request. */
export type RequestOutcome = { ok: true; response: KubeResponse } | { ok: false; failure: TransportFailure; durationMs: number };

/** Options for one request. */
export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialized by the client). */
  body?: unknown;
  /** Send no credentials and no impersonation headers (anonymous probes). */
  anonymous?: boolean;
  /** The Accept header, when not plain JSON (e.g. a metadata-only list). */
  accept?: string;
  /** Overrides the connection's request timeout for this call. */
  timeoutMs?: number;
  /** The overall deadline or a caller's cancel. */
  signal?: AbortSignal;
  /**
   * The request changes nothing on the server (a SelfSubjectReview or access review), so a POST may
   * be repeated when the server asks for it (429/5xx with Retry-After), like a GET.
   */
  retryable?: boolean;
}

/** One event from a watch stream. */
export type WatchEvent = { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: unknown } | { type: "ERROR"; object: unknown };

/** A watch that has started: its HTTP status, then its events. */
export type WatchOutcome =
  | { ok: true; status: number; events: AsyncIterable<WatchEvent>; response?: KubeResponse }
  | { ok: false; failure: TransportFailure; durationMs: number }
  /** The server answered with a non-200 status (403, 410...) before streaming. */
  | { ok: true; status: number; events?: undefined; response: KubeResponse };

/** A client bound to one resolved connection, over one pooled keep-alive dispatcher. */
export interface KubeClient {
  request(options: RequestOptions): Promise<RequestOutcome>;
  /**
   * Starts a watch. The stream ends when the server ends it or on `signal` (quietly), or on a
   * malformed event, an oversized event or a cut connection (the iterator throws a `WatchStreamError`
   * from src/kube/watch-stream.ts carrying a `TransportFailure`).
   */
  watch(options: RequestOptions): Promise<WatchOutcome>;
  /** Releases sockets. */
  close(): Promise<void>;
}
