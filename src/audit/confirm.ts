import type { Finding } from "../model/report.js";
import { describeRequest } from "../rbac/request-spec.js";
import { userInfoFor } from "../rbac/users.js";
import type { UserInfo } from "../rbac/types.js";
import type { ReviewBatch, ReviewQuestion } from "./live/reviews.js";
import { matcherOf } from "./matchers/registry.js";
import { NODE_TARGET, NODES_GROUP } from "./paths/targets.js";
import type { Catalogue } from "./rule-types.js";

/*
 * The differential check: for each cluster-admin or escalation finding, a SubjectAccessReview asks
 * the server's whole authorizer chain whether that subject can really do it. Agreement is recorded on
 * the finding; a disagreement (webhook or Node authorizer, evaluator bug, objects changed meanwhile)
 * is recorded and returned as a warning, never hidden; a finding the server could not be asked about
 * says why (`unconfirmed`). The questions are asked together with the paths' (live/cross-check.ts).
 */

/** The user a review asks about: a Group subject is asked about as a stand-in user in only that group. */
export function userFor(subject: NonNullable<Finding["subject"]>): UserInfo | undefined {
  if (subject.kind === "ServiceAccount" && subject.namespace) return userInfoFor(`system:serviceaccount:${subject.namespace}:${subject.name}`);
  if (subject.kind === "User") return userInfoFor(subject.name);
  if (subject.kind === "Group") return { name: "saprobe:audit-group-member", groups: [subject.name] };
  // A node's identity is a user in group system:nodes (the Node authorizer asks both); "any node" is no one to ask about.
  if (subject.kind === "Node" && subject.name !== NODE_TARGET.ref.name) return userInfoFor(subject.name, [NODES_GROUP]);
  return undefined;
}

/** Requests are worded once, in kubectl's grammar (src/rbac/request-spec.ts); attack-path confirmation words them here too. */
export { describeRequest };

/** The question each finding asks the server (by position), or undefined when its rule names no single request. */
export function findingQuestions(catalogue: Catalogue, findings: readonly Finding[]): (ReviewQuestion | undefined)[] {
  const rules = new Map(catalogue.rules.map((rule) => [rule.id, rule]));
  return findings.map((finding) => {
    const rule = rules.get(finding.rule);
    // Rules whose matcher can name the request a finding claims (cluster-admin power, permissions) are cross-checked.
    if (finding.status !== "finding" || !finding.subject || !rule) return undefined;
    const user = userFor(finding.subject);
    const attrs = matcherOf(rule.match.kind).claimedRequest?.(rule, finding);
    return user && attrs ? { user, attrs } : undefined;
  });
}

const subjectText = (subject: Finding["subject"]): string => `${subject?.kind} ${subject?.namespace ? `${subject.namespace}/` : ""}${subject?.name}`;

/**
 * Records the server's answer on each finding that asked a question: `confirmation` when it answered
 * (one warning per disagreement), `unconfirmed` with the reason when it could not (the review failed,
 * the deadline passed), and one warning for the failures.
 */
export function applyFindingAnswers(
  findings: readonly Finding[],
  questions: readonly (ReviewQuestion | undefined)[],
  batch: ReviewBatch,
): { findings: Finding[]; warnings: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const result = findings.map((finding, position) => {
    const question = questions[position];
    if (!question) return finding;
    const answer = batch.answerOf(question);
    const asked = describeRequest(question.attrs);
    if (answer.state === "failed") errors.push(answer.error);
    if (answer.state !== "answered")
      return {
        ...finding,
        unconfirmed: { reason: answer.state === "failed" ? `the SubjectAccessReview for ${asked} failed: ${answer.error}` : answer.reason },
      };
    if (!answer.allowed) warnings.push(`SubjectAccessReview disagrees with ${finding.rule} for ${subjectText(finding.subject)}: the server denies ${asked}.`);
    const detail = `the server ${answer.allowed ? "allows" : "denies"} ${asked}${answer.reason ? `: ${answer.reason}` : ""}`;
    return { ...finding, confirmation: { agreed: answer.allowed, detail } };
  });
  if (errors.length > 0)
    warnings.push(
      `${errors.length} SubjectAccessReview cross-check${errors.length === 1 ? "" : "s"} could not be asked (${errors[0]}); those findings are unconfirmed.`,
    );
  return { findings: result, warnings };
}
