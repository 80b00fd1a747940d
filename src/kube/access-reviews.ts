import type { ErrorValue } from "../model/report.js";
import type { PolicyRule, RequestAttributes, UserInfo } from "../rbac/types.js";
import { isUnexpectedNonJson, notJsonSentence } from "./server-text.js";
import type { KubeClient, RequestOutcome } from "./types.js";

/*
 * The access-review family, asked one way: SelfSubjectReview (authentication.k8s.io/v1),
 * SelfSubjectAccessReview, SubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1). They change nothing on the server, so each is
 * retried like a GET when the server asks for it (429/5xx with Retry-After). One rule for statuses:
 * 200/201 with a JSON object is an answer; anything else is an `ErrorValue` whose code says why
 * (`unauthorized` for 401, `forbidden` for 403 — an impersonation the server refuses answers so —,
 * `not-json`, `review-failed`, or `transport-<code>`), never an exception.
 */

const AUTHORIZATION = "/apis/authorization.k8s.io/v1";

/** The API paths of the reviews. */
export const REVIEW_PATHS = {
  selfSubjectReview: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
  selfSubjectAccessReview: `${AUTHORIZATION}/selfsubjectaccessreviews`,
  subjectAccessReview: `${AUTHORIZATION}/subjectaccessreviews`,
  selfSubjectRulesReview: `${AUTHORIZATION}/selfsubjectrulesreviews`,
} as const;

/** Per-request options. */
export interface ReviewOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An authorization answer, or why the question could not be asked. */
export type AccessAnswer =
  | { ok: true; allowed: boolean; denied: boolean; reason: string; evaluationError?: string }
  | { ok: false; error: ErrorValue; httpStatus?: number };

/** The rules the server lists for the caller in one namespace, or why it could not. */
export type RulesAnswer =
  | { ok: true; resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[]; incomplete: boolean; evaluationError?: string }
  | { ok: false; error: ErrorValue; httpStatus?: number };

/** The `spec` attributes of an access review for these request attributes. */
export function reviewSpec(attrs: RequestAttributes): Record<string, unknown> {
  if (!attrs.resourceRequest) return { nonResourceAttributes: { path: attrs.path, verb: attrs.verb } };
  const resourceAttributes: Record<string, string> = { namespace: attrs.namespace, verb: attrs.verb, group: attrs.apiGroup, resource: attrs.resource };
  if (attrs.subresource) resourceAttributes.subresource = attrs.subresource;
  if (attrs.name) resourceAttributes.name = attrs.name;
  return { resourceAttributes };
}

function statusMessage(json: unknown): string | undefined {
  const message = (json as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message !== "" ? message : undefined;
}

/** One rule for every review: the answer's `status` object, or why there is none. */
export function reviewStatus(
  outcome: RequestOutcome,
  kind: string,
): { ok: true; status: Record<string, unknown> } | { ok: false; error: ErrorValue; httpStatus?: number } {
  if (!outcome.ok) return { ok: false, error: { code: `transport-${outcome.failure.code}`, message: `could not ask the ${kind}: ${outcome.failure.message}` } };
  const response = outcome.response;
  const httpStatus = response.status;
  if (httpStatus === 401) return { ok: false, httpStatus, error: { code: "unauthorized", message: "the server rejected the credentials (401 Unauthorized)" } };
  if (httpStatus === 403) {
    return {
      ok: false,
      httpStatus,
      error: { code: "forbidden", message: `the server refused the ${kind} (403): ${statusMessage(response.json) ?? "forbidden"}` },
    };
  }
  if (isUnexpectedNonJson(response)) return { ok: false, httpStatus, error: { code: "not-json", message: `${kind}: ${notJsonSentence(response)}` } };
  if ((httpStatus !== 200 && httpStatus !== 201) || typeof response.json !== "object" || response.json === null) {
    const detail = statusMessage(response.json) ?? response.text.slice(0, 300);
    return { ok: false, httpStatus, error: { code: "review-failed", message: `the ${kind} answered HTTP ${httpStatus}${detail ? `: ${detail}` : ""}` } };
  }
  const status = (response.json as { status?: unknown }).status;
  return { ok: true, status: typeof status === "object" && status !== null ? (status as Record<string, unknown>) : {} };
}

function accessAnswer(outcome: RequestOutcome, kind: string): AccessAnswer {
  const got = reviewStatus(outcome, kind);
  if (!got.ok) return got;
  const { allowed, denied, reason, evaluationError } = got.status;
  return {
    ok: true,
    allowed: allowed === true,
    denied: denied === true,
    reason: typeof reason === "string" ? reason : "",
    ...(typeof evaluationError === "string" && evaluationError !== "" ? { evaluationError } : {}),
  };
}

/** May the caller (or the identity it impersonates) make this request? (SelfSubjectAccessReview) */
export async function selfAccessReview(client: KubeClient, attrs: RequestAttributes, options: ReviewOptions = {}): Promise<AccessAnswer> {
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: reviewSpec(attrs) };
  const outcome = await client.request({ method: "POST", path: REVIEW_PATHS.selfSubjectAccessReview, body, retryable: true, ...options });
  return accessAnswer(outcome, "SelfSubjectAccessReview");
}

/** May `user`, with exactly these groups, make this request? (SubjectAccessReview: the server adds no group) */
export async function subjectAccessReview(client: KubeClient, user: UserInfo, attrs: RequestAttributes, options: ReviewOptions = {}): Promise<AccessAnswer> {
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: user.name, groups: user.groups, ...reviewSpec(attrs) } };
  const outcome = await client.request({ method: "POST", path: REVIEW_PATHS.subjectAccessReview, body, retryable: true, ...options });
  return accessAnswer(outcome, "SubjectAccessReview");
}

function policyRules(value: unknown): PolicyRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter((rule): rule is PolicyRule => typeof rule === "object" && rule !== null && Array.isArray((rule as PolicyRule).verbs));
}

/** The rules that apply to the caller in `namespace` (SelfSubjectRulesReview); `incomplete` when an authorizer cannot list its rules. */
export async function selfRulesReview(client: KubeClient, namespace: string, options: ReviewOptions = {}): Promise<RulesAnswer> {
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace } };
  const outcome = await client.request({ method: "POST", path: REVIEW_PATHS.selfSubjectRulesReview, body, retryable: true, ...options });
  const got = reviewStatus(outcome, "SelfSubjectRulesReview");
  if (!got.ok) return got;
  const { resourceRules, nonResourceRules, incomplete, evaluationError } = got.status;
  return {
    ok: true,
    resourceRules: policyRules(resourceRules),
    nonResourceRules: policyRules(nonResourceRules),
    incomplete: incomplete === true,
    ...(typeof evaluationError === "string" && evaluationError !== "" ? { evaluationError } : {}),
  };
}

/**
 * Who the caller is (SelfSubjectReview, authentication.k8s.io/v1). The raw outcome comes back too:
 * the identity lookup shows the server's own words as evidence and reads a 404 (an old server) itself.
 */
export async function selfSubjectReview(
  client: KubeClient,
  options: ReviewOptions = {},
): Promise<{ outcome: RequestOutcome; answer: ReturnType<typeof reviewStatus> }> {
  const body = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };
  const outcome = await client.request({ method: "POST", path: REVIEW_PATHS.selfSubjectReview, body, retryable: true, ...options });
  return { outcome, answer: reviewStatus(outcome, "SelfSubjectReview") };
}

/** Runs `task` over `items` with at most `limit` at a time, keeping their order. */
export async function boundedMap<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const position = next++;
      results[position] = await task(items[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
