import type { KubeClient, RequestOptions, RequestOutcome, WatchOutcome } from "./types.js";

/*
 * The requests saprobe sends besides the access reviews (access-reviews.ts) and the paginated lists
 * (list-all.ts), each one typed operation: the server's version, a first page of a list, one object,
 * a pod's log, a watch, one plain GET of a JSON object, and a raw call a check spells out. Only this
 * folder builds a request (architecture rule 7); callers say what to read, never how to ask.
 */

/** A resource collection, or one object of it with `name` (and `subresource`). `namespace` "" is cluster scope or every namespace. */
export interface ResourceTarget {
  group?: string;
  /** Default `v1`. */
  version?: string;
  resource: string;
  namespace: string;
  name?: string;
  subresource?: string;
}

/** The REST path of a resource collection, or of one object with `name` (and `subresource`). */
export function resourcePath(target: ResourceTarget): string {
  const group = target.group ?? "";
  const version = target.version ?? "v1";
  const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  const scope = target.namespace === "" ? "" : `/namespaces/${encodeURIComponent(target.namespace)}`;
  const object = target.name === undefined ? "" : `/${encodeURIComponent(target.name)}${target.subresource ? `/${target.subresource}` : ""}`;
  return `${base}${scope}/${target.resource}${object}`;
}

/** Per-call options: the caller's signal and timeout, and whether to send no credentials. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** No credentials and no impersonation headers (anonymous probes). */
  anonymous?: boolean;
}

/** What was sent, without credentials, as a report shows it. */
export interface SentRequest {
  method: string;
  path: string;
}

/** An outcome with the request it answers. */
export interface Sent<Outcome> {
  outcome: Outcome;
  request: SentRequest;
}

function send(client: KubeClient, request: RequestOptions, options: CallOptions): Promise<RequestOutcome> {
  return client.request({ ...request, ...(options.anonymous ? { anonymous: true } : {}), signal: options.signal, timeoutMs: options.timeoutMs });
}

/** `GET /version`: the server's build information (public to everyone by default). */
export async function getVersion(client: KubeClient, options: CallOptions = {}): Promise<Sent<RequestOutcome>> {
  return { outcome: await send(client, { path: "/version" }, options), request: { method: "GET", path: "/version" } };
}

/** A GET of a path that is not a resource (`/healthz`, `/api`). */
export async function getNonResource(client: KubeClient, path: string, options: CallOptions = {}): Promise<Sent<RequestOutcome>> {
  return { outcome: await send(client, { path }, options), request: { method: "GET", path } };
}

/** A real list call that asks for one item: authorization is the point, not the objects. */
export async function listFirstItem(client: KubeClient, target: ResourceTarget, options: CallOptions = {}): Promise<Sent<RequestOutcome>> {
  const path = resourcePath({ ...target, name: undefined });
  return { outcome: await send(client, { path, query: { limit: 1 } }, options), request: { method: "GET", path: `${path}?limit=1` } };
}

/** A GET of one object (or its subresource). */
export async function getResource(client: KubeClient, target: ResourceTarget, options: CallOptions = {}): Promise<Sent<RequestOutcome>> {
  const path = resourcePath(target);
  return { outcome: await send(client, { path }, options), request: { method: "GET", path } };
}

/** Which log to read, and how much. */
export interface LogRequest {
  namespace: string;
  pod: string;
  container?: string;
  /** Keep the stream open (its time is the call's timeout). */
  follow?: boolean;
  limitBytes: number;
}

/** A read of a pod's log (`pods/log`). */
export async function readPodLog(client: KubeClient, log: LogRequest, options: CallOptions = {}): Promise<Sent<RequestOutcome>> {
  const path = resourcePath({ resource: "pods", namespace: log.namespace, name: log.pod, subresource: "log" });
  const query = { container: log.container, follow: log.follow || undefined, limitBytes: log.limitBytes };
  return { outcome: await send(client, { path, query }, options), request: { method: "GET", path } };
}

/** A bounded watch (`allowWatchBookmarks`, the server ends it after `timeoutSeconds`). */
export async function startWatch(client: KubeClient, target: ResourceTarget, timeoutSeconds: number, options: CallOptions = {}): Promise<Sent<WatchOutcome>> {
  const path = resourcePath({ ...target, name: undefined });
  const query = { watch: true, allowWatchBookmarks: true, timeoutSeconds };
  const outcome = await client.watch({ path, query, signal: options.signal, timeoutMs: options.timeoutMs });
  return { outcome, request: { method: "GET", path: `${path}?watch=true` } };
}

/** A call a check spells out: any API path, GET or another method with a JSON body. */
export async function rawCall(
  client: KubeClient,
  call: { method: NonNullable<RequestOptions["method"]>; path: string; body?: unknown },
  options: CallOptions = {},
): Promise<Sent<RequestOutcome>> {
  const request: RequestOptions = { method: call.method, path: call.path, ...(call.body !== undefined ? { body: call.body } : {}) };
  return { outcome: await send(client, request, options), request: { method: call.method, path: call.path } };
}

/** One GET of a JSON object: the parsed body, or why not (404 is `notFound`). */
export type ObjectRead = { ok: true; object: Record<string, unknown> } | { ok: false; notFound: boolean; forbidden: boolean; reason: string };

/** GETs one object and classifies the answer. */
export async function readObject(client: KubeClient, target: ResourceTarget): Promise<ObjectRead> {
  const outcome = await client.request({ method: "GET", path: resourcePath(target) });
  if (!outcome.ok) return { ok: false, notFound: false, forbidden: false, reason: outcome.failure.message };
  const { status, json } = outcome.response;
  const message = (json as { message?: string } | undefined)?.message;
  if (status === 200 && typeof json === "object" && json !== null) return { ok: true, object: json as Record<string, unknown> };
  return { ok: false, notFound: status === 404, forbidden: status === 403, reason: `HTTP ${status}${message ? `: ${message}` : ""}` };
}
