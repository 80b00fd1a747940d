import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { readReport } from "../hardening/report-check.js";
import { runSaprobe } from "./support.js";

/* `audit --manifests`, `can-i -f` and `who-can -f` on what pipelines give them (fixtures/pipelines/). */

const PIPELINES = join(import.meta.dirname, "..", "..", "fixtures", "pipelines");

function json(run: { stdout: string }): Report {
  return JSON.parse(run.stdout) as Report;
}

function found(report: Report): string[] {
  return report.findings.map(
    (finding) => `${finding.rule} ${finding.severity} ${finding.subject?.namespace ?? ""}/${finding.subject?.name ?? ""} in ${finding.scope}`,
  );
}

describe("saprobe audit --manifests on pipeline input", () => {
  it("audits the rendered objects of a chart folder, says what it skipped, and passes", async () => {
    const run = await runSaprobe(["audit", "--manifests", "chart-beside-rendered", "-o", "json"], { cwd: PIPELINES });
    expect(run.code).toBe(0);
    const report = json(run);
    expect(found(report)).toEqual(["secrets-read medium monitoring/reporter in monitoring"]);
    expect(report.input?.skipped.map((skip) => skip.file)).toHaveLength(5);
    expect(report.warnings.filter((warning) => warning.includes("skipped: a Helm chart's source"))).toHaveLength(5);
    expect(report.summary.outcome).toBe("passed");
  });

  it("reports every good object, names the broken document, writes the report and exits 2", async () => {
    const out = mkdtempSync(join(tmpdir(), "saprobe-pipeline-"));
    const run = await runSaprobe(["audit", "--manifests", "one-broken-file", "-o", "table", "--out", out], {
      cwd: PIPELINES,
      env: { HOME: "/nonexistent", COLUMNS: "200" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("saprobe: one-broken-file/b-broken.yaml:24:3: YAML syntax: bad indentation of a sequence entry\n");
    expect(run.stdout).toContain("Refused input (not audited):\n- one-broken-file/b-broken.yaml:24:3: YAML syntax: bad indentation of a sequence entry");
    expect(run.stdout).toContain("Outcome: INPUT-REFUSED");
    const written = readReport(out);
    expect(written.problems).toEqual([]);
    // A subject that holds cluster-admin gets that one finding, not also the rules it covers.
    expect(found(written.report as Report)).toEqual(["cluster-admin-binding critical ci/deployer in cluster"]);
    expect(written.report?.summary.outcome).toBe("input-refused");
  });

  it("exits 2 with a clear error for input without any Kubernetes object (a failed helm template piped in)", async () => {
    const run = await runSaprobe(["audit", "--manifests", "-", "-o", "json"], { stdin: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^saprobe: -: no Kubernetes object in standard input: nothing to audit/);
    expect(json(run).summary.outcome).toBe("input-refused");
  });

  it("audits rbac v1beta1 with a warning, and merge keys as kubectl reads them", async () => {
    const old = await runSaprobe(["audit", "--manifests", "old-chart-v1beta1", "-o", "json"], { cwd: PIPELINES });
    expect(old.code).toBe(1);
    expect(found(json(old))).toEqual(["cluster-admin-binding critical kube-system/tiller in cluster"]);
    expect(json(old).warnings.filter((warning) => warning.includes("current servers refuse it"))).toHaveLength(2);
    const merged = await runSaprobe(["audit", "--manifests", "merge-keys", "-o", "json"], { cwd: PIPELINES });
    // Every Secret, kube-system's among them: a legacy token of a controller every cluster binds is a path (high: not seen offline).
    expect(found(json(merged))).toEqual(["secrets-read high shop/shop in cluster", "cluster-admin-path high shop/shop in kube-system"]);
  });

  it("places objects without a namespace where kubectl apply -n would, and says so", async () => {
    const placed = json(await runSaprobe(["audit", "--manifests", "no-namespace", "-n", "team", "-o", "json"], { cwd: PIPELINES }));
    expect(found(placed)).toEqual(["secrets-read medium team/builder in team"]);
    expect(placed.input?.defaultNamespace).toEqual({ namespace: "team", source: "flag", objects: 3 });
    expect(placed.target.namespace).toBe("team");
    expect(placed.target.explain).toContain("3 namespaced objects without metadata.namespace placed in namespace team (from -n), as kubectl apply would");
    const unplaced = json(await runSaprobe(["audit", "--manifests", "no-namespace", "-o", "json"], { cwd: PIPELINES }));
    expect(found(unplaced)).toEqual(["secrets-read medium default/builder in default"]);
    expect(unplaced.warnings).toContain(
      "3 namespaced objects without metadata.namespace placed in namespace default (no -n given, so kubectl's default), as kubectl apply would; give -n NAMESPACE to audit them where they will be applied",
    );
  });

  it("audits the last of two objects with the same name once, warning with both places", async () => {
    const report = json(await runSaprobe(["audit", "--manifests", "duplicates/a-first.yaml", "duplicates", "-o", "json"], { cwd: PIPELINES }));
    expect(found(report)).toEqual(["secrets-read medium shop/app in shop"]);
    expect(report.warnings).toContain("duplicates/a-first.yaml is given more than once: read once");
    expect(report.warnings).toContain(
      "Role shop/app is given twice, at duplicates/a-first.yaml:1 and at duplicates/b-second.yaml:2: the last one is audited, as kubectl apply would leave it",
    );
  });
});

describe("saprobe can-i / who-can -f place objects as kubectl apply -n would", () => {
  it("answers in -n for objects that name no namespace", async () => {
    const user = ["--as", "system:serviceaccount:team:builder"];
    const yes = await runSaprobe(["can-i", "get", "secrets", "-n", "team", ...user, "-f", "no-namespace"], { cwd: PIPELINES });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/^yes\n/);
    expect(yes.stderr).toContain("placed in namespace team (from -n)");
    // Without -n the objects land in default, and so does the question: team's account is granted nothing there.
    const no = await runSaprobe(["can-i", "get", "secrets", ...user, "-f", "no-namespace"], { cwd: PIPELINES });
    expect(no.code).toBe(1);
    const who = await runSaprobe(["who-can", "list", "secrets", "-n", "team", "-f", "no-namespace"], { cwd: PIPELINES });
    expect(who.stdout).toContain("ServiceAccount team/builder");
  });

  it("refuses a broken document (an answer without it could be wrong), naming file and line", async () => {
    const run = await runSaprobe(["can-i", "get", "secrets", "-n", "ci", "--as", "system:serviceaccount:ci:deployer", "-f", "one-broken-file"], {
      cwd: PIPELINES,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("one-broken-file/b-broken.yaml:24:3");
  });
});
