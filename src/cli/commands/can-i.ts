import type { FlagSpec } from "../args.js";
import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";

/** Flags shared by the offline RBAC commands (can-i, who-can). */
export const manifestFlags: FlagSpec[] = [
  {
    name: "manifests",
    short: "f",
    type: "list",
    valueName: "PATH",
    description: "answer from these RBAC manifests (files, directories, - for stdin) instead of asking the server",
    default: [],
  },
  {
    name: "with-defaults",
    type: "boolean",
    description: "add the default policy every cluster ships (system:discovery, system:basic-user, ...) to the manifests",
  },
  { name: "max-file-bytes", type: "size", valueName: "SIZE", description: "largest manifest file accepted", default: DEFAULT_LIMITS.maxFileBytes, min: 1 },
  { name: "subresource", type: "string", valueName: "NAME", description: "the subresource to ask about (kubectl's --subresource), e.g. log, exec, status" },
  { name: "all-namespaces", short: "A", type: "boolean", description: 'ask about all namespaces (the request\'s namespace is "")' },
  { name: "output", short: "o", type: "string", valueName: "FORMAT", choices: ["text", "json"], default: "text", description: "text or json" },
];

const USAGE = `saprobe can-i VERB TYPE[.GROUP][/NAME] [--subresource SUB] [-n NS] [--as USER] [--as-group G]... [--manifests PATH]...
saprobe can-i VERB /NON-RESOURCE-URL [--manifests PATH]...
saprobe can-i --list [-n NS] [--as USER] [--manifests PATH]...
saprobe can-i --manifests PATH... --batch FILE [-o json]

Prints yes or no with the reason (binding -> role -> rule) and exits 0 for yes, 1 for no, like
kubectl auth can-i, whose grammar it takes: TYPE is a resource, its singular or short name (pod, deploy,
sa), /NAME a name. Live, TYPE is read from the server's discovery (a CRD's short name too); offline,
from the built-in resource list and the CRDs in the files. The older forms still work: VERB TYPE NAME, and TYPE/SUBRESOURCE when the type has
that subresource (pods/exec; a warning says how kubectl reads it). An unknown verb or type is warned
about, with the closest known one. With --manifests the answer comes from the files alone (add --with-defaults for
the policy every cluster ships); without it, the server answers (SelfSubjectAccessReview, impersonating
--as). ServiceAccounts given as --as system:serviceaccount:NS:NAME get their groups automatically.
Offline, objects without metadata.namespace are placed in -n (else default), as kubectl apply -n
would; files that are not Kubernetes objects (Chart.yaml, values, kustomization.yaml) are skipped with
a warning, and a broken document is an error naming its file and line.

Examples:
  saprobe can-i list secrets -n kube-system --as system:serviceaccount:kube-system:admin -f rbac/
  saprobe can-i get /healthz --as system:anonymous -f rbac/ --with-defaults
  saprobe can-i --list -n team --as system:serviceaccount:team:bot -f rbac/
  saprobe can-i -f rbac/ --batch required.jsonl -o json
  saprobe can-i create deployments.apps -n team
  saprobe can-i get pods/web-0 --subresource log -n team`;

/** `saprobe can-i`: may a subject do something? Offline from manifests, or live from the server. */
export const canICommand: Command = {
  name: "can-i",
  summary: "Check whether a subject may do something, with the binding -> role -> rule that decides it",
  usage: USAGE,
  flags: [
    ...connectionFlags,
    ...manifestFlags,
    { name: "list", type: "boolean", description: "list the subject's effective rules in the namespace instead" },
    {
      name: "batch",
      type: "string",
      valueName: "FILE",
      description: "answer JSON-lines questions from FILE (- for stdin), one JSON answer per line; needs --manifests",
    },
  ],
  async run(args, io) {
    const { runCanI } = await import("./can-i-action.js");
    return runCanI(args, io);
  },
};
