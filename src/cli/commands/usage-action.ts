// Not the audit/index.js barrel: it would load the live audit and the kubeconfig scan (node:crypto) too.
import { BUILTIN_RULES_DIR, loadCatalogue } from "../../audit/files/catalogue.js";
import { loadManifests } from "../../manifests/index.js";
import { CouldNotRunError, InputError, UsageError } from "../../model/errors.js";
import type { Severity, Target } from "../../model/report.js";
import { withBootstrapPolicy } from "../../rbac/bootstrap.js";
import { parseServiceAccountUsername } from "../../rbac/users.js";
import { buildReport, DEFAULT_FAIL_ON } from "../../report/build.js";
import { emitReport, writeOutFiles } from "../report-output.js";
import { targetOf } from "../../run/target.js";
import { expandLogPaths, learnedYaml, readLogLines, readUsage, nothingToReport, usageOutcome, usageSection, type GrantedRbac } from "../../usage/index.js";
import { flag, parseDuration, type ParsedArgs } from "../args.js";
import { stdinIfNamed, type CommandIo } from "../command.js";
import { connectionFromArgs } from "../connection-flags.js";
import { DEFAULT_LIMITS } from "../../input/limits.js";

/** An RFC 3339 time, or a duration before `now` (`24h`), as milliseconds and as RFC 3339 text. */
function timeFlag(args: ParsedArgs, name: string, now: Date): { ms: number; text: string } | undefined {
  const raw = flag.string(args, name);
  if (raw === undefined) return undefined;
  if (/^\d+(\.\d+)?(ms|s|m|h)?$/.test(raw.trim())) {
    const ms = now.getTime() - parseDuration(raw, name);
    return { ms, text: new Date(ms).toISOString() };
  }
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(ms)) {
    throw new UsageError(`invalid --${name} "${raw}": use an RFC 3339 time (2026-12-07T03:00:00Z) or a duration before now (24h, 30m)`);
  }
  return { ms, text: new Date(ms).toISOString() };
}

function identitiesFrom(args: ParsedArgs): string[] {
  const names = [...flag.list(args, "as"), ...flag.list(args, "subject")];
  for (const name of names) {
    if (name.trim() === "") throw new UsageError("--as needs a user name, e.g. system:serviceaccount:NS:NAME");
    if (name.startsWith("system:serviceaccount:") && !parseServiceAccountUsername(name)) {
      throw new UsageError(`invalid --as "${name}": a ServiceAccount is system:serviceaccount:NAMESPACE:NAME`);
    }
  }
  return [...new Set(names)];
}

const LIVE_FLAGS = ["live", "kubeconfig", "context", "server", "in-cluster", "token", "token-file"];

async function grantedFrom(args: ParsedArgs, io: CommandIo): Promise<{ granted?: GrantedRbac; target: Target; warnings: string[] }> {
  const manifests = flag.list(args, "manifests");
  const live = LIVE_FLAGS.some((name) => args.given.has(name));
  if (manifests.length > 0 && live) throw new UsageError("--manifests and --live both name the granted RBAC: choose one");
  const catalogue = (): ReturnType<typeof loadCatalogue> => loadCatalogue([BUILTIN_RULES_DIR]);
  if (manifests.length > 0) {
    const loaded = await loadManifests(manifests, {
      cwd: io.cwd,
      ...stdinIfNamed(manifests, io),
      maxFileBytes: flag.number(args, "max-file-bytes") ?? DEFAULT_LIMITS.maxFileBytes,
    });
    const snapshot = flag.boolean(args, "with-defaults") ? withBootstrapPolicy(loaded.snapshot) : loaded.snapshot;
    return {
      granted: { snapshot, source: "manifests", catalogue: catalogue() },
      target: { source: "manifests", explain: loaded.files.map((file) => `read ${file}`) },
      warnings: loaded.warnings,
    };
  }
  if (!live) {
    return {
      target: { source: "audit-log" },
      warnings: ["no granted RBAC to compare with: add --manifests PATH or --live to see what was granted and never used"],
    };
  }
  const [{ createKubeClient }, { readLiveRbac }] = await Promise.all([import("../../kube/client.js"), import("../../conformance/live-rbac.js")]);
  const connection = await connectionFromArgs(args, io);
  const client = createKubeClient(connection);
  try {
    const read = await readLiveRbac(client);
    // Exit 3, as for any live command that cannot read what it needs (the log was fine).
    if (!read.ok)
      throw new CouldNotRunError(
        "E_LIVE_RBAC",
        `cannot read the cluster's RBAC to compare with (${read.reason}); compare with --manifests instead, or use an identity that may list RBAC objects`,
      );
    return {
      granted: { snapshot: read.snapshot, source: "live", catalogue: catalogue() },
      target: targetOf(connection, { state: "unknown", groups: [], source: "not asked", message: "", evidence: {}, durationMs: 0 }, []),
      warnings: connection.warnings,
    };
  } finally {
    await client.close();
  }
}

/** What `saprobe usage` does once its flags are parsed. */
export async function runUsage(args: ParsedArgs, io: CommandIo): Promise<number> {
  const startedAt = new Date();
  if (args.positionals.length === 0)
    throw new UsageError("name the audit log to read: saprobe usage /var/log/kubernetes/audit.log (a folder, a .gz, or - for stdin)");
  const identities = identitiesFrom(args);
  const since = timeFlag(args, "since", startedAt);
  const until = timeFlag(args, "until", startedAt);
  if (since && until && since.ms > until.ms) throw new UsageError(`--since ${since.text} is after --until ${until.text}`);
  const window = { ...(since ? { since: since.text } : {}), ...(until ? { until: until.text } : {}) };
  const files = await expandLogPaths(args.positionals, io.cwd);
  const read = await readUsage(readLogLines(files, { cwd: io.cwd, ...stdinIfNamed(files, io), maxLineBytes: flag.number(args, "max-line-bytes") }), {
    identities,
    ...(since ? { since: since.ms } : {}),
    ...(until ? { until: until.ms } : {}),
  });
  const problems = nothingToReport(read, files, identities, window);
  if (problems.length > 0) throw new InputError(problems.map((problem) => problem.message).join("; "));
  const { granted, target, warnings } = await grantedFrom(args, io);
  const outcome = usageOutcome(read, granted);
  const bad =
    read.log.malformed > 0
      ? [
          `${read.log.malformed} line(s) of the audit log are not audit events and were skipped: ${read.log.malformedAt.join("; ")}${read.log.malformed > read.log.malformedAt.length ? "; ..." : ""}`,
        ]
      : [];
  const report = buildReport({
    command: "usage",
    startedAt,
    finishedAt: new Date(),
    target,
    findings: outcome.findings,
    warnings: [...warnings, ...bad],
    failOn: (flag.string(args, "fail-on") as Severity | undefined) ?? DEFAULT_FAIL_ON,
    usage: usageSection(read, files, window, outcome, granted),
  });
  if (flag.string(args, "output") !== "yaml") return emitReport(report, args, io);
  // The YAML is the output: it was written, so 0, whatever the report says (the --out files say it).
  io.stdout.write(learnedYaml(outcome.learned, { files, ...window }));
  await writeOutFiles(report, args, io);
  return 0;
}
