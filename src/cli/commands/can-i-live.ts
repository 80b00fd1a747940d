import { createKubeClient } from "../../kube/client.js";
import { isUnexpectedNonJson, notJsonSentence } from "../../kube/server-text.js";
import type { KubeClient } from "../../kube/types.js";
import { CouldNotRunError, ExitCode } from "../../model/errors.js";
import { redactText } from "../../model/secret.js";
import { formatRule } from "../../rbac/format.js";
import { describeRequest, type ParsedRequest } from "../../rbac/request-spec.js";
import type { PolicyRule, RequestAttributes } from "../../rbac/types.js";
import type { Connection } from "../../connect/types.js";
import type { CommandIo } from "../command.js";
import type { RequestLogOptions } from "../connection-flags.js";

/*
 * `saprobe can-i` without --manifests: ask the server. SelfSubjectAccessReview for one question and
 * SelfSubjectRulesReview for --list; with --as the connection impersonates, so the review is about
 * the impersonated user (as `kubectl auth can-i --as` does).
 */

const AUTHORIZATION = "/apis/authorization.k8s.io/v1";

/** The `spec` of an access review for these attributes. */
export function reviewSpec(attrs: RequestAttributes): Record<string, unknown> {
  if (!attrs.resourceRequest) return { nonResourceAttributes: { path: attrs.path, verb: attrs.verb } };
  const resourceAttributes: Record<string, string> = { namespace: attrs.namespace, verb: attrs.verb, group: attrs.apiGroup, resource: attrs.resource };
  if (attrs.subresource) resourceAttributes.subresource = attrs.subresource;
  if (attrs.name) resourceAttributes.name = attrs.name;
  return { resourceAttributes };
}

async function post(client: KubeClient, path: string, body: unknown): Promise<Record<string, unknown>> {
  const outcome = await client.request({ method: "POST", path, body, retryable: true });
  if (!outcome.ok) throw new CouldNotRunError(`E_${outcome.failure.code.toUpperCase().replace(/-/g, "_")}`, `could not ask the API server: ${outcome.failure.message}`);
  const { status, json, text } = outcome.response;
  if (status === 401) throw new CouldNotRunError("E_UNAUTHORIZED", "the API server did not accept the credentials (401 Unauthorized)");
  if (isUnexpectedNonJson(outcome.response)) {
    throw new CouldNotRunError("E_NOT_JSON", `could not ask the API server: ${notJsonSentence(outcome.response)}`);
  }
  if (status < 200 || status >= 300 || typeof json !== "object" || json === null) {
    const message = (json as { message?: string } | undefined)?.message ?? text.slice(0, 300);
    throw new CouldNotRunError("E_REVIEW_FAILED", `the API server refused the review (HTTP ${status}): ${redactText(message, [])}`);
  }
  return json as Record<string, unknown>;
}

/** Asks the server one question; prints yes/no and the server's reason. */
export async function liveCanI(connection: Connection, io: CommandIo, request: ParsedRequest, json: boolean, logging: RequestLogOptions = {}): Promise<number> {
  const client = createKubeClient(connection, logging);
  try {
    const review = await post(client, `${AUTHORIZATION}/selfsubjectaccessreviews`, { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: reviewSpec(request.attrs) });
    const status = (review.status ?? {}) as { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
    const allowed = status.allowed === true;
    if (json) {
      io.stdout.write(`${JSON.stringify({ allowed, denied: status.denied === true, reason: status.reason ?? "", evaluationError: status.evaluationError, request: request.attrs, source: "SelfSubjectAccessReview", warnings: request.warnings })}\n`);
    } else {
      for (const warning of request.warnings) io.stderr.write(`Warning: ${warning}\n`);
      io.stdout.write(`${allowed ? "yes" : "no"}\n`);
      io.stdout.write(`  ${status.reason || (allowed ? "allowed" : "no authorizer allows this")} (server's SelfSubjectAccessReview)\n`);
      if (status.evaluationError) io.stdout.write(`  evaluation error: ${status.evaluationError}\n`);
      // With --as the review is the impersonated user's own: name them, not the caller.
      const who = connection.impersonate?.user ? `${connection.impersonate.user} (impersonated)` : "I";
      if (!allowed) io.stdout.write(`  (asked: may ${who} ${describeRequest(request.attrs)})\n`);
    }
    return allowed ? ExitCode.ok : ExitCode.failed;
  } finally {
    await client.close();
  }
}

interface RulesReviewStatus {
  resourceRules?: PolicyRule[];
  nonResourceRules?: PolicyRule[];
  incomplete?: boolean;
  evaluationError?: string;
}

/** `--list` live: the server's SelfSubjectRulesReview for the namespace. */
export async function liveListRules(connection: Connection, io: CommandIo, namespace: string, json: boolean, logging: RequestLogOptions = {}): Promise<number> {
  const client = createKubeClient(connection, logging);
  try {
    const review = await post(client, `${AUTHORIZATION}/selfsubjectrulesreviews`, { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace } });
    const status = (review.status ?? {}) as RulesReviewStatus;
    if (json) {
      io.stdout.write(`${JSON.stringify({ namespace, source: "SelfSubjectRulesReview", ...status })}\n`);
      return ExitCode.ok;
    }
    io.stdout.write(`Rules in namespace ${namespace} (server's SelfSubjectRulesReview):\n`);
    for (const rule of [...(status.resourceRules ?? []), ...(status.nonResourceRules ?? [])]) io.stdout.write(`  ${formatRule(rule)}\n`);
    if (status.incomplete) io.stdout.write("  (incomplete: an authorizer could not list its rules; the list may miss some)\n");
    if (status.evaluationError) io.stdout.write(`  evaluation error: ${status.evaluationError}\n`);
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}
