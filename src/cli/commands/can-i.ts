import { UsageError } from "../../model/errors.js";
import { parseRequest } from "../../rbac/request-spec.js";
import { userInfoFor } from "../../rbac/users.js";
import { flag, type FlagSpec } from "../args.js";
import type { Command } from "../command.js";
import { connectionFlags, connectionFromArgs } from "../connection-flags.js";
import { answerBatch, answerOne, listRules, offlineAuthorizer, offlineUser } from "./can-i-offline.js";
import { liveCanI, liveListRules } from "./can-i-live.js";

/** Flags shared by the offline RBAC commands (can-i, who-can). */
export const manifestFlags: FlagSpec[] = [
  { name: "manifests", short: "f", type: "list", valueName: "PATH", description: "answer from these RBAC manifests (files, directories, - for stdin) instead of asking the server", default: [] },
  { name: "with-defaults", type: "boolean", description: "add the default policy every cluster ships (system:discovery, system:basic-user, ...) to the manifests" },
  { name: "max-file-bytes", type: "integer", valueName: "BYTES", description: "largest manifest file accepted (default 16 MiB)" },
  { name: "all-namespaces", short: "A", type: "boolean", description: "ask about all namespaces (the request's namespace is \"\")" },
  { name: "output", short: "o", type: "string", valueName: "FORMAT", choices: ["text", "json"], default: "text", description: "text or json" },
];

const USAGE = `saprobe can-i VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS] [--as USER] [--as-group G]... [--manifests PATH]...
saprobe can-i VERB /NON-RESOURCE-URL [--manifests PATH]...
saprobe can-i --list [-n NS] [--as USER] [--manifests PATH]...
saprobe can-i --manifests PATH... --batch FILE [-o json]

Prints yes or no with the reason (binding -> role -> rule) and exits 0 for yes, 1 for no, like
kubectl auth can-i. With --manifests the answer comes from the files alone (add --with-defaults for
the policy every cluster ships); without it, the server answers (SelfSubjectAccessReview, impersonating
--as). ServiceAccounts given as --as system:serviceaccount:NS:NAME get their groups automatically.

Examples:
  saprobe can-i list secrets -n kube-system --as system:serviceaccount:kube-system:admin -f rbac/
  saprobe can-i get /healthz --as system:anonymous -f rbac/ --with-defaults
  saprobe can-i --list -n team --as system:serviceaccount:team:bot -f rbac/
  saprobe can-i -f rbac/ --batch required.jsonl -o json
  saprobe can-i create deployments.apps -n team`;

/** `saprobe can-i`: may a subject do something? Offline from manifests, or live from the server. */
export const canICommand: Command = {
  name: "can-i",
  summary: "Check whether a subject may do something, with the binding -> role -> rule that decides it",
  usage: USAGE,
  flags: [
    ...connectionFlags,
    ...manifestFlags,
    { name: "list", type: "boolean", description: "list the subject's effective rules in the namespace instead" },
    { name: "batch", type: "string", valueName: "FILE", description: "answer JSON-lines questions from FILE (- for stdin), one JSON answer per line; needs --manifests" },
  ],
  async run(args, io) {
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
      const user = offlineUser(args, userInfoFor);
      const { authorizer } = await offlineAuthorizer(args, io);
      if (list) return listRules(authorizer, user, namespace, json, io);
      return answerOne(authorizer, user, parseRequest(verb as string, target as string, name, namespace, allNamespaces), json, io);
    }
    const connection = await connectionFromArgs(args, io);
    if (list) return liveListRules(connection, io, connection.namespace, json);
    return liveCanI(connection, io, parseRequest(verb as string, target as string, name, connection.namespace, allNamespaces), json);
  },
};
