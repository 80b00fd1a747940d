import { SEVERITIES } from "../../model/report.js";
import { DEFAULT_FAIL_ON } from "../../report/build.js";
import { outputFlags } from "../output-flags.js";
import { REPORT_FORMATS } from "../../report/render/types.js";
import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";

// --as names the identities studied here; impersonating while reading RBAC would only hide objects.
const IMPERSONATION = new Set(["as", "as-group", "as-uid"]);

/** `saprobe usage`: least privilege from real use, read from the API server's audit log. */
export const usageCommand: Command = {
  name: "usage",
  summary: "What identities really did per the audit log: used, denied and unused grants, and the minimal RBAC",
  usage: [
    "saprobe usage AUDIT-LOG... [--as USER]... [--manifests PATH... | --live] [--since T] [--until T] [flags]",
    "",
    "Reads kube-apiserver audit logs (audit.k8s.io/v1 JSON lines; files, folders of rotated files, gzip, or",
    "standard input as -; any level from Metadata up). For each identity (--as, or every ServiceAccount): the",
    "requests it made, the ones it was denied, and, against its granted RBAC (--manifests, or --live),",
    "what it was granted and never used. -o yaml writes the minimal RBAC that allows what it did; run",
    "--expect accepts that file as it is. Exit codes as for audit (-o yaml: 0 once written).",
    "",
    "Examples:",
    "  saprobe usage /var/log/kubernetes/audit/ --as system:serviceaccount:ci:runner --live",
    "  saprobe usage audit.log.gz --manifests deploy/rbac/ --since 24h -o markdown > usage.md",
    "  saprobe usage audit.log --as system:serviceaccount:ci:runner -o yaml > runner-rbac.yaml",
  ].join("\n"),
  flags: [
    ...connectionFlags.filter((spec) => !IMPERSONATION.has(spec.name)),
    {
      name: "output",
      short: "o",
      type: "string",
      valueName: "FORMAT",
      description: "format on stdout: a report, or yaml for the minimal RBAC",
      choices: [...REPORT_FORMATS, "yaml"],
      default: "table",
    },
    ...outputFlags.filter((spec) => spec.name === "out"),
    {
      name: "as",
      type: "list",
      valueName: "USER",
      description: "an identity to study, e.g. system:serviceaccount:NS:NAME (repeatable; default every ServiceAccount)",
      default: [],
    },
    { name: "subject", type: "list", valueName: "USER", description: "same as --as", default: [] },
    { name: "since", type: "string", valueName: "TIME", description: "only requests at or after TIME (RFC 3339, or a duration before now: 24h)" },
    { name: "until", type: "string", valueName: "TIME", description: "only requests at or before TIME (RFC 3339, or a duration before now)" },
    { name: "manifests", type: "list", valueName: "PATH", description: "compare with the RBAC in these manifests (files, folders)", default: [] },
    { name: "with-defaults", type: "boolean", description: "with --manifests: add the default policy every cluster ships" },
    { name: "live", type: "boolean", description: "compare with the cluster's RBAC (read with the connection flags)" },
    {
      name: "fail-on",
      type: "string",
      valueName: "SEVERITY",
      description: "exit 1 when an unused grant or a denied request is at or above this level",
      choices: SEVERITIES,
      default: DEFAULT_FAIL_ON,
    },
    {
      name: "max-line-bytes",
      type: "size",
      valueName: "SIZE",
      description: "longest audit log line read; longer ones are counted as bad lines",
      default: 16 * 1024 * 1024,
      min: 1,
    },
    { name: "max-file-bytes", type: "size", valueName: "SIZE", description: "largest manifest file accepted", default: DEFAULT_LIMITS.maxFileBytes, min: 1 },
  ],
  async run(args, io) {
    const { runUsage } = await import("./usage-action.js");
    return runUsage(args, io);
  },
};
