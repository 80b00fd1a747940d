import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/manifests/index.js";
import type { Report } from "../../src/model/report.js";
import { runSaprobe } from "../audit/support.js";
import { kubectl, testCluster, uniqueNamespace } from "../support/cluster.js";

// What kubectl and the real apiserver do with pipeline input (fixtures/pipelines/), and saprobe
// offline agreeing with them: where unnamespaced objects land, merge keys, v1beta1, the same object
// twice, empty input; and the live audit table on the real control plane.

const PIPELINES = join(import.meta.dirname, "..", "..", "fixtures", "pipelines");

function fixture(path: string, namespace: string, placeholder: string): string {
  return readFileSync(join(PIPELINES, path), "utf8").replaceAll(`namespace: ${placeholder}`, `namespace: ${namespace}`);
}

describe("pipeline input against the real apiserver", () => {
  it("kubectl apply -n places unnamespaced objects, and a namespace-less ServiceAccount subject is the RoleBinding's: saprobe can-i -n agrees", async () => {
    const ns = await uniqueNamespace("pipe-ns");
    expect((await kubectl(["apply", "-n", ns, "-f", join(PIPELINES, "no-namespace")])).code).toBe(0);
    // The apiserver stores the subject as written (no namespace) and authorizes it in the binding's namespace.
    expect(JSON.parse((await kubectl(["get", "rolebinding", "builder", "-n", ns, "-o", "json"])).stdout).subjects).toEqual([
      { kind: "ServiceAccount", name: "builder" },
    ]);
    const account = `system:serviceaccount:${ns}:builder`;
    const server = await kubectl(["auth", "can-i", "list", "secrets", "-n", ns, "--as", account]);
    const offline = await runSaprobe(["can-i", "list", "secrets", "-n", ns, "--as", account, "-f", "no-namespace"], { cwd: PIPELINES });
    expect([server.stdout.trim(), offline.stdout.split("\n")[0]]).toEqual(["yes", "yes"]);
    const elsewhere = await kubectl(["auth", "can-i", "list", "secrets", "-n", "default", "--as", account]);
    const offlineElsewhere = await runSaprobe(["can-i", "list", "secrets", "-n", "default", "--as", account, "-f", "no-namespace"], { cwd: PIPELINES });
    expect([elsewhere.stdout.trim(), offlineElsewhere.stdout.split("\n")[0]]).toEqual(["no", "no"]);
  });

  it("the server accepts YAML merge keys and stores the rules saprobe reads", async () => {
    const applied = await kubectl(["apply", "--dry-run=server", "-o", "json", "-f", join(PIPELINES, "merge-keys", "rbac.yaml")]);
    expect(applied.code).toBe(0);
    const stored = (JSON.parse(applied.stdout) as { items: { kind: string; rules?: unknown }[] }).items.find((item) => item.kind === "ClusterRole");
    const loaded = await loadManifests(["merge-keys"], { cwd: PIPELINES });
    expect(loaded.snapshot.clusterRoles[0]?.rules).toEqual(stored?.rules);
  });

  it("the server refuses rbac v1beta1, as saprobe's warning says", async () => {
    const applied = await kubectl(["apply", "--dry-run=server", "-f", join(PIPELINES, "old-chart-v1beta1")]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('no matches for kind "ClusterRoleBinding" in version "rbac.authorization.k8s.io/v1beta1"');
  });

  it("the same Role twice: kubectl apply leaves the last, the one saprobe audits", async () => {
    const ns = await uniqueNamespace("pipe-dup");
    const text = `${fixture("duplicates/a-first.yaml", ns, "shop")}---\n${fixture("duplicates/b-second.yaml", ns, "shop")}`;
    expect((await kubectl(["apply", "-f", "-"], { input: text })).code).toBe(0);
    const stored = JSON.parse((await kubectl(["get", "role", "app", "-n", ns, "-o", "json"])).stdout) as { rules: unknown };
    const loaded = await loadManifests(["duplicates"], { cwd: PIPELINES });
    expect(loaded.snapshot.roles[0]?.rules).toEqual(stored.rules);
  });

  it("kubectl apply refuses empty input, as saprobe does", async () => {
    const applied = await kubectl(["apply", "-f", "-"], { input: "" });
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain("no objects passed to apply");
    expect((await runSaprobe(["audit", "--manifests", "-", "-o", "json"], { stdin: "" })).code).toBe(2);
  });

  it("kubectl apply -f on a chart folder applies the rendered objects and fails on the chart's files, which saprobe skips", async () => {
    const applied = await kubectl(["apply", "--dry-run=server", "-R", "-f", join(PIPELINES, "chart-beside-rendered")]);
    expect(applied.code).not.toBe(0);
    for (const file of ["Chart.yaml", "values.yaml", "templates/rbac.yaml"]) expect(applied.stderr).toContain(`chart-beside-rendered/chart/${file}`);
    const audit = JSON.parse((await runSaprobe(["audit", "--manifests", "chart-beside-rendered", "-o", "json"], { cwd: PIPELINES })).stdout) as Report;
    expect(audit.input?.skipped.map((skip) => skip.file.split("/").pop())).toEqual([
      "Chart.yaml",
      "rbac.yaml",
      "serviceaccount.yaml",
      "values-prod.yaml",
      "values.yaml",
    ]);
  });
});

describe("saprobe audit (live) table", () => {
  it("folds the cluster's defaults into one count; the first row and the summary agree", async () => {
    const kubeconfig = ["--kubeconfig", testCluster().adminKubeconfig];
    const json = JSON.parse((await runSaprobe(["audit", ...kubeconfig, "-o", "json", "--no-confirm"])).stdout) as Report;
    expect(json.summary.expected).toBeGreaterThan(40);
    const table = (await runSaprobe(["audit", ...kubeconfig, "-o", "table", "--no-confirm"], { env: { HOME: "/nonexistent", COLUMNS: "200" } })).stdout;
    expect(table).not.toMatch(/│ expected /);
    expect(table).toContain(`${json.summary.expected} expected defaults (bindings every cluster ships, such as system:masters) are not listed`);
    // Other tests may leave findings in this shared cluster: whatever they are, the rows the summary counts come first.
    const counted = json.summary.unknown + Object.values(json.summary.findings).reduce((sum, count) => sum + count, 0);
    expect(json.findings.slice(0, counted).filter((finding) => finding.status === "expected" || finding.suppressed)).toEqual([]);
    expect(json.findings.slice(counted).filter((finding) => finding.status !== "expected" && !finding.suppressed)).toEqual([]);
    const full = (
      await runSaprobe(["audit", ...kubeconfig, "-o", "table", "--no-confirm", "--show-expected"], { env: { HOME: "/nonexistent", COLUMNS: "200" } })
    ).stdout;
    expect(full).toMatch(/│ expected /);
  });
});
