import { setMaxListeners } from "node:events";
import { boundedMap, reviewSpec, subjectAccessReview } from "../../kube/access-reviews.js";
import type { KubeClient } from "../../kube/types.js";
import type { RequestAttributes, UserInfo } from "../../rbac/types.js";
import { formatDuration } from "../../input/units.js";

/*
 * The live audit's SubjectAccessReviews, asked as one batch: every question once (many findings and
 * path hops ask the same one), many at a time over the client's keep-alive connections, all within one
 * deadline. A question the deadline (or a cancelled audit) left unanswered says so, with the reason,
 * so the findings that relied on it can say why they are not confirmed: nothing is silently dropped.
 */

/** One question for the server: may `user`, with exactly these groups, make this request? */
export interface ReviewQuestion {
  user: UserInfo;
  attrs: RequestAttributes;
}

/** The server's answer to one question, or why there is none. */
export type ReviewAnswer =
  | { state: "answered"; allowed: boolean; reason: string }
  | { state: "failed"; error: string }
  | { state: "not-asked"; reason: string };

/** The answers of one batch, looked up by question. */
export interface ReviewBatch {
  answerOf(question: ReviewQuestion): ReviewAnswer;
  /** Distinct questions, and how many of them the server answered or refused (the rest were not asked). */
  distinct: number;
  answered: number;
  failed: number;
  /** Set when the deadline passed before every question was answered. */
  deadlinePassed?: string;
}

/** How a batch is asked. */
export interface ReviewBatchOptions {
  /** Everything stops when the audit is cancelled. */
  signal?: AbortSignal;
  /** The whole batch's time; questions not answered by then are `not-asked`. */
  deadlineMs: number;
  /** Reviews in flight at once (default: enough to keep every pooled connection busy). */
  concurrency?: number;
}

/** Reviews in flight at once: twice the client's pooled connections (16), so none waits idle between two reviews. */
export const REVIEW_CONCURRENCY = 32;

/** The identity of a question: same user, groups and request attributes, same answer. */
export function questionKey(question: ReviewQuestion): string {
  return JSON.stringify([question.user.name, question.user.groups, reviewSpec(question.attrs)]);
}

/** Asks every distinct question once, concurrently, within the deadline. */
export async function askReviews(client: KubeClient, questions: readonly ReviewQuestion[], options: ReviewBatchOptions): Promise<ReviewBatch> {
  const distinct = new Map<string, ReviewQuestion>();
  for (const question of questions) {
    const key = questionKey(question);
    if (!distinct.has(key)) distinct.set(key, question);
  }
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const concurrency = options.concurrency ?? REVIEW_CONCURRENCY;
  // Every review in flight listens to it: that many listeners are expected, not a leak.
  setMaxListeners(concurrency + 10, signal);
  const deadlineReason = `the cross-check's deadline (${formatDuration(options.deadlineMs)}) passed before this SubjectAccessReview was answered`;
  // The caller's signal is the whole audit's: a timeout there is its deadline, anything else a cancel.
  const callerTimedOut = (): boolean => (options.signal?.reason as { name?: string } | undefined)?.name === "TimeoutError";
  const stopped = (): string =>
    deadline.aborted
      ? deadlineReason
      : callerTimedOut()
        ? "the audit's deadline passed before this SubjectAccessReview was answered"
        : "the audit was cancelled before this SubjectAccessReview was answered";
  const answers = new Map<string, ReviewAnswer>();
  const entries = [...distinct];
  await boundedMap(entries, concurrency, async ([key, question]) => {
    if (signal.aborted) {
      answers.set(key, { state: "not-asked", reason: stopped() });
      return;
    }
    const answer = await subjectAccessReview(client, question.user, question.attrs, { signal });
    if (answer.ok) answers.set(key, { state: "answered", allowed: answer.allowed, reason: answer.reason || answer.evaluationError || "" });
    // A review cut short by the deadline was not refused by the server: it was not (fully) asked.
    else if (signal.aborted) answers.set(key, { state: "not-asked", reason: stopped() });
    else answers.set(key, { state: "failed", error: answer.error.message });
  });
  const values = [...answers.values()];
  return {
    answerOf: (question) => answers.get(questionKey(question)) ?? { state: "not-asked", reason: "this question was not part of the cross-check" },
    distinct: distinct.size,
    answered: values.filter((answer) => answer.state === "answered").length,
    failed: values.filter((answer) => answer.state === "failed").length,
    ...(deadline.aborted && values.some((answer) => answer.state === "not-asked") ? { deadlinePassed: formatDuration(options.deadlineMs) } : {}),
  };
}
