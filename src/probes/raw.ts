import { rawCall } from "../kube/requests.js";
import { decisionResult, observeOutcome } from "./observation.js";
import type { Probe } from "./types.js";

/** `raw`: any API path (GET, or POST with a JSON body), judged by the HTTP status like every probe. */
export const rawProbe: Probe = async (client, _connection, check, context) => {
  const method = check.method ?? "GET";
  const path = check.path ?? "/";
  const { outcome, request } = await rawCall(client, { method, path, ...(check.body !== undefined ? { body: check.body } : {}) }, context);
  const observation = observeOutcome(outcome, `${method} ${path}`);
  return decisionResult(check, observation, { request, durationMs: outcome.ok ? outcome.response.durationMs : outcome.durationMs });
};
