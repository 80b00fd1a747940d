import { loadAllowlist, applyAllowlist } from "../../audit/files/allowlist.js";
import { connectionFindings } from "../../audit/live/connection-finding.js";
import { customizeCatalogue, loadAuditConfig, parseSeverityOverrides, type AuditCustomization } from "../../audit/files/audit-config.js";
import { BUILTIN_RULES_DIR, loadCatalogue } from "../../audit/files/catalogue.js";
import { auditSnapshot } from "../../audit/engine.js";
import { EFFECTIVE_PERMISSIONS_RULE } from "../../audit/subject-permissions.js";
import type { MastersEvidence } from "../../audit/masters-findings.js";
import type { Catalogue } from "../../audit/rule-types.js";
import { parseSeverity } from "../../model/severity.js";
import { loadManifests } from "../../manifests/index.js";
import { describePlacement, manifestInputOf, placementNamespace } from "../../manifests/offline.js";
import { UsageError } from "../../model/errors.js";
import type { ErrorValue, Finding, ManifestInput, Target } from "../../model/report.js";
import { withBootstrapPolicy } from "../../rbac/bootstrap.js";
import type { UserInfo } from "../../rbac/types.js";
import { parseServiceAccountUsername, userInfoFor } from "../../rbac/users.js";
import { buildReport, DEFAULT_FAIL_ON } from "../../report/build.js";
import { connectedOrRecorded, emitReport } from "../report-output.js";
import { progressFor, type Progress } from "../progress.js";
import { describeRefused, oneLine } from "../../report/render/text.js";
import { targetOf } from "../../run/target.js";
import { flag, type ParsedArgs } from "../args.js";
import { stdinIfNamed, type CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";
import { CROSS_CHECK_DEADLINE_MS, LIVE_AUDIT_DEADLINE_MS } from "../../audit/deadlines.js";

function customizationFrom(args: ParsedArgs): AuditCustomization {
  const configFile = flag.string(args, "config");
  const fromFile: AuditCustomization = configFile ? loadAuditConfig(configFile) : { ruleDirs: [], disable: [], severity: {} };
  const allowlist = flag.string(args, "allowlist") ?? fromFile.allowlist;
  const customization: AuditCustomization = {
    ruleDirs: [...fromFile.ruleDirs, ...flag.list(args, "rules")],
    disable: [...fromFile.disable, ...flag.list(args, "disable")],
    severity: { ...fromFile.severity, ...parseSeverityOverrides(flag.list(args, "severity")) },
  };
  if (allowlist) customization.allowlist = allowlist;
  const failOn = args.given.has("fail-on") ? parseSeverity(flag.string(args, "fail-on") ?? "") : fromFile.failOn;
  if (failOn) customization.failOn = failOn;
  return customization;
}

function subjectFrom(args: ParsedArgs): UserInfo | undefined {
  const subject = flag.string(args, "subject");
  if (subject === undefined) return undefined;
  if (subject.startsWith("system:serviceaccount:") && !parseServiceAccountUsername(subject)) {
    throw new UsageError(`invalid --subject "${subject}": a ServiceAccount is system:serviceaccount:NAMESPACE:NAME`);
  }
  if (subject.trim() === "") throw new UsageError("--subject needs a user name, e.g. system:serviceaccount:NS:NAME");
  return userInfoFor(subject);
}

/** What both modes need: the tailored catalogue, the `--subject` identity, system:masters evidence, progress. */
interface AuditSetup {
  catalogue: Catalogue;
  subject: UserInfo | undefined;
  mastersEvidence: MastersEvidence[];
  progress: Progress;
  startedAt: Date;
}

/**
 * How a long audit shows it is moving: a redrawn line on a terminal; with -v and stderr not a
 * terminal (CI logs), one line per step; otherwise nothing.
 */
function auditProgress(args: ParsedArgs, io: CommandIo): Progress {
  if (io.stderr.isTTY || !flag.boolean(args, "verbose")) return progressFor(io);
  return {
    update(done, total, label) {
      io.stderr.write(`saprobe: ${done}/${total} ${label.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?")}\n`);
    },
    finish() {},
  };
}

async function auditManifests(args: ParsedArgs, io: CommandIo, paths: string[], setup: AuditSetup): Promise<Gathered> {
  // Steps: one per file, then the audit.
  let steps = 1;
  const namespaceFlag = flag.string(args, "namespace");
  const placement = placementNamespace(namespaceFlag);
  const loaded = await loadManifests(paths, {
    defaultNamespace: placement.namespace,
    // A broken document is named in the report while every other object is still audited.
    refused: "return",
    ...stdinIfNamed(paths, io),
    cwd: io.cwd,
    maxFileBytes: flag.number(args, "max-file-bytes") ?? DEFAULT_LIMITS.maxFileBytes,
    onFile: (done, total, file) => {
      steps = total + 1;
      setup.progress.update(done, steps, `reading ${file}`);
    },
  });
  const snapshot = flag.boolean(args, "with-defaults") ? withBootstrapPolicy(loaded.snapshot) : loaded.snapshot;
  setup.progress.update(steps - 1, steps, `auditing ${snapshot.roleBindings.length + snapshot.clusterRoleBindings.length} bindings`);
  const { catalogue, subject, mastersEvidence } = setup;
  // The manifests' Namespaces say where Pod Security keeps a pod from escaping to its node (the path search).
  const pathFacts = { podSecurity: loaded.podSecurity };
  const findings = auditSnapshot(snapshot, catalogue, { mode: "offline", mastersEvidence, pathFacts, ...(subject ? { subject } : {}) });
  // What the apiserver would refuse (evaluated as written all the same), then what offline cannot see.
  const warnings = [...loaded.warnings];
  // Input without any Kubernetes object is refused by the loader; objects but no RBAC among them is worth a word.
  const objects =
    loaded.snapshot.roles.length +
    loaded.snapshot.clusterRoles.length +
    loaded.snapshot.roleBindings.length +
    loaded.snapshot.clusterRoleBindings.length +
    loaded.snapshot.serviceAccounts.length;
  if (objects === 0 && loaded.refused.length === 0)
    warnings.push(
      `no RBAC objects (ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding) in ${loaded.files.length === 1 ? (loaded.files[0] === "-" ? "standard input" : loaded.files[0]) : `the ${loaded.files.length} files read`}: nothing was audited`,
    );
  if (catalogue.rules.some((rule) => rule.match.kind === "unused-serviceaccount")) {
    warnings.push("unused-serviceaccount needs the cluster's pods and is only evaluated by live audits.");
  }
  const input = manifestInputOf(loaded, namespaceFlag);
  const placed = describePlacement(input.defaultNamespace);
  // Placed by a default, not by the user: said where every renderer shows it.
  if (input.defaultNamespace.source === "default" && input.defaultNamespace.objects > 0)
    warnings.push(`${placed}; give -n NAMESPACE to audit them where they will be applied`);
  const explain = [...loaded.files.map((file) => `read ${file}`), placed];
  return { findings, warnings, errors: [], input, target: { source: "manifests", namespace: placement.namespace, explain } };
}

async function auditCluster(args: ParsedArgs, io: CommandIo, setup: AuditSetup): Promise<Gathered> {
  // Loaded only for live audits: an offline audit has no use for the HTTP client.
  const [{ createKubeClient }, { auditLive }] = await Promise.all([import("../../kube/client.js"), import("../../audit/live/audit.js")]);
  const connection = await connectedOrRecorded("audit", setup.startedAt, connectionFromArgs(args, io), args, io);
  const client = createKubeClient(connection, requestLogOptions(args, io));
  try {
    const outcome = await auditLive(client, {
      connection,
      catalogue: setup.catalogue,
      mastersEvidence: setup.mastersEvidence,
      skipConfirmation: flag.boolean(args, "no-confirm"),
      crossCheckDeadlineMs: flag.number(args, "confirm-deadline") ?? CROSS_CHECK_DEADLINE_MS,
      deadlineMs: flag.number(args, "deadline") ?? LIVE_AUDIT_DEADLINE_MS,
      onProgress: (done, total, label) => setup.progress.update(done, total, label),
      ...(setup.subject ? { subject: setup.subject } : {}),
    });
    const findings = [...connectionFindings(connection), ...outcome.findings];
    return { findings, warnings: [...connection.warnings, ...outcome.warnings], errors: outcome.errors, target: targetOf(connection, outcome.identity, []) };
  } finally {
    await client.close();
  }
}

interface Gathered {
  input?: ManifestInput;
  findings: Finding[];
  warnings: string[];
  errors: ErrorValue[];
  target: Target;
}

/** Client certificates of `--kubeconfig-scan` files (the kubeconfig reader loads only when asked). */
async function mastersEvidenceFrom(files: string[]): Promise<MastersEvidence[]> {
  if (files.length === 0) return [];
  const { scanKubeconfig } = await import("../../audit/files/kubeconfig-scan.js");
  return files.flatMap((file) => scanKubeconfig(file));
}

/** A `--subject` no binding applies to passes with no finding: say so, since a typo looks the same. */
function subjectWithoutBindings(subject: UserInfo, findings: readonly Finding[]): string[] {
  if (findings.some((finding) => finding.rule === EFFECTIVE_PERMISSIONS_RULE.id)) return [];
  return [
    `--subject ${subject.name}: no binding applies to this user or its groups (${subject.groups.join(", ")}), so it is granted nothing here; check the name (a ServiceAccount is system:serviceaccount:NAMESPACE:NAME)`,
  ];
}

/** What `saprobe audit` does once its flags are parsed. */
export async function runAudit(args: ParsedArgs, io: CommandIo): Promise<number> {
  const startedAt = new Date();
  const customization = customizationFrom(args);
  const setup: AuditSetup = {
    catalogue: customizeCatalogue(loadCatalogue([BUILTIN_RULES_DIR, ...customization.ruleDirs]), customization),
    subject: subjectFrom(args),
    mastersEvidence: await mastersEvidenceFrom(flag.list(args, "kubeconfig-scan")),
    progress: auditProgress(args, io),
    startedAt,
  };
  const allowlist = customization.allowlist ? loadAllowlist(customization.allowlist) : [];
  // `--manifests a.yaml b/ c.yaml`: paths after the first are positionals, and belong to it.
  if (args.positionals.length > 0 && !args.given.has("manifests")) {
    throw new UsageError(`unexpected argument "${args.positionals[0]}": to audit manifests, use --manifests PATH...`);
  }
  const manifests = [...flag.list(args, "manifests"), ...args.positionals];
  let gathered: Gathered;
  try {
    gathered = manifests.length > 0 ? await auditManifests(args, io, manifests, setup) : await auditCluster(args, io, setup);
  } finally {
    // The report, or the error main prints, starts on a clean line.
    setup.progress.finish();
  }
  const allowed = applyAllowlist(gathered.findings, allowlist, new Date());
  const unmatched = setup.subject ? subjectWithoutBindings(setup.subject, gathered.findings) : [];
  const report = buildReport({
    command: "audit",
    startedAt,
    finishedAt: new Date(),
    target: gathered.target,
    ...(gathered.input ? { input: gathered.input } : {}),
    findings: allowed.findings,
    errors: gathered.errors,
    warnings: [...gathered.warnings, ...allowed.warnings, ...unmatched],
    failOn: customization.failOn ?? DEFAULT_FAIL_ON,
  });
  const code = await emitReport(report, args, io);
  // The report names refused documents; stderr does too, as for any input error, so a pipeline log shows why it stopped.
  for (const refused of report.input?.refused ?? []) io.stderr.write(`saprobe: ${oneLine(describeRefused(refused))}\n`);
  return code;
}
