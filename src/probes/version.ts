import { getVersion } from "../kube/requests.js";
import { decisionResult, observeJsonOutcome } from "./observation.js";
import type { Probe } from "./types.js";

/** `version`: an authenticated `GET /version`; evidence is the server's version. */
export const versionProbe: Probe = async (client, _connection, check, context) => {
  const { outcome, request } = await getVersion(client, context);
  const observation = observeJsonOutcome(outcome, "GET /version");
  if (outcome.ok && outcome.response.status === 200) {
    const body = (outcome.response.json ?? {}) as Record<string, unknown>;
    if (typeof body.gitVersion === "string") {
      observation.evidence.serverVersion = body.gitVersion;
      observation.message = `the server runs Kubernetes ${body.gitVersion}`;
    }
  }
  const durationMs = outcome.ok ? outcome.response.durationMs : outcome.durationMs;
  return decisionResult(check, observation, { request, durationMs });
};
