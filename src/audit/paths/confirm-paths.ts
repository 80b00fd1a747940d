import type { Finding, PathHop, PathRequest } from "../../model/report.js";
import type { RequestAttributes } from "../../rbac/types.js";
import { describeRequest, userFor } from "../confirm.js";
import type { ReviewAnswer, ReviewBatch, ReviewQuestion } from "../live/reviews.js";
import { describeRef } from "../finding-text.js";

/*
 * A live path is confirmed hop by hop: every request a hop relies on is asked of the server with a
 * SubjectAccessReview, as the identity that makes it (the impersonator for impersonate-on, the
 * identity acted as for the rest). A hop agrees when the server allows all of its requests; a path
 * agrees when every hop does. A disagreement is kept on the hop and returned as a warning; a hop the
 * server could not be asked about leaves the path unconfirmed, with the reason. The questions are
 * asked together with the findings' (live/cross-check.ts).
 */

function attributesOf(request: PathRequest): RequestAttributes {
  return {
    resourceRequest: true,
    verb: request.verb,
    apiGroup: request.group,
    resource: request.resource,
    namespace: request.namespace,
    ...(request.subresource ? { subresource: request.subresource } : {}),
    ...(request.name ? { name: request.name } : {}),
  };
}

/** Every request of every hop of every path finding (cluster-admin-path, high-value-identity-path), as questions for the server. */
export function pathQuestions(findings: readonly Finding[]): ReviewQuestion[] {
  const questions: ReviewQuestion[] = [];
  for (const finding of findings) {
    if (finding.status !== "finding" || !finding.path) continue;
    for (const request of finding.path.flatMap((hop) => hop.requests)) {
      if (request.planned || request.awaits) continue;
      const user = userFor(request.as);
      if (user) questions.push({ user, attrs: attributesOf(request) });
    }
  }
  return questions;
}

/** A hop with its confirmation, or why it has none (`failed`: the server refused or broke, rather than not being asked). */
type HopOutcome = { hop: PathHop; unconfirmed?: string; failed?: boolean };

function confirmHop(hop: PathHop, batch: ReviewBatch): HopOutcome {
  // A request a self-grant of an earlier hop allows is not asked: the server would deny it until then. Nor is one
  // that awaits a pod the scheduler binds later (the Node authorizer answers by the pods bound now).
  const planned = hop.requests.filter((request) => request.planned);
  const awaiting = hop.requests.filter((request) => request.awaits);
  const answers = hop.requests
    .filter((request) => !request.planned && !request.awaits)
    .map((request) => {
      const user = userFor(request.as);
      const answer: ReviewAnswer = user
        ? batch.answerOf({ user, attrs: attributesOf(request) })
        : { state: "not-asked", reason: `${describeRef(request.as)} cannot be asked about` };
      return { request, answer };
    });
  const missing = answers.find(({ answer }) => answer.state !== "answered");
  if (missing) {
    const why =
      missing.answer.state === "failed"
        ? `the SubjectAccessReview failed: ${missing.answer.error}`
        : missing.answer.state === "not-asked"
          ? missing.answer.reason
          : "";
    return {
      hop,
      unconfirmed: `${describeRequest(attributesOf(missing.request))} as ${describeRef(missing.request.as)}: ${why}`,
      failed: missing.answer.state === "failed",
    };
  }
  const denied = answers.find(({ answer }) => answer.state === "answered" && !answer.allowed);
  const notAsked =
    planned.length === 0
      ? ""
      : `${answers.length > 0 ? "; " : ""}not asked (granted by an earlier hop's self-grant, not on the server yet): ${planned.map((request) => describeRequest(attributesOf(request))).join("; ")}`;
  const notYet = awaiting
    .map(
      (request) => `not asked (the Node authorizer allows it once ${request.awaits}): ${describeRequest(attributesOf(request))} as ${describeRef(request.as)}`,
    )
    .join("; ");
  const detail = denied
    ? `the server denies ${describeRequest(attributesOf(denied.request))} as ${describeRef(denied.request.as)}`
    : hop.requests.length === 0
      ? "system:masters is allowed before any authorizer is asked"
      : [
          `${answers.length > 0 ? `the server allows ${answers.map(({ request }) => `${describeRequest(attributesOf(request))} as ${describeRef(request.as)}`).join("; ")}` : ""}${notAsked}`,
          notYet,
        ]
          .filter(Boolean)
          .join("; ");
  return { hop: { ...hop, confirmation: { agreed: !denied, detail } } };
}

/**
 * Records the server's answers on every hop of every path finding; a path with a hop
 * the server could not be asked about says which and why (`unconfirmed`).
 */
export function applyPathAnswers(findings: readonly Finding[], batch: ReviewBatch): { findings: Finding[]; warnings: string[] } {
  const warnings: string[] = [];
  let failed = 0;
  const result = findings.map((finding) => {
    if (finding.status !== "finding" || !finding.path) return finding;
    const hops = finding.path.map((hop) => confirmHop(hop, batch));
    const path = hops.map((outcome) => outcome.hop);
    const unconfirmedAt = hops.findIndex((outcome) => outcome.unconfirmed !== undefined);
    if (unconfirmedAt >= 0) {
      if (hops[unconfirmedAt]?.failed) failed++;
      return { ...finding, path, unconfirmed: { reason: `hop ${unconfirmedAt + 1}: ${hops[unconfirmedAt]?.unconfirmed}` } };
    }
    const disagreeing = path.find((hop) => !hop.confirmation?.agreed);
    if (disagreeing)
      warnings.push(
        `SubjectAccessReview disagrees with ${finding.rule} for ${describeRef(finding.subject ?? { kind: "?", name: "?" })}: ${disagreeing.confirmation?.detail}.`,
      );
    return {
      ...finding,
      path,
      confirmation: disagreeing
        ? { agreed: false, detail: `hop ${path.indexOf(disagreeing) + 1}: ${disagreeing.confirmation?.detail}` }
        : {
            agreed: true,
            detail: path.some((hop) => hop.requests.some((request) => request.planned))
              ? `the server allows every request of all ${path.length} hops but those a self-grant of the path allows (not asked: not on the server yet)`
              : path.some((hop) => hop.requests.some((request) => request.awaits))
                ? `the server allows every request of all ${path.length} hops but the node's, allowed once the scheduler binds the pod to it (not asked)`
                : `the server allows every request of all ${path.length} hops`,
          },
    };
  });
  if (failed > 0)
    warnings.push(
      `${failed} attack path${failed === 1 ? "" : "s"} could not be confirmed: a SubjectAccessReview for one of their hops failed (each path says which).`,
    );
  return { findings: result, warnings };
}
