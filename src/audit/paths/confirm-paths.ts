import { boundedMap } from "../../kube/access-reviews.js";
import type { KubeClient } from "../../kube/types.js";
import type { Finding, PathHop, PathRequest } from "../../model/report.js";
import type { RequestAttributes, UserInfo } from "../../rbac/types.js";
import { describeRequest, review, userFor } from "../confirm.js";
import { describeRef } from "../finding-text.js";

/*
 * A live path is confirmed hop by hop: every request a hop relies on is asked of the server with a
 * SubjectAccessReview, as the identity that makes it (the impersonator for impersonate-on, the
 * identity acted as for the rest). A hop agrees when the server allows all of its requests; a path
 * agrees when every hop does. A disagreement is kept on the hop and returned as a warning.
 */

const CONCURRENCY = 8;
/** At most this many reviews for all paths together, so a cluster with many paths stays bounded. */
const MAX_REVIEWS = 2000;

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

interface Job {
  user: UserInfo;
  attrs: RequestAttributes;
  answer?: { allowed: boolean; reason: string } | { error: string };
}

/** Confirms every hop of every `cluster-admin-path` finding; returns the findings and warnings. */
export async function confirmPaths(client: KubeClient, findings: readonly Finding[], signal?: AbortSignal): Promise<{ findings: Finding[]; warnings: string[] }> {
  const jobs = new Map<string, Job>();
  const keyOf = (user: UserInfo, attrs: RequestAttributes): string => JSON.stringify([user.name, user.groups, attrs]);
  for (const finding of findings) {
    if (finding.status !== "finding" || !finding.path) continue;
    for (const request of finding.path.flatMap((hop) => hop.requests)) {
      const user = userFor(request.as);
      const attrs = attributesOf(request);
      if (user && !jobs.has(keyOf(user, attrs))) jobs.set(keyOf(user, attrs), { user, attrs });
    }
  }
  const queue = [...jobs.values()].slice(0, MAX_REVIEWS);
  await boundedMap(queue, CONCURRENCY, async (job) => {
    job.answer = await review(client, job.user, job.attrs, signal);
  });
  const warnings: string[] = [];
  const errors = queue.filter((job) => job.answer && "error" in job.answer);
  const confirmHop = (hop: PathHop): PathHop => {
    const answers = hop.requests.map((request) => {
      const user = userFor(request.as);
      const job = user ? jobs.get(keyOf(user, attributesOf(request))) : undefined;
      return { request, answer: job?.answer };
    });
    if (answers.some(({ answer }) => !answer || "error" in answer)) return hop;
    const denied = answers.find(({ answer }) => answer && "allowed" in answer && !answer.allowed);
    const detail = denied
      ? `the server denies ${describeRequest(attributesOf(denied.request))} as ${describeRef(denied.request.as)}`
      : hop.requests.length === 0
        ? "system:masters is allowed before any authorizer is asked"
        : `the server allows ${answers.map(({ request }) => `${describeRequest(attributesOf(request))} as ${describeRef(request.as)}`).join("; ")}`;
    return { ...hop, confirmation: { agreed: !denied, detail } };
  };
  const result = findings.map((finding) => {
    if (finding.status !== "finding" || !finding.path) return finding;
    const path = finding.path.map(confirmHop);
    if (path.some((hop) => !hop.confirmation)) return { ...finding, path };
    const disagreeing = path.find((hop) => !hop.confirmation?.agreed);
    if (disagreeing) warnings.push(`SubjectAccessReview disagrees with cluster-admin-path for ${describeRef(finding.subject ?? { kind: "?", name: "?" })}: ${disagreeing.confirmation?.detail}.`);
    return {
      ...finding,
      path,
      confirmation: disagreeing ? { agreed: false, detail: `hop ${path.indexOf(disagreeing) + 1}: ${disagreeing.confirmation?.detail}` } : { agreed: true, detail: `the server allows every request of all ${path.length} hops` },
    };
  });
  if (errors.length > 0) warnings.push(`${errors.length} SubjectAccessReview${errors.length === 1 ? "" : "s"} for attack paths could not be asked; those hops are unconfirmed.`);
  if (jobs.size > MAX_REVIEWS) warnings.push(`only the first ${MAX_REVIEWS} of ${jobs.size} attack-path requests were cross-checked with a SubjectAccessReview.`);
  return { findings: result, warnings };
}
