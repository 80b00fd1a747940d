import { createKubeClient } from "../../kube/client.js";
import { selfAccessReview, selfRulesReview } from "../../kube/access-reviews.js";
import type { ErrorValue } from "../../model/report.js";
import { CouldNotRunError, ExitCode } from "../../model/errors.js";
import { redactText } from "../../model/secret.js";
import { describeGrant, formatRule } from "../../rbac/format.js";
import { grantFromServerReason } from "../../rbac/resolve.js";
import { describeRequest, type ParsedRequest, type RequestOptions } from "../../rbac/request-spec.js";
import type { Connection } from "../../connect/types.js";
import type { CommandIo } from "../command.js";
import type { RequestLogOptions } from "../connection-flags.js";
import { liveRequestOptions } from "./live-types.js";
import { indentedItem } from "../report-output.js";
import { writeWarnings } from "../terminal-text.js";

/*
 * `saprobe can-i` without --manifests: ask the server. SelfSubjectAccessReview for one question and
 * SelfSubjectRulesReview for --list; with --as the connection impersonates, so the review is about
 * the impersonated user (as `kubectl auth can-i --as` does).
 */

/**
 * The review's error as the exit-3 error can-i ends with (`E_UNAUTHORIZED`, `E_FORBIDDEN`, `E_TIMEOUT`...);
 * a transport failure's message already says "could not ask the SelfSubjectAccessReview".
 */
function couldNotAsk(error: ErrorValue): CouldNotRunError {
  return new CouldNotRunError(
    `E_${error.code
      .replace(/^transport-/, "")
      .toUpperCase()
      .replace(/-/g, "_")}`,
    `${error.code.startsWith("transport-") ? "" : "could not ask the API server: "}${redactText(error.message, [])}`,
  );
}

/**
 * Asks the server one question (`target` read through the server's discovery); prints yes/no and
 * the server's reason.
 */
export async function liveCanI(
  connection: Connection,
  io: CommandIo,
  parse: (options: RequestOptions) => ParsedRequest,
  target: string,
  json: boolean,
  logging: RequestLogOptions = {},
): Promise<number> {
  const client = createKubeClient(connection, logging);
  try {
    const types = await liveRequestOptions(client, {}, target);
    const parsed = parse(types.options);
    const request = { ...parsed, warnings: [...types.warnings, ...parsed.warnings] };
    const status = await selfAccessReview(client, request.attrs);
    if (!status.ok) throw couldNotAsk(status.error);
    const allowed = status.allowed;
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ allowed, denied: status.denied, reason: status.reason, evaluationError: status.evaluationError, request: request.attrs, source: "SelfSubjectAccessReview", warnings: request.warnings })}\n`,
      );
    } else {
      writeWarnings(request.warnings, io);
      io.stdout.write(`${allowed ? "yes" : "no"}\n`);
      // The RBAC authorizer's reason, written as saprobe writes objects; any other reason as the server said it.
      const grant = grantFromServerReason(status.reason);
      const reason = grant ? `RBAC: allowed by ${describeGrant(grant)}` : status.reason || (allowed ? "allowed" : "no authorizer allows this");
      io.stdout.write(indentedItem(`${reason} (server's SelfSubjectAccessReview)`, io));
      if (status.evaluationError) io.stdout.write(indentedItem(`evaluation error: ${status.evaluationError}`, io));
      // With --as the review is the impersonated user's own: name them, not the caller.
      const who = connection.impersonate?.user ? `${connection.impersonate.user} (impersonated)` : "I";
      if (!allowed) io.stdout.write(indentedItem(`(asked: may ${who} ${describeRequest(request.attrs)})`, io));
    }
    return allowed ? ExitCode.ok : ExitCode.failed;
  } finally {
    await client.close();
  }
}

/** `--list` live: the server's SelfSubjectRulesReview for the namespace. */
export async function liveListRules(connection: Connection, io: CommandIo, namespace: string, json: boolean, logging: RequestLogOptions = {}): Promise<number> {
  const client = createKubeClient(connection, logging);
  try {
    const answer = await selfRulesReview(client, namespace);
    if (!answer.ok) throw couldNotAsk(answer.error);
    const { ok: _ok, ...status } = answer;
    if (json) {
      io.stdout.write(`${JSON.stringify({ namespace, source: "SelfSubjectRulesReview", ...status })}\n`);
      return ExitCode.ok;
    }
    io.stdout.write(`Rules in namespace ${namespace} (server's SelfSubjectRulesReview):\n`);
    for (const rule of [...status.resourceRules, ...status.nonResourceRules]) io.stdout.write(indentedItem(formatRule(rule), io));
    if (status.incomplete) io.stdout.write(indentedItem("(incomplete: an authorizer could not list its rules; the list may miss some)", io));
    if (status.evaluationError) io.stdout.write(indentedItem(`evaluation error: ${status.evaluationError}`, io));
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}
