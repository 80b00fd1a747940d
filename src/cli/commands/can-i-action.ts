import { UsageError } from "../../model/errors.js";
import { parseRequest, type RequestOptions } from "../../rbac/request-spec.js";
import { impersonatedUser } from "../../rbac/users.js";
import { flag, type ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";
import { requestOptions } from "./request-flags.js";
import { answerBatch, answerOne, listRules, offlineAuthorizer, offlineUser, warnIfNoBindingNames } from "./can-i-offline.js";

/** What `saprobe can-i` does once its flags are parsed: offline from manifests, or live from the server. */
export async function runCanI(args: ParsedArgs, io: CommandIo): Promise<number> {
  const json = flag.string(args, "output") === "json";
  const offline = flag.list(args, "manifests").length > 0;
  const batch = flag.string(args, "batch");
  const list = flag.boolean(args, "list");
  const [verb, target, name, ...extra] = args.positionals;
  if (batch !== undefined) {
    if (!offline) throw new UsageError("--batch needs --manifests: batch questions are answered offline");
    if (args.positionals.length > 0 || list) throw new UsageError("--batch reads its questions from the file; give no VERB/RESOURCE and no --list");
    return answerBatch((await offlineAuthorizer(args, io)).authorizer, batch, json, io);
  }
  if (!list && (verb === undefined || target === undefined)) throw new UsageError("can-i needs a VERB and a RESOURCE (or a /non-resource-url), or --list");
  if (list && args.positionals.length > 0) throw new UsageError("--list takes no VERB or RESOURCE");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const allNamespaces = flag.boolean(args, "all-namespaces");
  if (offline) {
    const namespace = allNamespaces ? "" : (flag.string(args, "namespace") ?? "default");
    const user = offlineUser(args, impersonatedUser);
    const { authorizer, snapshot, customResources } = await offlineAuthorizer(args, io);
    warnIfNoBindingNames(user, snapshot, io);
    if (list) return listRules(authorizer, user, namespace, json, io);
    return answerOne(
      authorizer,
      user,
      parseRequest(verb as string, target as string, name, namespace, allNamespaces, { ...requestOptions(args), customResources }),
      json,
      io,
    );
  }
  // The HTTP client loads only for a live question: offline answers never pay for it (bench/startup.mjs).
  const [connection, { liveCanI, liveListRules }] = await Promise.all([connectionFromArgs(args, io), import("./can-i-live.js")]);
  if (list) return liveListRules(connection, io, connection.namespace, json, requestLogOptions(args, io));
  const parse = (types: RequestOptions) =>
    parseRequest(verb as string, target as string, name, connection.namespace, allNamespaces, { ...requestOptions(args), ...types });
  return liveCanI(connection, io, parse, target as string, json, requestLogOptions(args, io));
}
