import { spawn } from "node:child_process";
import { redactText, Secret } from "../../model/secret.js";
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
  stderr: string;
  exitCode: number | null;
  error?: string;
}

function runPlugin(exec: ExecCredentials, info: Record<string, unknown>, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const entry of exec.env) env[entry.name] = entry.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
    let stdout = "";
    let stderr = "";
    const child = spawn(exec.command, exec.args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += chunk;
    });
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ stdout, stderr, exitCode: null, error: error.code === "ENOENT" ? "the command was not found" : (error.code ?? "it could not be started") }));
    child.once("close", (code, signal) => resolve({ stdout, stderr, exitCode: code, ...(signal ? { error: `it was killed (${signal}); saprobe waits at most ${timeoutMs / 1000}s` } : {}) }));
  });
}

/** The first stderr line, without secrets, shortened: the only plugin output that may reach a user. */
function firstStderrLine(stderr: string, secrets: Secret[]): string {
  const line = stderr.split("\n").find((candidate) => candidate.trim() !== "")?.trim() ?? "";
  const clean = redactText(line, secrets).slice(0, 200);
  return clean === "" ? "" : `; stderr: ${clean}`;
}

/**
 * Runs a client.authentication.k8s.io/v1 or v1beta1 exec plugin like client-go: environment plus
 * `exec.env` plus `KUBERNETES_EXEC_INFO`, output validated (apiVersion must match), the credential
 * cached until `expirationTimestamp` and re-run once after a 401. Plugins with
 * `interactiveMode: Always` are refused: saprobe never prompts. Plugin output is never printed.
 */
export function execProvider(exec: ExecCredentials, connection: Connection, now: () => number = () => Date.now()): CredentialProvider {
  const seen: Secret[] = [];
  let cached: { status: ExecStatus; generation: number; key?: Secret; token?: Secret } | undefined;
  let generation = 0;
  let refreshedGeneration = -1;
  let running: Promise<AuthResult> | undefined;
  const name = `exec plugin "${exec.command}"`;

  const fromCache = (): AuthResult => {
    const entry = cached as NonNullable<typeof cached>;
    return {
      ok: true,
      material: {
        headers: entry.token ? { authorization: bearer(entry.token) } : {},
        ...(entry.key && entry.status.clientCertificateData ? { clientCertificate: { cert: entry.status.clientCertificateData, key: entry.key, generation: entry.generation } } : {}),
      },
    };
  };

  const run = async (): Promise<AuthResult> => {
    if (exec.interactiveMode === "Always") return { ok: false, message: `${name} needs a terminal (interactiveMode: Always) and saprobe never prompts; use a plugin configuration with interactiveMode: Never` };
    const result = await runPlugin(exec, execInfo(exec, connection), EXEC_PLUGIN_TIMEOUT_MS);
    if (result.error) {
      const hint = result.error === "the command was not found" && exec.installHint ? ` (${exec.installHint.trim().split("\n").join(" ")})` : "";
      return { ok: false, message: `${name} failed: ${result.error}${hint}${firstStderrLine(result.stderr, seen)}` };
    }
    if (result.exitCode !== 0) return { ok: false, message: `${name} exited with code ${result.exitCode}${firstStderrLine(result.stderr, seen)}` };
    const status = parseExecOutput(result.stdout, exec.apiVersion);
    if (typeof status === "string") return { ok: false, message: `${name} returned no usable credential: ${status}` };
    generation += 1;
    const token = status.token ? new Secret(status.token) : undefined;
    const key = status.clientKeyData ? new Secret(status.clientKeyData) : undefined;
    for (const secret of [token, key]) if (secret) seen.push(secret);
    cached = { status: { ...status, token: undefined, clientKeyData: undefined }, generation, token, key };
    return fromCache();
  };

  return {
    async get(): Promise<AuthResult> {
      if (cached && (cached.status.expiresAt === undefined || cached.status.expiresAt > now())) return fromCache();
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    refreshAfterUnauthorized(): boolean {
      if (!cached || refreshedGeneration === cached.generation) return false;
      refreshedGeneration = cached.generation;
      cached = undefined;
      return true;
    },
    secrets: () => [...seen],
  };
}
