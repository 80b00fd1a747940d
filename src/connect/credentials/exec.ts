import { Secret } from "../../model/secret.js";
import type { Connection, Credentials } from "../types.js";
import { execInfo, parseExecOutput, type ExecStatus } from "./exec-info.js";
import { bearer } from "./token-file.js";
import type { AuthResult, CredentialProvider } from "./types.js";

type ExecCredentials = Extract<Credentials, { kind: "exec" }>;

/** An exec plugin that has not answered within this time is killed (client-go waits forever). */
export const EXEC_PLUGIN_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 1024 * 1024;

interface RunResult {
  stdout: string;
  exitCode: number | null;
  error?: string;
}

/** Runs the plugin once; `signal` kills it. Its stderr is never kept: it may hold credentials. */
async function runPlugin(exec: ExecCredentials, info: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<RunResult> {
  // Loaded only when a kubeconfig names a plugin: node:child_process cost ~2 ms of every live start-up.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const entry of exec.env) env[entry.name] = entry.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
    let stdout = "";
    const child = spawn(exec.command, exec.args, { env, stdio: ["ignore", "pipe", "ignore"], timeout: timeoutMs, killSignal: "SIGKILL", signal });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError") return; // "close" follows and says how it ended
      resolve({ stdout, exitCode: null, error: error.code === "ENOENT" ? "the command was not found" : (error.code ?? "it could not be started") });
    });
    child.once("close", (code, killedBy) =>
      resolve({ stdout, exitCode: code, ...(killedBy ? { error: `it was killed (${killedBy}); saprobe waits at most ${timeoutMs / 1000}s` } : {}) }),
    );
  });
}

/** One run of the plugin that callers share, and how many of them are still waiting for it. */
interface InFlight {
  result: Promise<AuthResult>;
  stop: AbortController;
  /** Callers waiting with a signal; the plugin is stopped when the last of them gives up. */
  waiting: number;
  /** A caller without a signal waits for as long as the plugin runs: never stop it early. */
  unbounded: boolean;
}

/**
 * Runs a client.authentication.k8s.io/v1 or v1beta1 exec plugin like client-go: environment plus
 * `exec.env` plus `KUBERNETES_EXEC_INFO`, output validated (apiVersion must match), the credential
 * cached until `expirationTimestamp` and re-run once after a 401. The plugin runs once at a time for
 * every caller; a failure is kept, so a broken or hanging plugin is not started again. It is killed
 * when every waiting caller's signal has fired (the run's deadline), on `dispose()`, or after
 * `EXEC_PLUGIN_TIMEOUT_MS`. Plugins with `interactiveMode: Always` are refused: saprobe never
 * prompts. Plugin output (stdout or stderr) is never shown: it may hold credentials.
 */
export function execProvider(exec: ExecCredentials, connection: Connection, now: () => number = () => Date.now()): CredentialProvider {
  const seen: Secret[] = [];
  let cached: { status: ExecStatus; generation: number; key?: Secret; token?: Secret } | undefined;
  let failed: AuthResult | undefined;
  let generation = 0;
  let refreshedGeneration = -1;
  let running: InFlight | undefined;
  const name = `exec plugin "${exec.command}"`;

  const fromCache = (): AuthResult => {
    const entry = cached as NonNullable<typeof cached>;
    return {
      ok: true,
      material: {
        headers: entry.token ? { authorization: bearer(entry.token) } : {},
        ...(entry.key && entry.status.clientCertificateData
          ? { clientCertificate: { cert: entry.status.clientCertificateData, key: entry.key, generation: entry.generation } }
          : {}),
      },
    };
  };

  const run = async (stop: AbortSignal): Promise<AuthResult> => {
    if (exec.interactiveMode === "Always")
      return {
        ok: false,
        message: `${name} needs a terminal (interactiveMode: Always) and saprobe never prompts; use a plugin configuration with interactiveMode: Never`,
      };
    const result = await runPlugin(exec, execInfo(exec, connection), EXEC_PLUGIN_TIMEOUT_MS, stop);
    if (stop.aborted)
      return { ok: false, aborted: true, message: `${name} had not answered within the request timeout or before the run's deadline; it was stopped` };
    if (result.error) {
      const hint = result.error === "the command was not found" && exec.installHint ? ` (${exec.installHint.trim().split("\n").join(" ")})` : "";
      return { ok: false, message: `${name} failed: ${result.error}${hint}` };
    }
    if (result.exitCode !== 0) {
      return {
        ok: false,
        message: `${name} exited with code ${result.exitCode}; run it by hand to see why (saprobe never shows plugin output: it may hold credentials)`,
      };
    }
    const status = parseExecOutput(result.stdout, exec.apiVersion);
    if (typeof status === "string") return { ok: false, message: `${name} returned no usable credential: ${status}` };
    generation += 1;
    const token = status.token ? new Secret(status.token) : undefined;
    const key = status.clientKeyData ? new Secret(status.clientKeyData) : undefined;
    for (const secret of [token, key]) if (secret) seen.push(secret);
    cached = { status: { ...status, token: undefined, clientKeyData: undefined }, generation, token, key };
    return fromCache();
  };

  const start = (): InFlight => {
    const stop = new AbortController();
    const flight: InFlight = { stop, waiting: 0, unbounded: false, result: Promise.resolve({ ok: false, message: "" }) };
    flight.result = run(stop.signal)
      .then((result) => {
        if (!result.ok) failed = result;
        return result;
      })
      .finally(() => {
        if (running === flight) running = undefined;
      });
    return flight;
  };

  const waitFor = (flight: InFlight, signal: AbortSignal | undefined): Promise<AuthResult> => {
    if (!signal) {
      flight.unbounded = true;
      return flight.result;
    }
    const gaveUp: AuthResult = { ok: false, aborted: true, message: `${name} had not answered within the request timeout or before the run's deadline` };
    if (signal.aborted) return Promise.resolve(gaveUp);
    flight.waiting += 1;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: AuthResult) => {
        if (settled) return;
        settled = true;
        flight.waiting -= 1;
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onAbort = () => {
        settle(gaveUp);
        if (flight.waiting === 0 && !flight.unbounded) flight.stop.abort();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void flight.result.then(settle);
    });
  };

  return {
    async get(signal?: AbortSignal): Promise<AuthResult> {
      if (cached && (cached.status.expiresAt === undefined || cached.status.expiresAt > now())) return fromCache();
      if (failed) return failed;
      running ??= start();
      return waitFor(running, signal);
    },
    refreshAfterUnauthorized(): boolean {
      if (!cached || refreshedGeneration === cached.generation) return false;
      refreshedGeneration = cached.generation;
      cached = undefined;
      return true;
    },
    secrets: () => [...seen],
    dispose(): void {
      running?.stop.abort();
    },
  };
}
