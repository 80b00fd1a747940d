import { listFirstItem } from "../kube/requests.js";
import { decisionResult, observeJsonOutcome } from "./observation.js";
import { describeRequest } from "../rbac/request-spec.js";
import { resolveNamespace, resourceAttributes } from "./target.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** `list`: a real list call with `limit=1` (authorization is the point, not the objects). */
export const listProbe: Probe = async (client, connection, check, context) => {
  const elapsed = startStopwatch();
  const { namespace, source } = await resolveNamespace(check, connection, context);
  const { outcome, request } = await listFirstItem(client, { ...check, resource: check.resource ?? "", namespace }, context);
  const observation = observeJsonOutcome(outcome, describeRequest(resourceAttributes(check, "list", namespace)));
  observation.evidence.namespace = namespace;
  observation.evidence.namespaceSource = source;
  if (outcome.ok && outcome.response.status === 200) {
    const items = (outcome.response.json as { items?: unknown[] } | undefined)?.items;
    if (Array.isArray(items)) observation.evidence.itemsSeen = items.length;
  }
  return decisionResult(check, observation, { request, durationMs: elapsed() });
};
