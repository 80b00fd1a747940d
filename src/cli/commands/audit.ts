import { SEVERITIES } from "../../model/report.js";
import { CROSS_CHECK_DEADLINE_MS, LIVE_AUDIT_DEADLINE_MS } from "../../audit/deadlines.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";
import { DEFAULT_FAIL_ON } from "../../report/build.js";
import { outputFlags } from "../output-flags.js";
import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";

/** `saprobe audit`: every path to cluster-admin and the known escalation permissions, live or from manifests. */
export const auditCommand: Command = {
  name: "audit",
  summary: "Audit RBAC for cluster-admin paths and escalation permissions, live or from manifests",
  usage: [
    "saprobe audit [flags]                        (live: reads the cluster's RBAC)",
    "saprobe audit --manifests PATH... [flags]    (offline: files, folders, - for stdin)",
    "",
    "Offline input is read as `kubectl apply -f` would apply it. Files that are not Kubernetes objects",
    "(Chart.yaml, values*.yaml, a chart's templates/, kustomization.yaml, YAML without apiVersion/kind)",
    "are skipped and named, with what to audit instead (helm template, kustomize build output). A broken",
    "document is refused with its file and line while every other object is still audited; the report is",
    "written and the exit code is 2, as it is for input with no Kubernetes object at all. Objects without",
    "a namespace go to -n, else default. rbac v1beta1 is audited with a warning; the same object given",
    "twice is audited once (the last).",
    "",
    "Examples:",
    "  saprobe audit --kubeconfig ~/.kube/config -o table",
    "  helm template myapp ./chart | saprobe audit --manifests - --fail-on high -o sarif > audit.sarif",
    "  saprobe audit --subject system:serviceaccount:ci:runner",
    "  saprobe audit --manifests deploy/ --allowlist audit-allowlist.yaml --disable unused-serviceaccount",
    "  # also look for O=system:masters client certificates in a kubeconfig",
    "  saprobe audit --kubeconfig-scan ~/.kube/config",
  ].join("\n"),
  flags: [
    ...connectionFlags,
    ...outputFlags,
    {
      name: "manifests",
      short: "f",
      type: "list",
      valueName: "PATH",
      description: "audit these manifests offline (files, folders, - for stdin) instead of the live cluster",
      default: [],
    },
    {
      name: "with-defaults",
      type: "boolean",
      description: "offline: add the default bootstrap bindings (system:masters, controllers...), reported as expected",
    },
    {
      name: "fail-on",
      type: "string",
      valueName: "SEVERITY",
      description: "exit 1 when a finding (or an unknown verdict) is at or above this level",
      choices: SEVERITIES,
      default: DEFAULT_FAIL_ON,
    },
    {
      name: "subject",
      type: "string",
      valueName: "USER",
      description: "narrow the audit to one identity (system:serviceaccount:NS:NAME) and list its effective permissions",
    },
    { name: "rules", type: "list", valueName: "PATH", description: "extra audit rule files or folders (repeatable)", default: [] },
    { name: "disable", type: "list", valueName: "RULE", description: "disable an audit rule (repeatable)", default: [] },
    { name: "severity", type: "list", valueName: "RULE=LEVEL", description: "change a rule's severity (repeatable)", default: [] },
    { name: "config", type: "string", valueName: "FILE", description: "audit configuration: rules, disable, severity, allowlist, failOn" },
    { name: "allowlist", type: "string", valueName: "FILE", description: "suppress known findings (each entry has a reason and an optional expiry date)" },
    {
      name: "kubeconfig-scan",
      type: "list",
      valueName: "FILE",
      description: "kubeconfig files whose client certificates are checked for O=system:masters (repeatable)",
      default: [],
    },
    { name: "show-expected", type: "boolean", description: "table: list the defaults every cluster ships (verdict expected) row by row instead of one count" },
    { name: "no-confirm", type: "boolean", description: "live: skip the SubjectAccessReview cross-check of findings" },
    {
      name: "confirm-deadline",
      type: "duration",
      description: "live: how long the SubjectAccessReview cross-check may take; findings it leaves unasked say why (unconfirmed)",
      default: CROSS_CHECK_DEADLINE_MS,
      min: 1,
    },
    {
      name: "deadline",
      type: "duration",
      description: "live: overall deadline of the audit (reads, rules and cross-check)",
      default: LIVE_AUDIT_DEADLINE_MS,
      min: 1,
    },
    { name: "max-file-bytes", type: "size", valueName: "SIZE", description: "largest manifest file accepted", default: DEFAULT_LIMITS.maxFileBytes, min: 1 },
  ],
  async run(args, io) {
    const { runAudit } = await import("./audit-action.js");
    return runAudit(args, io);
  },
};
