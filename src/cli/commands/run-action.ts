import { assembleSuite } from "../../checks/suite.js";
import { createKubeClient } from "../../kube/client.js";
import { isAtLeast, parseSeverity } from "../../model/severity.js";
import { didNotPass, type CheckResult, type Severity } from "../../model/report.js";
import { buildReport } from "../../report/build.js";
import { connectedOrRecorded, emitReport } from "../report-output.js";
import { systemCaConnection } from "../../run/context.js";
import { runChecks } from "../../run/runner.js";
import { targetOf } from "../../run/target.js";
import { flag, type ParsedArgs } from "../args.js";
import { stdinIfNamed, type CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";
import { DEFAULT_DEADLINE_MS } from "../../run/defaults.js";

/** Says which failed or undecided checks `--fail-on` lets through, so a passed run never hides them. */
function belowFailOn(results: readonly CheckResult[], failChecksOn: Severity): string[] {
  const letThrough = results.filter((result) => didNotPass(result) && !isAtLeast(result.severity, failChecksOn));
  if (letThrough.length === 0) return [];
  return [
    `--fail-on ${failChecksOn}: ${letThrough.length} check(s) did not pass but are below that level and do not fail the run: ${letThrough.map((result) => `${result.id} (${result.severity}, ${result.status})`).join(", ")}`,
  ];
}

/** What `saprobe run` does once its flags are parsed: the suite, the report, the exit code. */
export async function runSuite(args: ParsedArgs, io: CommandIo): Promise<number> {
  const startedAt = new Date();
  const failChecksOn = parseSeverity(flag.string(args, "fail-on") ?? "") ?? "info";
  const suite = await assembleSuite(flag.list(args, "checks"), { replace: flag.boolean(args, "replace-checks") });
  const expectPaths = flag.list(args, "expect");
  const connection = await connectedOrRecorded("run", startedAt, connectionFromArgs(args, io), args, io);
  // The RBAC engine, the manifest loader and the audit catalogue are only loaded when --expect needs them.
  const conformance = expectPaths.length > 0 ? await import("../../conformance/run-expect.js") : undefined;
  const maxFileBytes = flag.number(args, "max-file-bytes");
  // Objects that name no namespace land where `kubectl apply` would put them: the connection's namespace.
  const expected = conformance
    ? await conformance.loadExpectedRbac(expectPaths, {
        withDefaults: flag.boolean(args, "with-defaults"),
        cwd: io.cwd,
        ...stdinIfNamed(expectPaths, io),
        defaultNamespace: connection.namespace,
        ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
      })
    : undefined;
  const logging = requestLogOptions(args, io);
  const client = createKubeClient(connection, logging);
  // With --as, the impersonating identity lists namespaces and reads RBAC objects the identity may not (--expect only).
  const readerConnection = conformance && connection.impersonate ? { ...connection, impersonate: undefined } : undefined;
  const reader = readerConnection ? { client: createKubeClient(readerConnection, logging), connection: readerConnection } : undefined;
  const systemCaFile = flag.string(args, "system-ca-file");
  try {
    // Drift (expected objects vs live ones) is read alongside the probes: by the impersonating identity with --as.
    const driftWarnings: string[] = [];
    const drift =
      conformance && expected
        ? conformance.expectedDrift(reader?.client ?? client, expected).catch((error: unknown) => {
            driftWarnings.push(`--expect: the live RBAC objects could not be compared: ${error instanceof Error ? error.message : String(error)}`);
            return [];
          })
        : Promise.resolve([]);
    const outcome = await runChecks({
      connection,
      checks: suite.checks,
      client,
      createSystemCaClient: () => createKubeClient(systemCaConnection(connection, systemCaFile), logging),
      deadlineMs: flag.number(args, "deadline") ?? DEFAULT_DEADLINE_MS,
    });
    const couldRun = outcome.errors.length === 0;
    const judged =
      conformance && expected && couldRun
        ? await conformance.judgeAgainstExpected({
            client,
            connection,
            ...(reader ? { reader } : {}),
            checks: suite.checks,
            results: outcome.results,
            expected,
            identity: outcome.identity,
            namespace: connection.namespace,
          })
        : { results: outcome.results, warnings: [] };
    const report = buildReport({
      command: "run",
      startedAt,
      finishedAt: new Date(),
      target: targetOf(connection, outcome.identity, outcome.results),
      results: judged.results,
      drift: couldRun ? await drift : [],
      errors: outcome.errors,
      warnings: [
        ...connection.warnings,
        ...suite.warnings,
        ...(expected?.warnings ?? []),
        ...judged.warnings,
        ...driftWarnings,
        ...belowFailOn(judged.results, failChecksOn),
      ],
      failChecksOn,
    });
    return await emitReport(report, args, io);
  } finally {
    await Promise.all([client.close(), reader?.client.close()]);
  }
}
