import type { KubeClient } from "../../kube/types.js";
import { selfAccessReview } from "../../kube/access-reviews.js";
import { describeRequest } from "../../rbac/request-spec.js";
import type { RequestAttributes } from "../../rbac/types.js";
import type { ListedResource } from "../../kube/list-all.js";

/*
 * Before reading anything, ask the server (SelfSubjectAccessReview) what the running identity may
 * read, so the report can say up front which verdicts will be UNKNOWN and which permission is missing.
 */

/** One preflight question and its answer. */
export interface PreflightAnswer {
  /** `list rolebindings.rbac.authorization.k8s.io -A` (the request's one wording, src/rbac/request-spec.ts). */
  permission: string;
  /** `allowed`, `denied`, or `unknown` when the review itself could not be asked. */
  answer: "allowed" | "denied" | "unknown";
  reason?: string;
}

/** The permission text for listing a resource cluster-wide. */
export function listPermission(resource: ListedResource): string {
  return describeRequest(listEverywhere(resource));
}

function listEverywhere(resource: ListedResource): RequestAttributes {
  return { resourceRequest: true, verb: "list", apiGroup: resource.group, resource: resource.resource, namespace: "" };
}

/** The permission the SubjectAccessReview cross-check needs. */
export const CREATE_SUBJECT_ACCESS_REVIEWS = "create subjectaccessreviews.authorization.k8s.io";

async function ask(client: KubeClient, attrs: RequestAttributes, signal?: AbortSignal): Promise<Omit<PreflightAnswer, "permission">> {
  const answer = await selfAccessReview(client, attrs, signal ? { signal } : {});
  if (!answer.ok) return { answer: "unknown", reason: answer.error.message };
  return { answer: answer.allowed ? "allowed" : "denied", ...(answer.reason ? { reason: answer.reason } : {}) };
}

/** Asks, in parallel, whether the running identity may list each resource cluster-wide and create SubjectAccessReviews. */
export async function preflight(client: KubeClient, resources: readonly ListedResource[], signal?: AbortSignal): Promise<PreflightAnswer[]> {
  const questions = [
    ...resources.map((resource) => ({ permission: listPermission(resource), attributes: listEverywhere(resource) })),
    {
      permission: CREATE_SUBJECT_ACCESS_REVIEWS,
      attributes: {
        resourceRequest: true,
        verb: "create",
        apiGroup: "authorization.k8s.io",
        resource: "subjectaccessreviews",
        namespace: "",
      } as RequestAttributes,
    },
  ];
  return Promise.all(questions.map(async (question) => ({ permission: question.permission, ...(await ask(client, question.attributes, signal)) })));
}

/** Report lines for what the identity may not do (or could not be asked about). */
export function preflightWarnings(answers: readonly PreflightAnswer[]): string[] {
  return answers
    .filter((answer) => answer.answer !== "allowed")
    .map((answer) =>
      answer.answer === "denied"
        ? `preflight: the running identity may not ${answer.permission}; the audit rules that need it report UNKNOWN`
        : `preflight: could not ask whether the running identity may ${answer.permission} (${answer.reason ?? "no answer"})`,
    );
}
