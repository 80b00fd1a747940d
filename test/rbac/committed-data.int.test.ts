import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testCluster } from "../support/cluster.js";

// The data saprobe ships was exported from a real kube-apiserver by the scripts under tools/; each
// script can print what it would write (--stdout). These tests re-run them against the test cluster
// and compare, so the data cannot silently drift from the Kubernetes version it claims.

function runTool(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("node", [new URL(script, import.meta.url).pathname, "--stdout"], { env: { ...process.env, KUBECONFIG: testCluster().adminKubeconfig }, timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

const committed = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as Record<string, unknown>;

describe("data exported from kube-apiserver", () => {
  it("the bootstrap policy equals the live server's rbac-defaults objects", async () => {
    const live = JSON.parse(await runTool("./tools/export-bootstrap.mjs")) as Record<string, unknown>;
    expect(live.kubernetesVersion).toBe(testCluster().version);
    expect(live).toEqual(committed("src/rbac/bootstrap-policy.json"));
  });

  it("the manifest schemas equal those derived from the live OpenAPI v3", async () => {
    expect(JSON.parse(await runTool("../manifests/tools/derive-schemas.mjs"))).toEqual(committed("schemas/rbac.schema.json"));
  });

  it("the built-in resource list equals live discovery for the built-in groups", async () => {
    type Listing = { kubernetesVersion: string; resources: { group: string }[] };
    const mine = committed("src/rbac/builtin-resources.json") as unknown as Listing;
    const live = JSON.parse(await runTool("./tools/export-resources.mjs")) as Listing;
    // Other tests may add CRDs; only groups the committed list knows are compared.
    const groups = new Set(mine.resources.map((resource) => resource.group));
    expect(live.resources.filter((resource) => groups.has(resource.group))).toEqual(mine.resources);
    expect(live.kubernetesVersion).toBe(mine.kubernetesVersion);
  });
});
