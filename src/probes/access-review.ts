import type { AccessQuestion } from "../checks/types.js";
import { isUnexpectedNonJson, notJsonSentence } from "../kube/server-text.js";
import { baseResult, observeOutcome } from "./observation.js";
import { statusOf } from "./status-object.js";
import { serviceAccountNamespace } from "./target.js";
import type { Probe } from "./types.js";

/** The SelfSubjectAccessReview path (authorization.k8s.io/v1). */
export const SELF_SUBJECT_ACCESS_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

/** One answered question of the batch. */
interface Answer {
  question: string;
  decision?: "allowed" | "denied";
  reason?: string;
  error?: string;
}

function describe(question: AccessQuestion, namespace: string): string {
  if ("path" in question) return `${question.verb} ${question.path}`;
  const resource = `${question.resource}${question.subresource ? `/${question.subresource}` : ""}${question.group ? `.${question.group}` : ""}`;
  return `${question.verb} ${resource}${question.name ? ` "${question.name}"` : ""}${namespace ? ` in "${namespace}"` : " (cluster-wide)"}`;
}

function spec(question: AccessQuestion, namespace: string): Record<string, unknown> {
  if ("path" in question) return { nonResourceAttributes: { path: question.path, verb: question.verb } };
  const { verb, resource, group, version, subresource, name } = question;
  return { resourceAttributes: { verb, resource, group: group ?? "", version, subresource, name, namespace } };
}

/**
 * `access-review`: asks the server's authorizer chain (SelfSubjectAccessReview) every question of
 * the check at once. Passes when every answer matches `expect`; `observed` is `allowed`, `denied`
 * or `mixed`, with each answer and its reason as evidence.
 */
export const accessReviewProbe: Probe = async (client, connection, check, context) => {
  const started = performance.now();
  const questions = check.reviews ?? [];
  const needsNamespace = questions.some((question) => !("path" in question) && question.namespace === undefined);
  const identity = needsNamespace ? await context.identity() : undefined;
  const defaultNamespace = serviceAccountNamespace(identity?.username) ?? connection.namespace;
  const answers = await Promise.all(
    questions.map(async (question): Promise<Answer> => {
      const namespace = "path" in question ? "" : (question.namespace ?? defaultNamespace);
      const label = describe(question, namespace);
      const body = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: spec(question, namespace) };
      const outcome = await client.request({ method: "POST", path: SELF_SUBJECT_ACCESS_REVIEW_PATH, body, retryable: true, signal: context.signal, timeoutMs: context.timeoutMs });
      if (!outcome.ok || outcome.response.status !== 201) {
        const status = outcome.ok ? statusOf(outcome.response.json) : undefined;
        return { question: label, error: status?.message ?? observeOutcome(outcome, "SelfSubjectAccessReview").message };
      }
      if (isUnexpectedNonJson(outcome.response)) return { question: label, error: notJsonSentence(outcome.response) };
      const status = (outcome.response.json as { status?: { allowed?: boolean; reason?: string } } | undefined)?.status ?? {};
      return { question: label, decision: status.allowed === true ? "allowed" : "denied", ...(status.reason ? { reason: status.reason } : {}) };
    }),
  );
  const durationMs = Math.round(performance.now() - started);
  const request = { method: "POST", path: SELF_SUBJECT_ACCESS_REVIEW_PATH };
  const failed = answers.filter((answer) => answer.error !== undefined);
  if (failed.length > 0) {
    const message = `${failed.length} of ${answers.length} access reviews could not be asked: ${failed[0]?.error}`;
    return baseResult(check, { status: "error", expected: check.expect, observed: "unknown", message, evidence: { answers }, request, durationMs, error: { code: "access-review-failed", message } });
  }
  const decisions = new Set(answers.map((answer) => answer.decision));
  const observed = decisions.size === 1 ? (answers[0]?.decision ?? "allowed") : "mixed";
  const mismatched = check.expect === "any" ? [] : answers.filter((answer) => answer.decision !== check.expect);
  const message = mismatched.length === 0
    ? `${answers.length} access review${answers.length === 1 ? "" : "s"}: all ${check.expect === "any" ? "answered" : check.expect}`
    : `expected ${check.expect}, but: ${mismatched.map((answer) => `${answer.question} is ${answer.decision}`).join("; ")}`;
  return baseResult(check, { status: mismatched.length === 0 ? "pass" : "fail", expected: check.expect, observed, message, evidence: { answers }, request, durationMs });
};
