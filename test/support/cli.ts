/**
 * The one CLI harness. `runCli` runs the real `main` in-process (the command table, parser and
 * exit-code logic, with captured streams): what the unit project uses. `spawnCli` runs the built CLI
 * (`node bin/saprobe.js`) as a child process with a hard timeout, a hermetic environment (empty HOME,
 * no KUBECONFIG, no in-cluster variables) and capped output, so a hang or a flood in saprobe fails the
 * test instead of the test run: only `*.cli.test.ts` and `*.int.test.ts` files use it (their projects
 * make sure dist/ is fresh, see fresh-build.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The CLI's entry point, as npm links it. */
export const BIN = join(REPO, "bin", "saprobe.js");

const MAX_OUTPUT = 8 * 1024 * 1024;

/** What one in-process CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for an in-process run. */
export interface RunOptions {
  /** Standard input's whole text (none: an empty stream). */
  stdin?: string;
  /** The environment the command sees, and nothing else. Default `{ HOME: "/nonexistent" }`. */
  env?: Record<string, string | undefined>;
  /** Default: the repository root. */
  cwd?: string;
  /** Whether stderr claims to be a terminal (progress output is only drawn on one). */
  stderrIsTTY?: boolean;
}

/** Runs `saprobe ARGV` in-process with captured output. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  // Imported on first use, so the files that only spawn the CLI do not load all of src/.
  const { main } = await import("../../src/cli/main.js");
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrIsTTY ?? false });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await main([...argv], {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin !== undefined ? [Buffer.from(options.stdin)] : []),
    env: options.env ?? { HOME: "/nonexistent" },
    cwd: options.cwd ?? REPO,
  });
  return { code, stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") };
}

/** What one CLI process did. */
export interface CliResult {
  /** Exit code, or null when killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when the harness had to kill the process. */
  timedOut: boolean;
  /** Peak resident memory in KiB (VmHWM from /proc, read until the process exits), when asked for. */
  peakRssKb?: number;
}

/** Options for one process. */
export interface CliOptions {
  /** Killed (SIGKILL) after this long. Default 20 s. */
  timeoutMs?: number;
  /** Added to the hermetic environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Sample the child's peak resident memory (Linux /proc). */
  sampleMemory?: boolean;
  /** Run under this umask (e.g. 0o000), through /bin/sh. */
  umask?: number;
}

let emptyHome: string | undefined;

/** PATH, an empty HOME and NO_COLOR, plus `extra`: all a spawned CLI sees of the environment. */
export function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  emptyHome ??= mkdtempSync(join(tmpdir(), "saprobe-home-"));
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: emptyHome, NO_COLOR: "1", ...extra };
}

/** Runs `node bin/saprobe.js ...args`. Fails fast when the CLI has not been built (`npm run build`). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests");
  const started = Date.now();
  const [command, argv] =
    options.umask === undefined
      ? [process.execPath, [BIN, ...args]]
      : ["/bin/sh", ["-c", `umask ${options.umask.toString(8).padStart(3, "0")} && exec "$0" "$@"`, process.execPath, BIN, ...args]];
  const child = spawn(command, argv, { cwd: options.cwd ?? REPO, env: hermeticEnv(options.env ?? {}), stdio: ["ignore", "pipe", "pipe"] });
  const collect = (stream: NodeJS.ReadableStream): (() => string) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) chunks.push(chunk);
    });
    return () => Buffer.concat(chunks).toString("utf8");
  };
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let peakRssKb: number | undefined;
  // VmHWM is the high-water mark, so the last reading before exit is the peak up to that moment.
  const sampler = options.sampleMemory
    ? setInterval(() => {
        const match = /VmHWM:\s+(\d+) kB/.exec(readStatus(child.pid));
        if (match) peakRssKb = Math.max(peakRssKb ?? 0, Number(match[1]));
      }, 20)
    : undefined;
  return new Promise((resolvePromise) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearInterval(sampler);
      resolvePromise({ code, stdout: stdout(), stderr: stderr(), durationMs: Date.now() - started, timedOut, peakRssKb });
    });
  });
}

function readStatus(pid: number | undefined): string {
  try {
    return pid === undefined ? "" : readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return "";
  }
}

/** Lines that look like a JavaScript stack frame (`    at fn (file:1:2)`). */
export function stackFrames(text: string): string[] {
  return text.split("\n").filter((line) => /^\s+at\s+\S/.test(line));
}
