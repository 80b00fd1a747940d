import { CouldNotRunError, ExitCode, UsageError } from "../../model/errors.js";
import { createAuthorizer } from "../../rbac/authorizer.js";
import type { SubjectGrant } from "../../rbac/decision.js";
import { formatSubjectGrant } from "../../rbac/format.js";
import { describeRequest, parseRequest, type ParsedRequest, type RequestOptions } from "../../rbac/request-spec.js";
import { indentedItem } from "../report-output.js";
import { writeWarnings } from "../terminal-text.js";
import { requestOptions } from "./request-flags.js";
import type { RbacSnapshot, RequestAttributes } from "../../rbac/types.js";
import { flag, type ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";
// Imported here, not on demand: they hold no HTTP client, and in who-can's pack a live question reads
// two files fewer (bench/who-can-live.mjs); an offline one does not notice (bench/startup.mjs).
import { readLiveRbac } from "../../conformance/live-rbac.js";
import { liveRequestOptions } from "./live-types.js";

/**
 * The request, its TYPE read through the server's discovery, and the live RBAC objects that can answer
 * it: every cluster-wide one, Roles and RoleBindings of its namespace alone.
 */
async function liveQuestion(
  args: ParsedArgs,
  io: CommandIo,
  parse: (namespace: string, types: RequestOptions) => ParsedRequest,
  target: string,
): Promise<{ snapshot: RbacSnapshot; request: ParsedRequest; closed: Promise<void> }> {
  // The HTTP client loads only for a live question: offline answers never pay for it (bench/startup.mjs).
  const [connection, { createKubeClient }] = await Promise.all([connectionFromArgs(args, io), import("../../kube/client.js")]);
  const client = createKubeClient(connection, requestLogOptions(args, io));
  const stop = new AbortController();
  const close = (): Promise<void> => {
    stop.abort();
    return client.close();
  };
  try {
    // Only what can answer is read, as the API server's subject locator visits it. The cluster-wide
    // roles and bindings always can, so they are listed while discovery says what TYPE is; the
    // namespace's Roles and RoleBindings once the request (namespaced or not) is known: at once for a
    // core type, which needs no discovery (measured: no slower than after the cluster-wide lists).
    const question = liveRequestOptions(client, requestOptions(args), target).then((types) => {
      const parsed = parse(connection.namespace, types.options);
      return { ...parsed, warnings: [...types.warnings, ...parsed.warnings] };
    });
    const namespace = question.then(
      (request) => (request.attrs.resourceRequest ? request.attrs.namespace : ""),
      () => undefined,
    );
    const reading = readLiveRbac(client, stop.signal, { namespace });
    const request = await question;
    const live = await reading;
    if (!live.ok) throw new CouldNotRunError("E_READ_RBAC", `cannot read the cluster's RBAC objects: ${live.reason}`);
    // Its sockets close while the answer is worked out and printed (a few ms: each TLS socket's
    // teardown); the caller waits for that before it returns.
    return { snapshot: live.snapshot, request, closed: close() };
  } catch (error) {
    // A request that could not be parsed leaves the cluster-wide lists to stop.
    await close();
    throw error;
  }
}

function print(entries: SubjectGrant[], attrs: RequestAttributes, json: boolean, io: CommandIo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ request: attrs, subjects: entries })}\n`);
    return;
  }
  // One write, not one a subject: a write is a system call on a file or a pipe (about 10 us each).
  io.stdout.write(`Who can ${describeRequest(attrs)}:\n${entries.map((entry) => indentedItem(formatSubjectGrant(entry), io)).join("")}`);
}

/** What `saprobe who-can` does once its flags are parsed. */
export async function runWhoCan(args: ParsedArgs, io: CommandIo): Promise<number> {
  const [verb, target, name, ...extra] = args.positionals;
  if (verb === undefined || target === undefined) throw new UsageError("who-can needs a VERB and a RESOURCE (or a /non-resource-url)");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const json = flag.string(args, "output") === "json";
  const allNamespaces = flag.boolean(args, "all-namespaces");
  if (flag.list(args, "manifests").length > 0) {
    // The manifest loader (js-yaml, the schemas) and the bootstrap policy only for an offline answer.
    const { offlineAuthorizer } = await import("./can-i-offline.js");
    const { authorizer, customResources } = await offlineAuthorizer(args, io);
    const request = parseRequest(verb, target, name, allNamespaces ? "" : (flag.string(args, "namespace") ?? "default"), allNamespaces, {
      ...requestOptions(args),
      customResources,
    });
    writeWarnings(request.warnings, io);
    print(authorizer.whoCan(request.attrs), request.attrs, json, io);
    return ExitCode.ok;
  }
  const { snapshot, request, closed } = await liveQuestion(
    args,
    io,
    (namespace, types) => parseRequest(verb, target, name, namespace, allNamespaces, types),
    target,
  );
  try {
    writeWarnings(request.warnings, io);
    // Live objects are used as stored: the aggregation controller has already filled aggregated roles.
    print(createAuthorizer(snapshot).whoCan(request.attrs), request.attrs, json, io);
  } finally {
    await closed;
  }
  return ExitCode.ok;
}
