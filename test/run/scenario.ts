import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";
import { readReport } from "../hardening/report-check.js";
import { applyObjects, createServiceAccount, mintToken } from "../support/cluster.js";

/** Grants a ServiceAccount list and watch on nodes and pods in every namespace. */
export async function grantListWatch(namespace: string, serviceAccount: string): Promise<void> {
  const name = `saprobe-run-${namespace}-${serviceAccount}`;
  await applyObjects([
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name },
      rules: [{ apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
    },
  ]);
}

/** Creates a ServiceAccount and mints a token for it. */
export async function serviceAccountWithToken(namespace: string, name: string): Promise<string> {
  await createServiceAccount(namespace, name);
  return mintToken(namespace, name, { expirationSeconds: 3600 });
}

/**
 * Runs `saprobe run` in-process with `--out DIR`, and reads back the report.json it wrote, which
 * must match reports/report.schema.json.
 */
export async function saprobeRun(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string; report: Report }> {
  const out = mkdtempSync(join(tmpdir(), "saprobe-report-"));
  const result = await runCli(["run", "--out", out, "-o", "json", ...argv], { env: { PATH: process.env.PATH, ...env }, cwd: process.cwd() });
  const { report, problems } = readReport(out);
  if (!report || problems.length > 0) throw new Error(`saprobe run (exit ${result.code}) wrote no valid report.json: ${problems.join("; ")} ${result.stderr}`);
  return { ...result, report };
}

/** The status of every result by id. */
export function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.results.map((result) => [result.id, result.status]));
}

/** Starts the real `kubectl proxy --port=0` with a kubeconfig; resolves with its URL. */
export function startKubectlProxy(kubeconfig: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn("kubectl", ["proxy", "--port=0", "--kubeconfig", kubeconfig], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error("kubectl proxy did not start within 10s"));
    }, 10_000);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Starting to serve on ([\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: `http://${match[1]}`, process: child });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl proxy exited (${code}): ${output}`));
    });
  });
}
