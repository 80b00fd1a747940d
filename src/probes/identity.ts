import type { Connection } from "../connect/types.js";
import { REVIEW_PATHS, selfSubjectReview } from "../kube/access-reviews.js";
import type { KubeClient } from "../kube/types.js";
import { parseServiceAccountUsername, userInfoFor } from "../rbac/users.js";
import { decodeJwt } from "../token/jwt.js";
import type { TokenRead } from "../token/source.js";
import { responseEvidence } from "../kube/status.js";
import type { IdentityLookup } from "./types.js";

/** The SelfSubjectReview path (authentication.k8s.io/v1, GA since Kubernetes 1.28). */
export const SELF_SUBJECT_REVIEW_PATH = REVIEW_PATHS.selfSubjectReview;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The identity a ServiceAccount token's `sub` claim names, as the authenticator would build it. */
function identityFromClaims(token: TokenRead | undefined): { username: string; groups: string[] } | undefined {
  const payload = token?.token ? decodeJwt(token.token)?.payload : undefined;
  const subject = typeof payload?.sub === "string" ? payload.sub : undefined;
  if (!subject || !parseServiceAccountUsername(subject)) return undefined;
  return { username: subject, groups: userInfoFor(subject).groups };
}

/**
 * Asks the server who saprobe is (SelfSubjectReview). On servers that do not serve it (404), the
 * identity comes from the token's claims, and the result says so. A 401 means the credentials
 * were rejected: nothing else in the run can be trusted.
 */
export async function lookupIdentity(
  client: KubeClient,
  connection: Connection,
  options: { signal: AbortSignal; timeoutMs: number; token: () => Promise<TokenRead | undefined> },
): Promise<IdentityLookup> {
  const { outcome, answer } = await selfSubjectReview(client, { signal: options.signal, timeoutMs: options.timeoutMs });
  const proxied = connection.viaProxy ? " (through kubectl proxy: the proxy's identity)" : "";
  if (!outcome.ok) {
    return {
      state: "unknown",
      groups: [],
      source: "none",
      message: `could not ask who saprobe is: ${outcome.failure.message}`,
      evidence: { failure: outcome.failure.code },
      failure: outcome.failure,
      durationMs: outcome.durationMs,
    };
  }
  const response = outcome.response;
  const evidence = responseEvidence(response);
  const base = { httpStatus: response.status, durationMs: response.durationMs, evidence };
  if (answer.ok) {
    const userInfo = (answer.status.userInfo ?? {}) as Record<string, unknown>;
    const username = typeof userInfo.username === "string" ? userInfo.username : undefined;
    if (username === undefined)
      return { ...base, state: "unknown", groups: [], source: "SelfSubjectReview", message: "the SelfSubjectReview answer has no username" };
    const groups = stringList(userInfo.groups);
    const uid = typeof userInfo.uid === "string" ? userInfo.uid : undefined;
    return {
      ...base,
      state: "known",
      username,
      groups,
      ...(uid ? { uid } : {}),
      source: "SelfSubjectReview",
      message: `the server sees user "${username}" with groups [${groups.join(", ")}]${proxied}`,
      evidence: { ...evidence, username, groups },
    };
  }
  if (answer.error.code === "not-json") {
    return { ...base, state: "unknown", groups: [], source: "SelfSubjectReview", message: `could not ask who saprobe is: ${answer.error.message}` };
  }
  if (response.status === 401) {
    return {
      ...base,
      state: "unauthorized",
      groups: [],
      source: "SelfSubjectReview",
      message: "the server rejected the credentials (401 Unauthorized): the token is expired, revoked or not from this cluster",
    };
  }
  if (response.status === 404) {
    const claims = identityFromClaims(await options.token());
    if (claims) {
      return {
        ...base,
        ...claims,
        state: "known",
        source: "token claims",
        message: `the server does not serve SelfSubjectReview (404); from the token's claims, saprobe is "${claims.username}" (not confirmed by the server)`,
        evidence: { ...evidence, ...claims },
      };
    }
    return {
      ...base,
      state: "unknown",
      groups: [],
      source: "none",
      message: "the server does not serve SelfSubjectReview (404) and the credentials are not a ServiceAccount token to read the identity from",
    };
  }
  return {
    ...base,
    state: "unknown",
    groups: [],
    source: "SelfSubjectReview",
    message: `SelfSubjectReview answered ${response.status}${typeof evidence.statusMessage === "string" ? `: ${evidence.statusMessage}` : ""}`,
  };
}
