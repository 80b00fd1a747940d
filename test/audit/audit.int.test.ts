import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../src/model/report.js";
import {
  adminRequest,
  applyObjects,
  createServiceAccount,
  kubectl,
  mintToken,
  signClientCertificate,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readReport } from "../hardening/report-check.js";
import { runSaprobe } from "./support.js";

// Live audits against the real kube-apiserver: objects applied with real kubectl, findings checked
// against what was applied, and every confirmation comes from the server's own SubjectAccessReview.

function adminArgs(): string[] {
  return ["--kubeconfig", testCluster().adminKubeconfig];
}

function findingsFor(report: Report, namespace: string): Finding[] {
  return report.findings.filter(
    (finding) => finding.subject?.namespace === namespace || finding.scope === namespace || finding.binding?.name.includes(namespace),
  );
}

function crb(name: string, role: string, subject: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [subject],
  };
}

function clusterRole(name: string, rules: unknown[]): Record<string, unknown> {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules };
}

describe("saprobe audit (live)", () => {
  it("finds cluster-admin and escalation paths in the live cluster, each confirmed by a SubjectAccessReview", async () => {
    const ns = await uniqueNamespace("audit-live");
    await createServiceAccount(ns, "dashboard");
    await createServiceAccount(ns, "runner");
    await createServiceAccount(ns, "idle");
    await applyObjects([
      crb(`${ns}-dashboard`, "cluster-admin", { kind: "ServiceAccount", name: "dashboard", namespace: ns }),
      clusterRole(`${ns}-runner`, [
        { apiGroups: [""], resources: ["pods"], verbs: ["create", "get"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
      ]),
      crb(`${ns}-runner`, `${ns}-runner`, { kind: "ServiceAccount", name: "runner", namespace: ns }),
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "idle-view", namespace: ns },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "ServiceAccount", name: "idle", namespace: ns }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "ghost", namespace: ns },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ghost" },
        subjects: [{ kind: "ServiceAccount", name: "runner", namespace: ns }],
      },
    ]);
    // A pod that runs as "runner" (it never starts: there is no scheduler), so only "idle" and "dashboard" are unused.
    await adminRequest("POST", `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "build", namespace: ns },
      spec: { serviceAccountName: "runner", automountServiceAccountToken: false, containers: [{ name: "c", image: "busybox" }] },
    });

    const out = mkdtempSync(join(tmpdir(), "saprobe-audit-live-"));
    const run = await runSaprobe(["audit", ...adminArgs(), "-o", "json", "--fail-on", "critical", "--out", out]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as Report;
    expect(readReport(out).problems).toEqual([]);
    expect(run.code).toBe(1);
    // The controllers' own paths through this namespace (kube-controller-manager runs) are defaults: expected.
    const ours = findingsFor(report, ns).filter((finding) => finding.status !== "expected");
    const key = (finding: Finding): string => `${finding.rule} ${finding.subject?.name ?? finding.binding?.name} ${finding.severity} ${finding.status}`;
    expect(ours.map(key).sort()).toEqual(
      [
        "binding-missing-role ghost low finding",
        "cluster-admin-binding dashboard critical finding",
        // runner may create pods where a cluster-admin ServiceAccount lives (test/audit/paths/ has the details).
        "cluster-admin-path runner critical finding",
        "pods-exec runner high finding",
        // view includes pods/log.
        "pods-log-read idle low finding",
        "secrets-read runner high finding",
        "unused-serviceaccount dashboard low finding",
        "unused-serviceaccount idle low finding",
        "workload-create runner high finding",
      ].sort(),
    );
    for (const finding of ours.filter((candidate) => ["cluster-admin-binding", "pods-exec", "secrets-read", "workload-create"].includes(candidate.rule))) {
      expect(finding.confirmation, finding.rule).toMatchObject({ agreed: true });
      expect(finding.confirmation?.detail).toMatch(/RBAC: allowed by ClusterRoleBinding/);
    }
    // The admin identity may read everything: no UNKNOWN verdicts, no preflight complaints.
    expect(report.findings.filter((finding) => finding.status === "unknown")).toEqual([]);
    expect(report.warnings.filter((warning) => warning.startsWith("preflight"))).toEqual([]);
    // The bootstrap policy of the live server is expected, not a problem.
    const masters = report.findings.find((finding) => finding.rule === "cluster-admin-binding" && finding.subject?.name === "system:masters");
    expect(masters?.status).toBe("expected");
  });

  it("gives UNKNOWN, not a pass, when the identity cannot list rolebindings, and names the missing permission", async () => {
    const ns = await uniqueNamespace("audit-blind");
    await createServiceAccount(ns, "auditor");
    await applyObjects([
      clusterRole(`${ns}-partial-reader`, [
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "clusterroles", "clusterrolebindings"], verbs: ["list"] },
      ]),
      crb(`${ns}-auditor`, `${ns}-partial-reader`, { kind: "ServiceAccount", name: "auditor", namespace: ns }),
    ]);
    const token = await mintToken(ns, "auditor");
    const kubeconfig = writeKubeconfig({ token }, { namespace: ns });
    const run = await runSaprobe(["audit", "--kubeconfig", kubeconfig, "-o", "json", "--no-confirm"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.stdout).not.toContain(token);
    expect(run.code).toBe(1);
    expect(report.summary.outcome).toBe("failed");
    const unknown = report.findings.filter((finding) => finding.status === "unknown");
    expect(unknown.map((finding) => finding.rule)).toContain("cluster-admin-binding");
    const admin = unknown.find((finding) => finding.rule === "cluster-admin-binding");
    expect(admin?.message).toContain("list rolebindings.rbac.authorization.k8s.io -A");
    expect(admin?.message).not.toContain("list clusterrolebindings");
    expect(report.warnings).toContain(
      "preflight: the running identity may not list rolebindings.rbac.authorization.k8s.io -A; the audit rules that need it report UNKNOWN",
    );
    // wildcard-in-rules only needs roles and clusterroles, which it could read: a real verdict, not UNKNOWN.
    expect(unknown.map((finding) => finding.rule)).not.toContain("wildcard-in-rules");
  });

  it("detects an approved CertificateSigningRequest for O=system:masters and a kubeconfig certificate in it", async () => {
    const name = `audit-masters-${Date.now().toString(36)}`;
    const { execFileSync } = await import("node:child_process");
    const { readFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "saprobe-csr-"));
    execFileSync(
      "openssl",
      ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "k"), "-out", join(dir, "r"), "-subj", `/O=system:masters/CN=${name}`],
      { stdio: "ignore" },
    );
    // The API server refuses O=system:masters for its own kube-apiserver-client signer (a CSR admission
    // check); a request to another signer is accepted and approvable, and is exactly what to look for.
    await applyObjects([
      {
        apiVersion: "certificates.k8s.io/v1",
        kind: "CertificateSigningRequest",
        metadata: { name },
        spec: { request: readFileSync(join(dir, "r")).toString("base64"), signerName: "example.com/internal-ca", usages: ["client auth"] },
      },
    ]);
    const approved = await kubectl(["certificate", "approve", name]);
    expect(approved.code, approved.stderr).toBe(0);
    const certificate = signClientCertificate(`${name}-cert`, ["system:masters"]);
    const kubeconfig = writeKubeconfig({ "client-certificate": certificate.certFile, "client-key": certificate.keyFile });

    const run = await runSaprobe(["audit", ...adminArgs(), "-o", "json", "--no-confirm", "--kubeconfig-scan", kubeconfig]);
    const report = JSON.parse(run.stdout) as Report;
    const masters = report.findings.filter((finding) => finding.rule === "system-masters-member" && finding.subject?.name.startsWith(name));
    expect(masters.map((finding) => [finding.subject?.name, finding.binding?.kind ?? "kubeconfig", finding.severity]).sort()).toEqual([
      [name, "CertificateSigningRequest", "critical"],
      [`${name}-cert`, "kubeconfig", "critical"],
    ]);
    // The kubeconfig's certificate really is all-powerful: the server agrees (an oracle, not saprobe).
    const whoami = await kubectl(["auth", "can-i", "*", "*"], { kubeconfig });
    expect(whoami.stdout.trim()).toBe("yes");
  });
});

describe("saprobe audit as the deploy/ ServiceAccount", () => {
  it("can read everything the audit needs with the least-privilege ClusterRoles: no UNKNOWN verdict", async () => {
    const { readFileSync } = await import("node:fs");
    const { loadAll } = await import("js-yaml");
    const ns = await uniqueNamespace("audit-deploy");
    await createServiceAccount(ns, "saprobe");
    // The same ClusterRoles as deploy/rbac.yaml, renamed so parallel tests do not share them.
    const objects = loadAll(readFileSync(join(import.meta.dirname, "../../deploy/rbac.yaml"), "utf8")) as Record<string, any>[];
    const renamed = objects.map((object) => {
      const copy = structuredClone(object);
      copy.metadata.name = `${ns}-${copy.metadata.name}`;
      if (copy.roleRef) copy.roleRef.name = `${ns}-${copy.roleRef.name}`;
      if (copy.subjects) copy.subjects = copy.subjects.map((subject: Record<string, string>) => ({ ...subject, namespace: ns }));
      return copy;
    });
    await applyObjects(renamed);
    const token = await mintToken(ns, "saprobe");
    const kubeconfig = writeKubeconfig({ token }, { namespace: ns });
    const run = await runSaprobe(["audit", "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "critical"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((finding) => finding.status === "unknown").map((finding) => finding.message)).toEqual([]);
    expect(report.warnings.filter((warning) => warning.startsWith("preflight"))).toEqual([]);
    // Its own grants are visible to it, and the cross-check ran as that identity.
    const confirmed = report.findings.filter((finding) => finding.confirmation !== undefined);
    expect(confirmed.length).toBeGreaterThan(0);
  });
});

describe("saprobe audit --confirm-deadline", () => {
  it("leaves the findings it had no time to ask about unconfirmed, and every format says why", async () => {
    const ns = await uniqueNamespace("audit-deadline");
    await createServiceAccount(ns, "admin");
    await applyObjects([crb(`${ns}-admin`, "cluster-admin", { kind: "ServiceAccount", name: "admin", namespace: ns })]);
    const out = mkdtempSync(join(tmpdir(), "saprobe-audit-deadline-"));
    const run = await runSaprobe(["audit", ...adminArgs(), "-o", "html", "--fail-on", "critical", "--confirm-deadline", "1ms", "--out", out]);
    expect(readReport(out).problems).toEqual([]);
    const report = readReport(out).report as Report;
    const mine = report.findings.find(
      (finding) => finding.rule === "cluster-admin-binding" && finding.subject?.name === "admin" && finding.subject.namespace === ns,
    );
    expect(mine?.confirmation).toBeUndefined();
    expect(mine?.unconfirmed?.reason).toMatch(/^the cross-check's deadline \(1ms\) passed before this SubjectAccessReview was answered$/);
    expect(report.warnings.join("\n")).toMatch(/cross-check stopped at its deadline \(1ms\)/);
    // HTML escapes the apostrophe; JUnit, SARIF and Markdown keep it (each file of --out, and stdout).
    expect(run.stdout).toContain("Not confirmed by the server: the cross-check&#39;s deadline (1ms) passed");
    for (const file of ["report.xml", "report.sarif", "report.md"])
      expect(readFileSync(join(out, file), "utf8"), file).toContain("the cross-check's deadline (1ms) passed");
  });
});

describe("saprobe audit with rejected credentials", () => {
  it("could not run (exit 3) and says why, instead of an empty, passing audit", async () => {
    const kubeconfig = writeKubeconfig({ token: "not-a-valid-token-saprobe-audit" });
    const run = await runSaprobe(["audit", "--kubeconfig", kubeconfig, "-o", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(3);
    expect(report.summary.outcome).toBe("could-not-run");
    expect(report.errors[0]?.code).toBe("unauthorized");
    expect(run.stdout + run.stderr).not.toContain("not-a-valid-token-saprobe-audit");
  });
});

describe("saprobe audit over insecure-skip-tls-verify", () => {
  it("reports the unverified connection as a high finding (exit 1 at the default --fail-on), and has none when the CA is verified", async () => {
    const { server, adminToken, caFile } = testCluster();
    const insecure = await runSaprobe(["audit", "--server", server, "--token", adminToken, "--insecure-skip-tls-verify", "-o", "json", "--no-confirm"]);
    const report = JSON.parse(insecure.stdout) as Report;
    const tls = report.findings.filter((finding) => finding.rule === "tls-verification");
    expect(tls).toEqual([
      expect.objectContaining({
        severity: "high",
        status: "finding",
        scope: "cluster",
        message: expect.stringContaining(`insecure-skip-tls-verify is set for ${server}`),
      }),
    ]);
    expect(insecure.code).toBe(1);
    expect(insecure.stdout + insecure.stderr).not.toContain(adminToken);
    const verified = await runSaprobe([
      "audit",
      "--server",
      server,
      "--token",
      adminToken,
      "--certificate-authority",
      caFile,
      "-o",
      "json",
      "--no-confirm",
      "--fail-on",
      "critical",
    ]);
    expect((JSON.parse(verified.stdout) as Report).findings.map((finding) => finding.rule)).not.toContain("tls-verification");
  });
});

describe("live and offline audits agree", () => {
  it("on the real-world fixture sets applied to the cluster", async () => {
    const { readFileSync } = await import("node:fs");
    const { loadAll } = await import("js-yaml");
    const { FIXTURES, readYaml } = await import("./support.js");
    const scenarios = ["ci-runner", "dashboard", "operator", "pod-status-interception", "events-cleaner"];
    const expected: string[] = [];
    for (const scenario of scenarios) {
      const file = join(FIXTURES, "scenarios", scenario, "manifests", `${scenario}.yaml`);
      const objects = (loadAll(readFileSync(file, "utf8")) as Record<string, any>[]).filter(Boolean);
      const namespaces = [...new Set(objects.map((object) => object.metadata.namespace).filter(Boolean))];
      await applyObjects([...namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })), ...objects]);
      const findings = readYaml<{ findings: { rule: string; subject?: string; severity: string }[] }>(
        join(FIXTURES, "scenarios", scenario, "expected.yaml"),
      ).findings;
      // Paths are left out here as below (offline, ci-runner's and operator's go through kube-system's Secrets
      // to a legacy token Secret of a controller: this cluster has none, so live there is no such path).
      expected.push(
        ...findings
          .filter((finding) => finding.subject && finding.rule !== "cluster-admin-path")
          .map((finding) => `${finding.rule} ${finding.subject} ${finding.severity}`),
      );
    }
    const run = await runSaprobe(["audit", ...adminArgs(), "-o", "json", "--fail-on", "critical", "--disable", "unused-serviceaccount"]);
    const report = JSON.parse(run.stdout) as Report;
    const subjects = new Set(expected.map((line) => line.split(" ")[1]));
    // Paths are left out: live, they also run through what other tests put in the cluster.
    const live = report.findings
      .filter((finding) => finding.rule !== "cluster-admin-path")
      .map(
        (finding) =>
          `${finding.rule} ${finding.subject?.kind}:${finding.subject?.namespace ? `${finding.subject.namespace}/` : ""}${finding.subject?.name} ${finding.severity}`,
      )
      .filter((line) => subjects.has(line.split(" ")[1] as string));
    expect(live.sort()).toEqual(expected.sort());
    // Every one of them is confirmed by the server.
    const unconfirmed = report.findings.filter(
      (finding) => subjects.has(`${finding.subject?.kind}:${finding.subject?.namespace}/${finding.subject?.name}`) && finding.confirmation?.agreed !== true,
    );
    expect(unconfirmed.map((finding) => finding.message)).toEqual([]);
  });
});
