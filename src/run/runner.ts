import type { CheckDefinition } from "../checks/types.js";
import type { Connection } from "../connect/types.js";
import type { KubeClient } from "../kube/types.js";
import type { CheckResult, ErrorValue } from "../model/report.js";
import { PROBES } from "../probes/index.js";
import { baseResult } from "../probes/observation.js";
import type { IdentityLookup, Probe } from "../probes/types.js";
import type { TokenRead } from "../token/source.js";
import { connectionResults } from "./connection-checks.js";
import { probeContext, sharedRunState, type SharedRunState } from "./context.js";
import { runLevelErrors } from "./run-errors.js";
import { formatDuration } from "../input/units.js";
import { startStopwatch } from "../kube/stopwatch.js";

/** Everything one run of a check suite needs. */
export interface RunChecksOptions {
  connection: Connection;
  checks: readonly CheckDefinition[];
  /** The connection's pooled client; every probe shares it. */
  client: KubeClient;
  /** Builds the credential-less, system-CA client for the `tls` probe (called at most once). */
  createSystemCaClient: () => KubeClient;
  /** The overall deadline in milliseconds: no result arrives later than this. */
  deadlineMs: number;
  now?: () => Date;
  /** Reads the token for diagnostics; default: the connection's own token. */
  token?: () => Promise<TokenRead | undefined>;
  /** The probe modules by kind; default: `PROBES`. */
  probes?: Readonly<Record<string, Probe>>;
}

/** The results of a run, in check order, and what the run as a whole learned. */
export interface RunOutcome {
  results: CheckResult[];
  identity: IdentityLookup;
  /** Problems that stopped the whole run (server unreachable, TLS, credentials rejected). */
  errors: ErrorValue[];
}

/** Time a probe gets beyond its request timeout: the identity lookup it may wait for, plus slack. */
const PROBE_SLACK_MS = 250;

function stoppedResult(check: CheckDefinition, code: string, message: string, durationMs: number): CheckResult {
  return baseResult(check, { status: "error", expected: check.expect, observed: code, message, evidence: {}, durationMs, error: { code, message } });
}

/** Resolves when `signal` fires, with why. */
function whenAborted(signal: AbortSignal): Promise<"aborted"> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
}

async function runOne(check: CheckDefinition, options: RunChecksOptions, shared: SharedRunState, overall: AbortSignal, now: () => Date): Promise<CheckResult> {
  const elapsed = startStopwatch();
  const timeoutMs = check.timeoutSeconds !== undefined ? check.timeoutSeconds * 1000 : options.connection.requestTimeoutMs;
  // A probe may wait for the shared identity, then make its own request: two timeouts at most.
  const own = AbortSignal.timeout(timeoutMs * 2 + PROBE_SLACK_MS);
  const signal = AbortSignal.any([overall, own]);
  const probe = (options.probes ?? PROBES)[check.probe];
  if (!probe) return stoppedResult(check, "unknown-probe", `no probe of kind "${check.probe}"`, 0);
  const running = probe(options.client, options.connection, check, probeContext(shared, signal, timeoutMs, now)).catch((error: unknown) =>
    stoppedResult(check, "probe-crashed", `the ${check.probe} probe failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, elapsed()),
  );
  const winner = await Promise.race([running, whenAborted(signal)]);
  if (winner !== "aborted") return winner;
  return overall.aborted
    ? stoppedResult(check, "deadline", `the run's deadline (${formatDuration(options.deadlineMs)}) passed before this check finished`, elapsed())
    : stoppedResult(check, "timeout", `the check did not finish within ${formatDuration(timeoutMs * 2 + PROBE_SLACK_MS)}`, elapsed());
}

/**
 * Runs every check concurrently over the shared client, each with its own timeout, all under one
 * overall deadline. Results come back in check order; a probe that throws or overruns becomes an
 * `error` result, never an exception. Results about the connection itself (`connectionResults`: an
 * unverified certificate) follow the checks'. Also reports the problems that stopped the whole run.
 */
export async function runChecks(options: RunChecksOptions): Promise<RunOutcome> {
  const now = options.now ?? (() => new Date());
  const overall = AbortSignal.timeout(options.deadlineMs);
  const shared = sharedRunState(options.client, options.connection, {
    signal: overall,
    createSystemCaClient: options.createSystemCaClient,
    ...(options.token ? { token: options.token } : {}),
  });
  try {
    const identityPromise = shared.identity();
    // The probes start once the first connection is up: their connections then resume its TLS
    // session instead of each doing a full handshake (most list and watch probes wait for the
    // identity anyway, for the namespace).
    await Promise.race([identityPromise, whenAborted(overall)]);
    // Results about the connection itself come after the checks', so results[i] stays checks[i]'s.
    const results = [
      ...(await Promise.all(options.checks.map((check) => runOne(check, options, shared, overall, now)))),
      ...connectionResults(options.connection),
    ];
    const identity = await Promise.race([identityPromise, whenAborted(overall).then(() => undefined)]);
    if (identity === undefined || identity.failure?.code === "aborted") {
      const message = `the run's deadline (${formatDuration(options.deadlineMs)}) passed before the server said who saprobe is`;
      return {
        results,
        identity: { state: "unknown", groups: [], source: "none", message, evidence: {}, durationMs: options.deadlineMs },
        errors: [{ code: "deadline", message }],
      };
    }
    const token = identity.state === "unauthorized" ? await shared.token() : undefined;
    const errors = runLevelErrors(options.connection, identity, results, { ...(token ? { token } : {}), now: now() });
    // A check that could not tell because the whole run could not run gets the run's advice, never its own RBAC advice.
    const fix = errors[0]?.fix;
    return { results: fix ? results.map((result) => (result.status === "error" ? { ...result, remediation: fix } : result)) : results, identity, errors };
  } finally {
    await shared.closeSystemCaClient();
  }
}
