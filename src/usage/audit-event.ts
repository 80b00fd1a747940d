import type { RequestAttributes } from "../rbac/types.js";

/*
 * An audit.k8s.io/v1 Event, reduced to what the authorizer saw. The apiserver fills the event's
 * objectRef from the same RequestInfo it authorizes with (`LogRequestMetadata`): apiGroup,
 * resource, subresource, namespace and name, and `verb` is RequestInfo.Verb (list, watch, get,
 * ..., or the lower-case HTTP method of a non-resource request). So the attributes below are the
 * ones RBAC was asked about, without parsing the URL again; only a non-resource request's path
 * comes from requestURI (RequestInfo.Path is the URL path without its query).
 */

/** One request read from the log: who, what, when, and whether the authorizer refused it. */
export interface AuditObservation {
  /** The user the request was authorized as: the impersonated user when there is one. */
  username: string;
  groups: string[];
  attributes: RequestAttributes;
  /** Milliseconds since the epoch, and the timestamp as written. */
  time: number;
  timestamp: string;
  /** The authorizer said no (decision annotation `forbid`, or a 403 when the annotation is absent). */
  denied: boolean;
  /** The event's auditID and stage, to count a long-running request once. */
  auditID: string;
  stage: string;
}

/** An event that is not one we count, or a line that is not an event: why, in a few words. */
export type NotAnObservation = { skipped: string };

interface RawUser {
  username?: unknown;
  groups?: unknown;
}

const DECISION_ANNOTATION = "authorization.k8s.io/decision";
const FORBIDDEN = 403;

function userOf(raw: RawUser | undefined): { username: string; groups: string[] } | undefined {
  if (!raw || typeof raw.username !== "string" || raw.username === "") return undefined;
  const groups = Array.isArray(raw.groups) ? raw.groups.filter((group): group is string => typeof group === "string") : [];
  return { username: raw.username, groups };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The URL path of a request URI, percent-decoded as Go's URL.Path is; the raw path when it does not decode. */
export function pathOf(requestURI: string): string {
  const query = requestURI.indexOf("?");
  const path = query >= 0 ? requestURI.slice(0, query) : requestURI;
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function attributesOf(event: Record<string, unknown>, verb: string): RequestAttributes | undefined {
  const ref = event.objectRef as Record<string, unknown> | undefined;
  if (ref && typeof ref === "object" && typeof ref.resource === "string" && ref.resource !== "") {
    const attributes: RequestAttributes = { resourceRequest: true, verb, apiGroup: text(ref.apiGroup), resource: ref.resource, namespace: text(ref.namespace) };
    const subresource = text(ref.subresource);
    const name = text(ref.name);
    if (subresource) attributes.subresource = subresource;
    if (name) attributes.name = name;
    return attributes;
  }
  if (typeof event.requestURI !== "string") return undefined;
  return { resourceRequest: false, verb, path: pathOf(event.requestURI) };
}

/**
 * The request an audit event records, or why the event is not one (a line that is not an audit
 * event, or one without a user, verb or time).
 */
export function observationOf(value: unknown): AuditObservation | NotAnObservation {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { skipped: "not a JSON object" };
  const event = value as Record<string, unknown>;
  if (event.kind !== "Event" || typeof event.apiVersion !== "string" || !event.apiVersion.startsWith("audit.k8s.io/")) {
    return { skipped: "not an audit.k8s.io Event" };
  }
  const user = userOf(event.impersonatedUser as RawUser | undefined) ?? userOf(event.user as RawUser | undefined);
  if (!user) return { skipped: "event without user.username" };
  if (typeof event.verb !== "string" || event.verb === "") return { skipped: "event without verb" };
  const timestamp = text(event.requestReceivedTimestamp) || text(event.stageTimestamp);
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return { skipped: "event without a valid requestReceivedTimestamp" };
  const attributes = attributesOf(event, event.verb);
  if (!attributes) return { skipped: "event without objectRef or requestURI" };
  const annotations = event.annotations as Record<string, unknown> | undefined;
  const decision = annotations && typeof annotations === "object" ? annotations[DECISION_ANNOTATION] : undefined;
  const code = (event.responseStatus as { code?: unknown } | undefined)?.code;
  const denied = decision === undefined ? code === FORBIDDEN : decision === "forbid";
  // Spelled out: an object spread here cost as much as the JSON.parse of the line (bench/usage.mjs).
  return { username: user.username, groups: user.groups, attributes, time, timestamp, denied, auditID: text(event.auditID), stage: text(event.stage) };
}
