import type { TransportFailure, WatchEvent } from "../kube/types.js";
import { WatchStreamError } from "../kube/watch-stream.js";
import { decisionResult, observeFailure, observeResponse, type Observation } from "./observation.js";
import { startWatch, type SentRequest } from "../kube/requests.js";
import { statusOf } from "../kube/status.js";
import { describeRequest } from "../rbac/request-spec.js";
import { resolveNamespace, resourceAttributes } from "./target.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** Server-side bound of the watch when the check sets none: short, the probe never waits for it. */
const DEFAULT_WATCH_SECONDS = 5;

const nextTick = (): Promise<"none"> => new Promise((resolve) => setImmediate(() => resolve("none")));

/**
 * Looks at the first event only if it is already there. An authorized watch answers 200 at once
 * and may stay quiet for minutes, so the probe never waits for an event that may never come.
 */
async function firstEventIfReady(events: AsyncIterable<WatchEvent>): Promise<FirstEvent> {
  const iterator = events[Symbol.asyncIterator]();
  // A stream that breaks (malformed JSON, cut) is what the server sent, not a bug: it is caught
  // here, even when it breaks after the probe stopped looking.
  const next = iterator.next().then(
    (result) => (result.done ? ("ended" as const) : result.value),
    (error: unknown) => ({
      broken:
        error instanceof WatchStreamError
          ? error.failure
          : { code: "other" as const, message: `the watch stream failed: ${error instanceof Error ? error.message : String(error)}` },
    }),
  );
  return Promise.race([next, nextTick()]);
}

/** What the watch showed first: an event, nothing yet, the end, or a broken stream. */
type FirstEvent = WatchEvent | "none" | "ended" | { broken: TransportFailure };

function describeEvent(observation: Observation, event: FirstEvent): void {
  if (event === "none") {
    observation.evidence.stream = "open";
    observation.message += ", stream open";
    return;
  }
  if (event === "ended") {
    observation.evidence.stream = "ended";
    observation.message += ", the stream ended at once";
    return;
  }
  if ("broken" in event) {
    observation.evidence.stream = "broken";
    observation.evidence.failure = event.broken.code;
    observation.message += `, but ${event.broken.message}`;
    observation.error = { code: `watch-stream-${event.broken.code}`, message: event.broken.message };
    return;
  }
  observation.evidence.firstEvent = event.type;
  if (event.type !== "ERROR") {
    observation.message += `, first event ${event.type}`;
    return;
  }
  const status = statusOf(event.object);
  observation.evidence.errorEvent = status ?? event.object;
  const gone = status?.code === 410;
  const text = `the watch sent an ERROR event${gone ? " (410 Gone: resourceVersion too old)" : ""}${status?.message ? `: ${status.message}` : ""}`;
  observation.message += `, but ${text}`;
  observation.error = { code: gone ? "watch-gone" : "watch-error-event", message: text };
}

/**
 * `watch`: a real, bounded watch (`allowWatchBookmarks`, `timeoutSeconds`). Passes as soon as the
 * server answers 200 with an open stream (or on the first event); reports ERROR events and 410
 * Gone; closes the stream before returning, so it never hangs.
 */
export const watchProbe: Probe = async (client, connection, check, context) => {
  const elapsed = startStopwatch();
  const { namespace, source } = await resolveNamespace(check, connection, context);
  const stop = new AbortController();
  const signal = AbortSignal.any([context.signal, stop.signal]);
  const what = describeRequest(resourceAttributes(check, "watch", namespace));
  let observation: Observation;
  let request: SentRequest;
  try {
    const sent = await startWatch(client, { ...check, resource: check.resource ?? "", namespace }, check.timeoutSeconds ?? DEFAULT_WATCH_SECONDS, {
      signal,
      timeoutMs: context.timeoutMs,
    });
    const outcome = sent.outcome;
    request = sent.request;
    if (!outcome.ok) {
      observation = observeFailure(outcome.failure, what);
    } else if (outcome.events === undefined) {
      observation = observeResponse(outcome.response, what);
      if (outcome.status === 410) observation.error = { code: "watch-gone", message: "410 Gone before streaming" };
    } else {
      observation = { observed: "allowed", decision: "allowed", message: `${what}: allowed (${outcome.status})`, evidence: { httpStatus: outcome.status } };
      describeEvent(observation, await firstEventIfReady(outcome.events));
    }
  } finally {
    stop.abort();
  }
  observation.evidence.namespace = namespace;
  observation.evidence.namespaceSource = source;
  const result = decisionResult(check, observation, { request, durationMs: elapsed() });
  // An ERROR event means the watch cannot be used even though it was authorized: never a pass.
  if (observation.error && (result.status === "pass" || result.status === "info")) result.status = "error";
  return result;
};
