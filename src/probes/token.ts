import { diagnoseToken, type TokenDiagnosis } from "../token/diagnose.js";
import { baseResult, skippedResult } from "./observation.js";
import type { IdentityLookup, Probe } from "./types.js";

/** Whether the server still accepts the token, from the run's SelfSubjectReview (TokenReview is admin-only). */
function acceptance(identity: IdentityLookup): "accepted" | "rejected" | "unknown" {
  if (identity.state === "unauthorized") return "rejected";
  if (identity.state === "known" && identity.source === "SelfSubjectReview") return "accepted";
  // 403: the server authenticated the token, then refused the review itself.
  if (identity.httpStatus === 403) return "accepted";
  return "unknown";
}

/** Evidence for the report: every claim worth seeing, never the token. */
export function tokenEvidence(diagnosis: TokenDiagnosis): Record<string, unknown> {
  const { problems: _problems, notes: _notes, ...claims } = diagnosis;
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

/**
 * `token`: decodes the connection's ServiceAccount token (never verifies or prints it) and judges
 * it: legacy Secret-based tokens, expired tokens and a namespace claim that differs from the
 * mount fail; a token the server rejects (401 on SelfSubjectReview) is an error of the whole run.
 */
export const tokenProbe: Probe = async (_client, connection, check, context) => {
  if (connection.viaProxy) return skippedResult(check, "through kubectl proxy saprobe holds no token: the proxy authenticates");
  const read = await context.token();
  if (read === undefined) return skippedResult(check, `the connection authenticates with ${connection.credentials.kind}, not a bearer token`);
  if (!read.token) {
    return baseResult(check, {
      status: "error",
      expected: "accepted",
      observed: "unreadable",
      message: `${read.source}: ${read.error}`,
      evidence: { source: read.source },
      durationMs: 0,
      error: { code: "token-unreadable", message: read.error ?? "unreadable" },
    });
  }
  const diagnosis = diagnoseToken(read.token, {
    source: read.source,
    now: context.now(),
    ...(read.mountNamespace ? { mountNamespace: read.mountNamespace } : {}),
  });
  const identity = await context.identity();
  const accepted = acceptance(identity);
  const evidence = { ...tokenEvidence(diagnosis), accepted, ...(diagnosis.notes.length > 0 ? { notes: diagnosis.notes } : {}) };
  const problems = [...diagnosis.problems];
  if (accepted === "rejected") problems.unshift("the server no longer accepts the token (401 Unauthorized)");
  const observed = accepted === "rejected" ? "rejected" : problems.length > 0 ? diagnosis.kind : accepted;
  const kind = diagnosis.format === "opaque" ? "an opaque token" : `a ${diagnosis.kind} token for ${diagnosis.subject ?? "an unknown subject"}`;
  if (problems.length > 0) {
    return baseResult(check, {
      status: "fail",
      expected: "accepted",
      observed,
      message: `${read.source} holds ${kind}: ${problems.join("; ")}`,
      evidence: { ...evidence, problems },
      durationMs: 0,
    });
  }
  if (accepted === "unknown" && identity.source !== "token claims") {
    // Nothing wrong in the claims, but whether the server takes the token is unknown: never a pass.
    const message = `${read.source} holds ${kind}: whether the server accepts it is unknown (${identity.message})`;
    return baseResult(check, {
      status: "error",
      expected: "accepted",
      observed: "unknown",
      message,
      evidence,
      durationMs: 0,
      error: { code: "token-unconfirmed", message },
    });
  }
  const facts = [
    accepted === "accepted" ? "the server accepts it" : "the server does not serve SelfSubjectReview, so it did not confirm it",
    ...diagnosis.notes,
  ].join("; ");
  return baseResult(check, { status: "pass", expected: "accepted", observed, message: `${read.source} holds ${kind}: ${facts}`, evidence, durationMs: 0 });
};
