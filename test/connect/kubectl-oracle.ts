import { execFile } from "node:child_process";

/** One run of the real kubectl. */
export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl with exactly this environment (no inherited KUBECONFIG or HOME). */
export function kubectl(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    const child = execFile("kubectl", args, { cwd: options.cwd, env, timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    // kubectl prompts for a username when it finds no credentials; an empty stdin ends that prompt.
    child.stdin?.end();
  });
}

/**
 * What kubectl did with a configuration: sent a request (read from the first `curl` line it logs at
 * -v=9), prompted for a username (the configuration was accepted but has no credentials), or
 * refused the configuration before any request.
 */
export type Observation = { kind: "request"; request: ObservedRequest } | { kind: "prompted" } | { kind: "refused"; message: string };

/** A request kubectl logged. */
export interface ObservedRequest {
  /** The server URL (the request URL without `/api?timeout=...`). */
  server: string;
  impersonateUser?: string;
  bearer: boolean;
}

/**
 * Makes kubectl build its full client config (client-go's DirectClientConfig, overrides included)
 * and try one request to a refused port; returns the request it logged, or undefined when the
 * configuration was refused before any request.
 */
export async function observeRequest(flags: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<Observation> {
  const run = await kubectl(["auth", "can-i", "get", "configmaps", "-v=9", "--request-timeout=5s", ...flags], options);
  const line = run.stderr.split("\n").find((candidate) => candidate.includes("] curl -v"));
  if (!line) {
    if (`${run.stdout}${run.stderr}`.includes("Please enter Username")) return { kind: "prompted" };
    return { kind: "refused", message: run.stderr.trim().split("\n").pop() ?? "" };
  }
  const url = /'([^']+)'\s*$/.exec(line)?.[1] ?? "";
  return {
    kind: "request",
    request: {
      server: url.replace(/\/api\?timeout=.*$/, ""),
      impersonateUser: /-H "Impersonate-User: ([^"]+)"/.exec(line)?.[1],
      bearer: line.includes('-H "Authorization: Bearer <masked>"'),
    },
  };
}
