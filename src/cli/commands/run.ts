import { assembleSuite } from "../../checks/suite.js";
import { createKubeClient } from "../../kube/client.js";
import { buildReport } from "../../report/build.js";
import { emitReport, outputFlags } from "../../report/output-flags.js";
import { systemCaConnection } from "../../run/context.js";
import { runChecks } from "../../run/runner.js";
import { targetOf } from "../../run/target.js";
import { keepWasmOnBaselineCompiler } from "../../run/fast-exit.js";
import { flag } from "../args.js";
import type { Command } from "../command.js";
import { connectionFlags, connectionFromArgs } from "../connection-flags.js";

/** The default overall deadline of a run. */
const DEFAULT_DEADLINE_MS = 60_000;

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
  ].join("\n"),
  flags: [
    ...connectionFlags,
    ...outputFlags,
    { name: "checks", type: "list", valueName: "FILE", description: "check file to add to the default suite (repeatable); same ids replace defaults", default: [] },
    { name: "replace-checks", type: "boolean", description: "run only the --checks files, not the default suite" },
    { name: "expect", type: "list", valueName: "PATH", description: "expected RBAC manifests (files or directories): each probe's expectation comes from them", default: [] },
    { name: "with-defaults", type: "boolean", description: "with --expect, add the Kubernetes default bootstrap policy to the expected RBAC (--with-defaults=false: only the files)", default: true },
    { name: "system-ca-file", type: "string", valueName: "PATH", description: "CA bundle the tls-system-ca probe trusts instead of Node's default roots" },
    { name: "deadline", type: "duration", description: "overall deadline of the run", default: DEFAULT_DEADLINE_MS },
  ],
  async run(args, io) {
    const startedAt = new Date();
    const suite = await assembleSuite(flag.list(args, "checks"), { replace: flag.boolean(args, "replace-checks") });
    const expectPaths = flag.list(args, "expect");
    // The RBAC engine and the manifest loader are only loaded when --expect needs them.
    const conformance = expectPaths.length > 0 ? await import("../../run/expectations.js") : undefined;
    const expected = conformance ? await conformance.loadExpectedRbac(expectPaths, { withDefaults: flag.boolean(args, "with-defaults"), cwd: io.cwd }) : undefined;
    const connection = await connectionFromArgs(args, io);
    const log = flag.boolean(args, "verbose") ? (line: string) => void io.stderr.write(`saprobe: ${line}\n`) : undefined;
    keepWasmOnBaselineCompiler();
    const client = createKubeClient(connection, log ? { log } : {});
    const systemCaFile = flag.string(args, "system-ca-file");
    try {
      // Drift (expected objects vs live ones) is read alongside the probes, over the same client.
      const driftWarnings: string[] = [];
      const drift = conformance && expected
        ? conformance.expectedDrift(client, expected).catch((error: unknown) => {
            driftWarnings.push(`--expect: the live RBAC objects could not be compared: ${error instanceof Error ? error.message : String(error)}`);
            return [];
          })
        : Promise.resolve([]);
      const outcome = await runChecks({
        connection,
        checks: suite.checks,
        client,
        createSystemCaClient: () => createKubeClient(systemCaConnection(connection, systemCaFile), log ? { log } : {}),
        deadlineMs: flag.number(args, "deadline") ?? DEFAULT_DEADLINE_MS,
      });
      const judged = conformance && expected ? conformance.applyExpectedRbac(suite.checks, outcome.results, expected, outcome.identity) : { results: outcome.results, warnings: [] };
      const report = buildReport({
        command: "run",
        startedAt,
        finishedAt: new Date(),
        target: targetOf(connection, outcome.identity, outcome.results),
        results: judged.results,
        drift: outcome.errors.length > 0 ? [] : await drift,
        errors: outcome.errors,
        warnings: [...connection.warnings, ...suite.warnings, ...judged.warnings, ...driftWarnings],
      });
      return await emitReport(report, args, io);
    } finally {
      await client.close();
    }
  },
};
