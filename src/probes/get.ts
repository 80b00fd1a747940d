import { decisionResult, observeJsonOutcome, observeOutcome } from "./observation.js";
import { describeScope, resolveNamespace, resourcePath } from "./target.js";
import type { Probe } from "./types.js";

const TEXT_SUBRESOURCES = new Set(["log", "proxy"]);

/** `get`: reads one object (or its subresource). A 404 still shows the request was authorized. */
export const getProbe: Probe = async (client, connection, check, context) => {
  const started = performance.now();
  const { namespace, source } = await resolveNamespace(check, connection, context);
  const path = resourcePath({ ...check, resource: check.resource ?? "", namespace });
  const outcome = await client.request({ path, signal: context.signal, timeoutMs: context.timeoutMs });
  const what = `get ${check.resource}${check.subresource ? `/${check.subresource}` : ""} "${check.name}" ${describeScope(check, namespace)}`;
  // Subresources that stream or proxy answer in their own formats; everything else is an object.
  const observation = TEXT_SUBRESOURCES.has(check.subresource ?? "") ? observeOutcome(outcome, what) : observeJsonOutcome(outcome, what);
  observation.evidence.namespace = namespace;
  observation.evidence.namespaceSource = source;
  return decisionResult(check, observation, { request: { method: "GET", path }, durationMs: Math.round(performance.now() - started) });
};
