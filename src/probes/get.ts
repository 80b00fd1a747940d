import { getResource } from "../kube/requests.js";
import { decisionResult, observeJsonOutcome, observeOutcome } from "./observation.js";
import { describeRequest } from "../rbac/request-spec.js";
import { resolveNamespace, resourceAttributes } from "./target.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

const TEXT_SUBRESOURCES = new Set(["log", "proxy"]);

/** `get`: reads one object (or its subresource). A 404 still shows the request was authorized. */
export const getProbe: Probe = async (client, connection, check, context) => {
  const elapsed = startStopwatch();
  const { namespace, source } = await resolveNamespace(check, connection, context);
  const { outcome, request } = await getResource(client, { ...check, resource: check.resource ?? "", namespace }, context);
  const what = describeRequest(resourceAttributes(check, "get", namespace));
  // Subresources that stream or proxy answer in their own formats; everything else is an object.
  const observation = TEXT_SUBRESOURCES.has(check.subresource ?? "") ? observeOutcome(outcome, what) : observeJsonOutcome(outcome, what);
  observation.evidence.namespace = namespace;
  observation.evidence.namespaceSource = source;
  return decisionResult(check, observation, { request, durationMs: elapsed() });
};
