import type { AccessQuestion } from "../checks/types.js";
import { REVIEW_PATHS, selfAccessReview } from "../kube/access-reviews.js";
import { describeRequest } from "../rbac/request-spec.js";
import type { RequestAttributes } from "../rbac/types.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import { baseResult } from "./observation.js";
import type { Probe } from "./types.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** The SelfSubjectAccessReview path (authorization.k8s.io/v1). */
export const SELF_SUBJECT_ACCESS_REVIEW_PATH = REVIEW_PATHS.selfSubjectAccessReview;

/** One answered question of the batch. */
interface Answer {
  question: string;
  decision?: "allowed" | "denied";
  reason?: string;
  error?: string;
}

function attributesOf(question: AccessQuestion, namespace: string): RequestAttributes {
  if ("path" in question) return { resourceRequest: false, verb: question.verb, path: question.path };
  const { verb, resource, group, subresource, name } = question;
  return { resourceRequest: true, verb, apiGroup: group ?? "", resource, namespace, ...(subresource ? { subresource } : {}), ...(name ? { name } : {}) };
}

/**
 * `access-review`: asks the server's authorizer chain (SelfSubjectAccessReview) every question of
 * the check at once. Passes when every answer matches `expect`; `observed` is `allowed`, `denied`
 * or `mixed`, with each answer and its reason as evidence.
 */
export const accessReviewProbe: Probe = async (client, connection, check, context) => {
  const elapsed = startStopwatch();
  const questions = check.reviews ?? [];
  const needsNamespace = questions.some((question) => !("path" in question) && question.namespace === undefined);
  const identity = needsNamespace ? await context.identity() : undefined;
  const defaultNamespace = parseServiceAccountUsername(identity?.username ?? "")?.namespace ?? connection.namespace;
  const answers = await Promise.all(
    questions.map(async (question): Promise<Answer> => {
      const namespace = "path" in question ? "" : (question.namespace ?? defaultNamespace);
      const attributes = attributesOf(question, namespace);
      const label = describeRequest(attributes);
      const answer = await selfAccessReview(client, attributes, { signal: context.signal, timeoutMs: context.timeoutMs });
      if (!answer.ok) return { question: label, error: answer.error.message };
      return { question: label, decision: answer.allowed ? "allowed" : "denied", ...(answer.reason ? { reason: answer.reason } : {}) };
    }),
  );
  const durationMs = elapsed();
  const request = { method: "POST", path: SELF_SUBJECT_ACCESS_REVIEW_PATH };
  const failed = answers.filter((answer) => answer.error !== undefined);
  if (failed.length > 0) {
    const message = `${failed.length} of ${answers.length} access reviews could not be asked: ${failed[0]?.error}`;
    return baseResult(check, {
      status: "error",
      expected: check.expect,
      observed: "unknown",
      message,
      evidence: { answers },
      request,
      durationMs,
      error: { code: "access-review-failed", message },
    });
  }
  const decisions = new Set(answers.map((answer) => answer.decision));
  const observed = decisions.size === 1 ? (answers[0]?.decision ?? "allowed") : "mixed";
  const mismatched = check.expect === "any" ? [] : answers.filter((answer) => answer.decision !== check.expect);
  const observation = answers.map((answer) => `${answer.question} is ${answer.decision}`).join("; ");
  const message =
    mismatched.length === 0
      ? `${answers.length} access review${answers.length === 1 ? "" : "s"}: all ${check.expect === "any" ? "answered" : check.expect}`
      : `expected ${check.expect}, but: ${mismatched.map((answer) => `${answer.question} is ${answer.decision}`).join("; ")}`;
  const status = check.expect === "any" ? "info" : mismatched.length === 0 ? "pass" : "fail";
  return baseResult(check, { status, expected: check.expect, observed, observation, message, evidence: { answers }, request, durationMs });
};
