import type { CheckDefinition } from "../checks/types.js";
import { isUnexpectedNonJson, notJsonSentence } from "../kube/server-text.js";
import type { KubeResponse, RequestOutcome, TransportFailure } from "../kube/types.js";
import type { CheckResult, ErrorValue, Status } from "../model/report.js";
import { responseEvidence, statusOf } from "../kube/status.js";

/** An authorization decision the server made visible. */
export type ServerDecision = "allowed" | "denied";

/** What a probe saw, before it is compared with the expectation. */
export interface Observation {
  /** Short word for the report, e.g. `allowed`, `denied`, `unauthorized`, `timeout`. */
  observed: string;
  /** Set when the server's answer shows an authorization decision. */
  decision?: ServerDecision;
  /** One sentence about what happened (without the verdict). */
  message: string;
  evidence: Record<string, unknown>;
  /** Why the probe could not tell, when `decision` is absent. */
  error?: ErrorValue;
}

/** An observation for a request that produced no usable response. */
export function observeFailure(failure: TransportFailure, what: string): Observation {
  const evidence: Record<string, unknown> = { failure: failure.code };
  if (failure.tlsCode) evidence.tlsCode = failure.tlsCode;
  return {
    observed: failure.code,
    message: `${what}: ${failure.message}`,
    evidence,
    error: { code: `transport-${failure.code}`, message: failure.message },
  };
}

function statusSentence(response: KubeResponse): string {
  const status = statusOf(response.json);
  return status?.message ? `${response.status} ${status.reason ?? ""}: ${status.message}`.replace(" :", ":") : `HTTP ${response.status}`;
}

/**
 * Maps an HTTP response to an authorization decision. 403 is a denial; 401 means the credentials
 * were rejected (no decision). Other 4xx answers (404, 400, 409, 410, 422) come from handlers that
 * only run after the authorizer allowed the request, so they show an allowed decision.
 */
export function observeResponse(response: KubeResponse, what: string): Observation {
  const evidence = responseEvidence(response);
  const status = response.status;
  if (status === 403) return { observed: "denied", decision: "denied", message: `${what}: denied (${statusSentence(response)})`, evidence };
  if (status === 401) {
    return {
      observed: "unauthorized",
      message: `${what}: the server rejected the credentials (401 Unauthorized)`,
      evidence,
      error: { code: "unauthorized", message: "the server rejected the credentials (401): the token is expired, revoked or not from this cluster" },
    };
  }
  if (status >= 200 && status < 300) return { observed: "allowed", decision: "allowed", message: `${what}: allowed (${status})`, evidence };
  if (status >= 400 && status < 500 && status !== 429) {
    return { observed: "allowed", decision: "allowed", message: `${what}: authorized, but the server answered ${statusSentence(response)}`, evidence };
  }
  return {
    observed: "server-error",
    message: `${what}: the server answered ${statusSentence(response)}`,
    evidence,
    error: { code: "server-error", message: `the server answered ${statusSentence(response)}` },
  };
}

/** `observeResponse` or `observeFailure`, whichever the outcome calls for. */
export function observeOutcome(outcome: RequestOutcome, what: string): Observation {
  return outcome.ok ? observeResponse(outcome.response, what) : observeFailure(outcome.failure, what);
}

/**
 * `observeOutcome` for a request whose success must carry a Kubernetes object: a 2xx answer whose
 * body is not JSON (a proxy's login page, a garbled answer) is an error with the first bytes shown,
 * never a silent pass.
 */
export function observeJsonOutcome(outcome: RequestOutcome, what: string): Observation {
  if (!outcome.ok || !isUnexpectedNonJson(outcome.response)) return observeOutcome(outcome, what);
  const sentence = notJsonSentence(outcome.response);
  const evidence: Record<string, unknown> = { httpStatus: outcome.response.status, contentType: outcome.response.headers["content-type"] ?? "" };
  return { observed: "not-json", message: `${what}: ${sentence}`, evidence, error: { code: "not-json", message: sentence } };
}

function statusFor(check: CheckDefinition, observation: Observation): Status {
  if (observation.decision === undefined) return "error";
  // No expectation: the decision is reported as seen, and judged only by `--expect`.
  if (check.expect === "any") return "info";
  return check.expect === observation.decision ? "pass" : "fail";
}

/** Extra fields of a result that only the probe knows. */
export interface ResultDetails {
  request?: { method: string; path: string };
  durationMs: number;
}

/**
 * The result of a check whose expectation is an authorization decision (allowed, denied, any).
 * A mismatch fails; no decision (401, transport failure, 5xx) is an error, never a pass; `any` is an
 * observation (`info`). The probe's sentence is kept apart from the verdict (`observation`).
 */
export function decisionResult(check: CheckDefinition, observation: Observation, details: ResultDetails): CheckResult {
  const status = statusFor(check, observation);
  const verdict = status === "fail" ? `, expected ${check.expect}` : "";
  return baseResult(check, {
    status,
    expected: check.expect,
    observed: observation.observed,
    observation: observation.message,
    message: `${observation.message}${verdict}`,
    evidence: observation.evidence,
    ...details,
    ...(observation.error ? { error: observation.error } : {}),
  });
}

/** Fills the fields every result copies from its check definition. */
export function baseResult(
  check: CheckDefinition,
  fields: Pick<CheckResult, "status" | "expected" | "observed" | "message" | "evidence" | "durationMs"> &
    Partial<Pick<CheckResult, "request" | "error" | "observation">>,
): CheckResult {
  return {
    id: check.id,
    title: check.title,
    probe: check.probe,
    severity: check.severity,
    expectedSource: "check",
    remediation: check.remediation,
    ...fields,
  };
}

/** A result for a check that does not apply to this connection (e.g. TLS over plain HTTP). */
export function skippedResult(check: CheckDefinition, reason: string): CheckResult {
  return baseResult(check, { status: "skip", expected: check.expect, observed: "not-run", message: reason, evidence: {}, durationMs: 0 });
}
