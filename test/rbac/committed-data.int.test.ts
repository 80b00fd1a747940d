import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aggregateClusterRoles, policyRulesEqual } from "../../src/rbac/aggregate.js";
import type { ClusterRole } from "../../src/rbac/types.js";
import { testCluster } from "../support/cluster.js";
import { liveRbacSnapshot } from "./live-snapshot.js";

// The data saprobe ships was exported from a real kube-apiserver by the scripts in scripts/generate/ (npm run generate); each
// script can print what it would write (--stdout). These tests re-run them against the test cluster
// and compare, so the data cannot silently drift from the Kubernetes version it claims.

function runTool(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "node",
      [new URL(`../../scripts/generate/${script}`, import.meta.url).pathname, "--stdout"],
      { env: { ...process.env, KUBECONFIG: testCluster().adminKubeconfig }, timeout: 60_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script}: ${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const committed = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as Record<string, unknown>;

describe("data exported from kube-apiserver", () => {
  it("the bootstrap policy equals the live server's rbac-defaults objects", async () => {
    const live = JSON.parse(await runTool("export-bootstrap.mjs")) as Record<string, unknown>;
    expect(live.kubernetesVersion).toBe(testCluster().version);
    expect(live).toEqual(committed("src/rbac/bootstrap-policy.json"));
  });

  it("the real clusterrole-aggregation controller gave admin, edit, view and the other aggregated roles the rules saprobe computes", async () => {
    const differing = async () => {
      const live = (await liveRbacSnapshot()).clusterRoles;
      const ours = new Map(
        aggregateClusterRoles(live.map((role) => (role.aggregationRule ? { ...role, rules: [] } : role))).map((role) => [role.metadata.name, role]),
      );
      const aggregated = live.filter((role) => role.aggregationRule && role.metadata.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults");
      expect(aggregated.map((role) => role.metadata.name)).toEqual(expect.arrayContaining(["admin", "edit", "view"]));
      const same = (role: ClusterRole) => {
        const mine = ours.get(role.metadata.name)?.rules ?? [];
        return mine.length === role.rules.length && mine.every((rule, index) => policyRulesEqual(rule, role.rules[index]!));
      };
      return aggregated
        .filter((role) => !same(role))
        .map((role) => ({ name: role.metadata.name, server: role.rules, saprobe: ours.get(role.metadata.name)?.rules }));
    };
    // Other tests add and remove labelled roles concurrently; the controller needs a moment to follow.
    let mismatches = await differing();
    for (let attempt = 0; attempt < 20 && mismatches.length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      mismatches = await differing();
    }
    expect(mismatches).toEqual([]);
  });

  it("the manifest schemas equal those derived from the live OpenAPI v3", async () => {
    expect(JSON.parse(await runTool("derive-schemas.mjs"))).toEqual(committed("schemas/rbac.schema.json"));
  });

  it("the built-in resource list equals live discovery for the built-in groups", async () => {
    type Listing = { kubernetesVersion: string; resources: { group: string }[] };
    const mine = committed("src/rbac/builtin-resources.json") as unknown as Listing;
    const live = JSON.parse(await runTool("export-resources.mjs")) as Listing;
    // Other tests may add CRDs; only groups the committed list knows are compared.
    const groups = new Set(mine.resources.map((resource) => resource.group));
    expect(live.resources.filter((resource) => groups.has(resource.group))).toEqual(mine.resources);
    expect(live.kubernetesVersion).toBe(mine.kubernetesVersion);
  });
});
