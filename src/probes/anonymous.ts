import type { Observation } from "./observation.js";
import { baseResult, observeOutcome, skippedResult } from "./observation.js";
import { getNonResource, listFirstItem } from "../kube/requests.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** Paths the default policy opens to everyone (system:public-info-viewer): 200 here is expected. */
const PUBLIC_INFO = new Set(["/version", "/healthz", "/livez", "/readyz"]);

/**
 * `anonymous`: requests without credentials (but with the cluster CA) to `/version`, `/healthz`,
 * `/api` and a pod list. Reports what anonymous users get for each. With `expect: denied`, a 200
 * beyond the public-info endpoints fails.
 */
export const anonymousProbe: Probe = async (client, connection, check, context) => {
  if (connection.viaProxy)
    return skippedResult(check, "through kubectl proxy every request carries the proxy's credentials: anonymous access cannot be tested");
  const elapsed = startStopwatch();
  const options = { anonymous: true, signal: context.signal, timeoutMs: context.timeoutMs };
  const requests = [
    getNonResource(client, "/version", options),
    getNonResource(client, "/healthz", options),
    getNonResource(client, "/api", options),
    listFirstItem(client, { resource: "pods", namespace: connection.namespace }, options),
  ];
  const observations = await Promise.all(
    requests.map(async (sent): Promise<[string, Observation, number | undefined]> => {
      const { outcome, request } = await sent;
      // Named by its path alone (the pod list too): the evidence is keyed by it.
      const path = request.path.replace(/\?.*$/, "");
      return [path, observeOutcome(outcome, `anonymous GET ${path}`), outcome.ok ? outcome.response.status : undefined];
    }),
  );
  const durationMs = elapsed();
  const evidence: Record<string, unknown> = Object.fromEntries(observations.map(([path, observation]) => [path, observation.evidence]));
  const broken = observations.find(([, observation, status]) => observation.error && status !== 401);
  if (broken) {
    const [, observation] = broken;
    return baseResult(check, {
      status: "error",
      expected: check.expect,
      observed: observation.observed,
      message: observation.message,
      evidence,
      durationMs,
      error: observation.error ?? { code: "anonymous", message: observation.message },
    });
  }
  const beyondPublic = observations.filter(([path, observation]) => !PUBLIC_INFO.has(path) && observation.decision === "allowed");
  const observed = beyondPublic.length > 0 ? "allowed" : "denied";
  const summary = observations.map(([path, , status]) => `${path} ${status}`).join(", ");
  const anonymousDisabled = observations.every(([, , status]) => status === 401);
  const status = check.expect === "any" ? "info" : check.expect === observed ? "pass" : "fail";
  const verdict =
    observed === "allowed"
      ? `anonymous users get ${beyondPublic.map(([path]) => path).join(" and ")} beyond the public-info endpoints`
      : anonymousDisabled
        ? "anonymous authentication is off: every request gets 401"
        : "anonymous users get only the public-info endpoints";
  const observation = `${verdict} (${summary})`;
  return baseResult(check, {
    status,
    expected: check.expect,
    observed,
    observation,
    message: `${observation}${status === "fail" ? `, expected ${check.expect}` : ""}`,
    evidence,
    durationMs,
  });
};
