import { boundedMap, subjectAccessReview } from "../kube/access-reviews.js";
import type { KubeClient } from "../kube/types.js";
import type { Finding } from "../model/report.js";
import { describeRequest } from "../rbac/request-spec.js";
import { userInfoFor } from "../rbac/users.js";
import type { RequestAttributes, UserInfo } from "../rbac/types.js";
import { matcherOf } from "./matchers/registry.js";
import type { Catalogue } from "./rule-types.js";

/*
 * The differential check: for each cluster-admin or escalation finding, a SubjectAccessReview asks
 * the server's whole authorizer chain whether that subject can really do it. Agreement is recorded on
 * the finding; a disagreement (webhook or Node authorizer, evaluator bug, objects changed meanwhile)
 * is recorded and returned as a warning, never hidden.
 */

/** At most this many reviews per audit, so huge clusters stay bounded; the rest say they were not asked. */
const MAX_REVIEWS = 2000;
const CONCURRENCY = 8;

/** The user a review asks about: a Group subject is asked about as a stand-in user in only that group. */
export function userFor(subject: NonNullable<Finding["subject"]>): UserInfo | undefined {
  if (subject.kind === "ServiceAccount" && subject.namespace) return userInfoFor(`system:serviceaccount:${subject.namespace}:${subject.name}`);
  if (subject.kind === "User") return userInfoFor(subject.name);
  if (subject.kind === "Group") return { name: "saprobe:audit-group-member", groups: [subject.name] };
  return undefined;
}

/** Requests are worded once, in kubectl's grammar (src/rbac/request-spec.ts); attack-path confirmation words them here too. */
export { describeRequest };

/** Asks the server (SubjectAccessReview) whether `user` may make the request: its answer and reason, or why it could not be asked. */
export async function review(client: KubeClient, user: UserInfo, attrs: RequestAttributes, signal?: AbortSignal): Promise<{ allowed: boolean; reason: string } | { error: string }> {
  const answer = await subjectAccessReview(client, user, attrs, signal ? { signal } : {});
  if (!answer.ok) return { error: answer.error.message };
  return { allowed: answer.allowed, reason: answer.reason || answer.evaluationError || "" };
}


/**
 * Asks the server about every confirmable finding; returns the findings with `confirmation` set
 * and one warning per disagreement (and one if reviews could not be asked).
 */
export async function confirmFindings(client: KubeClient, catalogue: Catalogue, findings: readonly Finding[], signal?: AbortSignal): Promise<{ findings: Finding[]; warnings: string[] }> {
  const rules = new Map(catalogue.rules.map((rule) => [rule.id, rule]));
  const result = findings.slice();
  const warnings: string[] = [];
  const jobs: { position: number; user: UserInfo; attrs: RequestAttributes }[] = [];
  result.forEach((finding, position) => {
    const rule = rules.get(finding.rule);
    // Rules whose matcher can name the request a finding claims (cluster-admin power, permissions) are cross-checked.
    if (finding.status !== "finding" || !finding.subject || !rule) return;
    const user = userFor(finding.subject);
    const attrs = matcherOf(rule.match.kind).claimedRequest?.(rule, finding);
    if (user && attrs) jobs.push({ position, user, attrs });
  });
  const errors: string[] = [];
  const asked = jobs.slice(0, MAX_REVIEWS);
  const answers = await boundedMap(asked, CONCURRENCY, (job) => review(client, job.user, job.attrs, signal));
  asked.forEach((job, index) => {
    const answer = answers[index] as Awaited<ReturnType<typeof review>>;
    const finding = result[job.position] as Finding;
    const question = describeRequest(job.attrs);
    if ("error" in answer) {
      errors.push(answer.error);
      return;
    }
    result[job.position] = {
      ...finding,
      confirmation: answer.allowed
        ? { agreed: true, detail: `the server allows ${question}${answer.reason ? `: ${answer.reason}` : ""}` }
        : { agreed: false, detail: `the server denies ${question}${answer.reason ? `: ${answer.reason}` : ""}` },
    };
    if (!answer.allowed) warnings.push(`SubjectAccessReview disagrees with ${finding.rule} for ${finding.subject?.kind} ${finding.subject?.namespace ? `${finding.subject.namespace}/` : ""}${finding.subject?.name}: the server denies ${question}.`);
  });
  if (errors.length > 0) warnings.push(`${errors.length} SubjectAccessReview cross-check${errors.length === 1 ? "" : "s"} could not be asked (${errors[0]}); those findings are unconfirmed.`);
  if (jobs.length > MAX_REVIEWS) warnings.push(`only the first ${MAX_REVIEWS} of ${jobs.length} findings were cross-checked with a SubjectAccessReview.`);
  return { findings: result, warnings };
}
