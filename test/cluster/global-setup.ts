import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Vitest global setup for the integration project: starts the real control plane once (building it on
 * first use) with a node (`up --with-node`, unless SAPROBE_CLUSTER_NODE=0), and stops it afterwards
 * only if this run started it, so a developer's running cluster (or the one .ci/run started) is left
 * alone. When only the node cannot start, `up` has written why to .cluster/node-error.txt: the control
 * plane's tests run and the node's tests skip with that reason.
 */
export default function setup(): () => void {
  const clusterDir = fileURLToPath(new URL("../../.cluster/", import.meta.url));
  const dir = process.env.SAPROBE_CLUSTER_DIR;
  const wasRunning = dir === undefined && existsSync(`${clusterDir}env.json`);
  const withNode = process.env.SAPROBE_CLUSTER_NODE !== "0";
  try {
    execFileSync(`${here}/up`, withNode ? ["--with-node"] : [], { stdio: ["ignore", "inherit", "inherit"] });
  } catch (error) {
    const nodeFailed = withNode && existsSync(`${dir ?? clusterDir}/node-error.txt`) && existsSync(`${dir ?? clusterDir}/env.json`);
    if (!nodeFailed) throw error;
  }
  return () => {
    if (!wasRunning && process.env.SAPROBE_KEEP_CLUSTER !== "1") {
      execFileSync(`${here}/down`, { stdio: ["ignore", "inherit", "inherit"] });
    }
  };
}
