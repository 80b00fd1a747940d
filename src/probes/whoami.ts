import { baseResult } from "./observation.js";
import { SELF_SUBJECT_REVIEW_PATH } from "./identity.js";
import type { Probe } from "./types.js";

/**
 * `whoami`: the identity the server sees (SelfSubjectReview), shared with every other probe.
 * Known (from the review or, on old servers, the token's claims) shows an allowed decision;
 * a 403 a denied one; 401 and transport failures are errors.
 */
export const whoamiProbe: Probe = async (_client, _connection, check, context) => {
  const identity = await context.identity();
  const request = { method: "POST", path: SELF_SUBJECT_REVIEW_PATH };
  const evidence = { ...identity.evidence, source: identity.source };
  const decision = identity.state === "known" ? "allowed" : identity.httpStatus === 403 ? "denied" : undefined;
  if (decision === undefined) {
    const code = identity.state === "unauthorized" ? "unauthorized" : identity.failure ? `transport-${identity.failure.code}` : "identity-unknown";
    return baseResult(check, {
      status: "error",
      expected: check.expect,
      observed: identity.state === "unauthorized" ? "unauthorized" : (identity.failure?.code ?? "unknown"),
      message: identity.message,
      evidence,
      request,
      durationMs: identity.durationMs,
      error: { code, message: identity.message },
    });
  }
  const matches = check.expect === "any" || check.expect === decision;
  return baseResult(check, {
    status: check.expect === "any" ? "info" : matches ? "pass" : "fail",
    expected: check.expect,
    observed: decision,
    observation: identity.message,
    message: matches ? identity.message : `${identity.message}, expected ${check.expect}`,
    evidence,
    request,
    durationMs: identity.durationMs,
  });
};
