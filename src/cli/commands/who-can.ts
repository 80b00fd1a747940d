import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";
import { manifestFlags } from "./can-i.js";

const USAGE = `saprobe who-can VERB TYPE[.GROUP][/NAME] [--subresource SUB] [-n NS] [--manifests PATH]...
saprobe who-can VERB /NON-RESOURCE-URL [--manifests PATH]...

Lists every subject that may make the request, each with its path (binding -> role -> rule), the way
the apiserver's subject locator does: the privileged group system:masters first, then subjects of
ClusterRoleBindings, then of RoleBindings in the namespace. With --manifests the answer comes from the
files (--with-defaults adds the default policy); without it saprobe reads the cluster's roles and
bindings, which needs permission to list them. TYPE is read as can-i reads it: from the server's
discovery live, from the built-in resource list and the files' CRDs offline.

Examples:
  saprobe who-can list secrets -n kube-system -f rbac/ --with-defaults
  saprobe who-can create pods --subresource exec -n team
  saprobe who-can get /metrics -f rbac/`;

/** `saprobe who-can`: every subject that may make a request, with its path. */
export const whoCanCommand: Command = {
  name: "who-can",
  summary: "List every subject that may do something, each with the binding -> role -> rule that allows it",
  usage: USAGE,
  flags: [...connectionFlags, ...manifestFlags],
  async run(args, io) {
    const { runWhoCan } = await import("./who-can-action.js");
    return runWhoCan(args, io);
  },
};
