import { SEVERITIES } from "../../model/report.js";
import { DEFAULT_DEADLINE_MS } from "../../run/defaults.js";
import { outputFlags } from "../output-flags.js";
import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";

/** `saprobe run`: the live probe suite, as one command with a report and an exit code. */
export const runCommand: Command = {
  name: "run",
  summary: "Probe the API server with the check suite and report pass/fail with evidence",
  usage: [
    "saprobe run [flags]",
    "",
    "Examples:",
    "  saprobe run --in-cluster -o table --out /reports",
    "  saprobe run --kubeconfig ~/.kube/config --context prod --checks my-checks.yaml",
    "  saprobe run --in-cluster --expect deploy/rbac/ -o junit > junit.xml",
    "  # as an administrator, held to the ServiceAccount's declared RBAC",
    "  saprobe run --kubeconfig admin.kubeconfig --as system:serviceaccount:ci:runner --expect rbac/",
    "  # fail at high or critical only (medium and low are reported, not fatal)",
    "  saprobe run --kubeconfig ci.kubeconfig --fail-on high",
    "",
    "Without --expect, list and watch are observations (status info): what an identity may list is right or",
    "wrong only against the RBAC declared for it. With --expect, saprobe compares the identity's whole",
    "permission set (SelfSubjectRulesReview in every namespace; cluster-wide by SelfSubjectAccessReview)",
    "with what the files give it: each permission beyond them fails as over-privileged with the severity that",
    "the audit gives it (cluster-admin power is critical), each declared permission the server denies fails",
    "as under-privileged, and a path to cluster-admin through another identity fails as critical.",
    "What saprobe could not see is never a pass: when the identity may not list namespaces or read the",
    "RBAC objects a path needs, the verdict is could-not-tell (critical). With --as, the impersonating",
    "identity lists namespaces and reads RBAC objects; every permission is still asked as the identity.",
    "Objects without metadata.namespace land in -n, else the context's namespace, as kubectl apply puts",
    "them. A run that cannot talk to the server, whose credentials are rejected or whose --as is refused",
    "says why first, and exits 3.",
  ].join("\n"),
  flags: [
    ...connectionFlags,
    ...outputFlags,
    {
      name: "checks",
      type: "list",
      valueName: "FILE",
      description: "check file to add to the default suite (repeatable); same ids replace defaults",
      default: [],
    },
    { name: "replace-checks", type: "boolean", description: "run only the --checks files, not the default suite" },
    {
      name: "expect",
      type: "list",
      valueName: "PATH",
      description: "expected RBAC manifests (files, directories, - for stdin): the identity's permissions are compared with them",
      default: [],
    },
    {
      name: "max-file-bytes",
      type: "size",
      valueName: "SIZE",
      description: "largest --expect manifest file accepted",
      default: DEFAULT_LIMITS.maxFileBytes,
      min: 1,
    },
    {
      name: "with-defaults",
      type: "boolean",
      description: "with --expect, add the Kubernetes default bootstrap policy to the expected RBAC (--with-defaults=false: only the files)",
      default: true,
    },
    { name: "system-ca-file", type: "string", valueName: "PATH", description: "CA bundle the tls-system-ca probe trusts instead of Node's default roots" },
    { name: "deadline", type: "duration", description: "overall deadline of the run", default: DEFAULT_DEADLINE_MS, min: 1 },
    {
      name: "fail-on",
      type: "string",
      valueName: "SEVERITY",
      description: "exit 1 only when a failed or undecided check is at or above this level (drift always fails)",
      choices: SEVERITIES,
      default: "info",
    },
  ],
  async run(args, io) {
    // The implementation (probes, HTTP client, renderers) is loaded only when this command runs.
    const { runSuite } = await import("./run-action.js");
    return runSuite(args, io);
  },
};
