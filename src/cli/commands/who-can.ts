import { readLiveRbac } from "../../conformance/live-rbac.js";
import { createKubeClient } from "../../kube/client.js";
import { CouldNotRunError, ExitCode, UsageError } from "../../model/errors.js";
import { createAuthorizer } from "../../rbac/authorizer.js";
import type { SubjectGrant } from "../../rbac/decision.js";
import { formatSubjectGrant } from "../../rbac/format.js";
import { describeRequest, parseRequest } from "../../rbac/request-spec.js";
import type { RbacSnapshot, RequestAttributes } from "../../rbac/types.js";
import { flag } from "../args.js";
import type { Command, CommandIo } from "../command.js";
import { connectionFlags, connectionFromArgs } from "../connection-flags.js";
import { manifestFlags } from "./can-i.js";
import { offlineAuthorizer } from "./can-i-offline.js";

const USAGE = `saprobe who-can VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS] [--manifests PATH]...
saprobe who-can VERB /NON-RESOURCE-URL [--manifests PATH]...

Lists every subject that may make the request, each with its path (binding -> role -> rule), the way
the apiserver's subject locator does: the privileged group system:masters first, then subjects of
ClusterRoleBindings, then of RoleBindings in the namespace. With --manifests the answer comes from the
files (--with-defaults adds the default policy); without it saprobe reads the cluster's roles and
bindings, which needs permission to list them.

Examples:
  saprobe who-can list secrets -n kube-system -f rbac/ --with-defaults
  saprobe who-can create pods/exec -n team
  saprobe who-can get /metrics -f rbac/`;

async function liveSnapshot(args: Parameters<Command["run"]>[0], io: CommandIo): Promise<{ snapshot: RbacSnapshot; namespace: string }> {
  const connection = await connectionFromArgs(args, io);
  const client = createKubeClient(connection);
  try {
    const live = await readLiveRbac(client);
    if (!live.ok) throw new CouldNotRunError("E_READ_RBAC", `cannot read the cluster's RBAC objects: ${live.reason}`);
    return { snapshot: live.snapshot, namespace: connection.namespace };
  } finally {
    await client.close();
  }
}

function print(entries: SubjectGrant[], attrs: RequestAttributes, json: boolean, io: CommandIo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ request: attrs, subjects: entries })}\n`);
    return;
  }
  io.stdout.write(`Who can ${describeRequest(attrs)}:\n`);
  for (const entry of entries) io.stdout.write(`  ${formatSubjectGrant(entry)}\n`);
}

/** `saprobe who-can`: every subject that may make a request, with its path. */
export const whoCanCommand: Command = {
  name: "who-can",
  summary: "List every subject that may do something, each with the binding -> role -> rule that allows it",
  usage: USAGE,
  flags: [...connectionFlags, ...manifestFlags],
  async run(args, io) {
    const [verb, target, name, ...extra] = args.positionals;
    if (verb === undefined || target === undefined) throw new UsageError("who-can needs a VERB and a RESOURCE (or a /non-resource-url)");
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    const json = flag.string(args, "output") === "json";
    const allNamespaces = flag.boolean(args, "all-namespaces");
    if (flag.list(args, "manifests").length > 0) {
      const { authorizer } = await offlineAuthorizer(args, io);
      const request = parseRequest(verb, target, name, allNamespaces ? "" : (flag.string(args, "namespace") ?? "default"), allNamespaces);
      for (const warning of request.warnings) io.stderr.write(`Warning: ${warning}\n`);
      print(authorizer.whoCan(request.attrs), request.attrs, json, io);
      return ExitCode.ok;
    }
    const { snapshot, namespace } = await liveSnapshot(args, io);
    const request = parseRequest(verb, target, name, namespace, allNamespaces);
    for (const warning of request.warnings) io.stderr.write(`Warning: ${warning}\n`);
    // Live objects are used as stored: the aggregation controller has already filled aggregated roles.
    print(createAuthorizer(snapshot).whoCan(request.attrs), request.attrs, json, io);
    return ExitCode.ok;
  },
};
