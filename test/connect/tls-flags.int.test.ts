import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import { connectionFlags, resolveInputFromArgs } from "../../src/cli/connection-flags.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { createKubeClient } from "../../src/kube/client.js";
import { testCluster } from "../support/cluster.js";
import { kubectl } from "./kubectl-oracle.js";

const cluster = testCluster();
const WRONG_CA = "/etc/ssl/certs/ca-certificates.crt";

/** Cluster entries that differ only in their TLS settings. */
const clusterVariants: Record<string, Record<string, unknown>> = {
  "ca-file": { "certificate-authority": cluster.caFile },
  "ca-data": { "certificate-authority-data": Buffer.from(readFileSync(cluster.caFile)).toString("base64") },
  "ca-and-wrong-server-name": { "certificate-authority": cluster.caFile, "tls-server-name": "wrong.example" },
  "ca-and-right-server-name": { "certificate-authority": cluster.caFile, "tls-server-name": "localhost" },
  "insecure-and-ca": { "certificate-authority": cluster.caFile, "insecure-skip-tls-verify": true },
  insecure: { "insecure-skip-tls-verify": true },
  "system-roots": {},
  "wrong-ca": { "certificate-authority": WRONG_CA },
};

const flagVariants: Record<string, string[]> = {
  none: [],
  server: ["--server", cluster.server],
  insecure: ["--insecure-skip-tls-verify"],
  "right-ca": ["--certificate-authority", cluster.caFile],
  "wrong-ca": ["--certificate-authority", WRONG_CA],
  "wrong-server-name": ["--tls-server-name", "wrong.example"],
  "server-and-right-name": ["--server", cluster.server, "--tls-server-name", "localhost"],
  "insecure-and-right-ca": ["--insecure-skip-tls-verify", "--certificate-authority", cluster.caFile],
};

function kubeconfigFor(tls: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-tls-"));
  const file = join(dir, "config");
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: cluster.server, ...tls } }],
      users: [{ name: "u", user: { token: cluster.adminToken } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    }),
  );
  return file;
}

async function saprobeReaches(kubeconfig: string, flags: string[]): Promise<string> {
  let connection;
  try {
    connection = await resolveConnection(
      resolveInputFromArgs(parseArgs(["--kubeconfig", kubeconfig, ...flags], connectionFlags, "tls"), { env: {}, cwd: "/" }),
    );
  } catch (error) {
    return `config error: ${(error as Error).message}`;
  }
  const client = createKubeClient(connection);
  try {
    const outcome = await client.request({ path: "/version" });
    return outcome.ok ? `status ${outcome.response.status}` : `failure ${outcome.failure.code} ${outcome.failure.tlsCode ?? ""}`;
  } finally {
    await client.close();
  }
}

const outcomes = { connected: 0, refused: 0 };

describe("TLS settings and flags agree with the real kubectl against the real API server", () => {
  for (const [clusterName, tls] of Object.entries(clusterVariants)) {
    it(`cluster ${clusterName} with every flag combination`, async () => {
      const kubeconfig = kubeconfigFor(tls);
      const disagreements: string[] = [];
      for (const [flagName, flags] of Object.entries(flagVariants)) {
        const reference = await kubectl(["--kubeconfig", kubeconfig, ...flags, "get", "--raw", "/version", "--request-timeout=10s"], {
          cwd: "/",
          env: { HOME: tmpdir() },
        });
        const ours = await saprobeReaches(kubeconfig, flags);
        outcomes[reference.code === 0 ? "connected" : "refused"]++;
        if ((reference.code === 0) !== (ours === "status 200")) {
          disagreements.push(
            `${flagName}: kubectl ${reference.code === 0 ? "connected" : `failed (${reference.stderr.trim().split("\n").pop()})`}, saprobe ${ours}`,
          );
        }
      }
      expect(disagreements).toEqual([]);
    });
  }

  it("saw kubectl both connect and refuse", () => {
    expect(outcomes.connected).toBeGreaterThanOrEqual(20);
    expect(outcomes.refused).toBeGreaterThanOrEqual(20);
  });
});
