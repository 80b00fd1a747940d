import { readPodLog } from "../kube/requests.js";
import { decisionResult, observeOutcome, type Observation } from "./observation.js";
import { describeRequest } from "../rbac/request-spec.js";
import { resolveNamespace, resourceAttributes } from "./target.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** Bytes of log asked for: enough to show access works, never a whole log. */
const LOG_LIMIT_BYTES = 4096;

/**
 * `logs`: reads a pod's log (`pods/log`), optionally following it for `followSeconds`. A follow
 * that is still streaming when its time is up ended its body late, not badly: the headers (200)
 * came, so access was allowed. 400 answers (container not started, several containers) come after
 * authorization and show the server's reason.
 */
export const logsProbe: Probe = async (client, connection, check, context) => {
  const elapsed = startStopwatch();
  const { namespace, source } = await resolveNamespace(check, connection, context);
  const follow = (check.followSeconds ?? 0) > 0;
  const timeoutMs = follow ? Math.min((check.followSeconds ?? 0) * 1000, context.timeoutMs * 10) : context.timeoutMs;
  const log = {
    namespace,
    pod: check.name ?? "",
    ...(check.container !== undefined ? { container: check.container } : {}),
    follow,
    limitBytes: LOG_LIMIT_BYTES,
  };
  const { outcome, request } = await readPodLog(client, log, { signal: context.signal, timeoutMs });
  const what = `${describeRequest(resourceAttributes(check, "get", namespace))}${check.container ? ` (container ${check.container})` : ""}`;
  let observation: Observation;
  if (!outcome.ok && outcome.failure.code === "body-timeout" && follow) {
    observation = {
      observed: "allowed",
      decision: "allowed",
      message: `${what}: allowed, followed for ${check.followSeconds}s`,
      evidence: { httpStatus: 200, followedSeconds: check.followSeconds },
    };
  } else {
    observation = observeOutcome(outcome, what);
    if (outcome.ok && outcome.response.status === 200) observation.evidence.bytes = Buffer.byteLength(outcome.response.text);
  }
  observation.evidence.namespace = namespace;
  observation.evidence.namespaceSource = source;
  return decisionResult(check, observation, { request, durationMs: elapsed() });
};
