import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Vitest global setup for the integration project: starts the real control plane once (building it on
 * first use), and stops it afterwards only if this run started it, so a developer's running cluster
 * (or the one .ci/run started) is left alone.
 */
export default function setup(): () => void {
  const envFile = fileURLToPath(new URL("../../.cluster/env.json", import.meta.url));
  const dir = process.env.SAPROBE_CLUSTER_DIR;
  const wasRunning = dir === undefined && existsSync(envFile);
  execFileSync(`${here}/up`, { stdio: ["ignore", "inherit", "inherit"] });
  return () => {
    if (!wasRunning && process.env.SAPROBE_KEEP_CLUSTER !== "1") {
      execFileSync(`${here}/down`, { stdio: ["ignore", "inherit", "inherit"] });
    }
  };
}
