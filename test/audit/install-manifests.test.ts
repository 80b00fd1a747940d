import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding, Report, Severity } from "../../src/model/report.js";
import { runSaprobe } from "./support.js";

/*
 * Real projects' published install manifests (fixtures/install-manifests/, each file's header names
 * its repository, path and commit), audited offline as a pipeline would, with reviewed expectations:
 * for each rule and subject (or role, for role-level rules) the most severe finding. Compared as that
 * set, so several bindings giving the same rule to the same subject count once.
 */

const INSTALL = join(import.meta.dirname, "..", "..", "fixtures", "install-manifests");

/** `rule severity who`, who being `Kind namespace/name` of the subject, or of the role for role-level rules. */
function reviewed(findings: readonly Finding[], pending: readonly string[]): string[] {
  const worst = new Map<string, Severity>();
  const order: Severity[] = ["critical", "high", "medium", "low", "info"];
  for (const finding of findings) {
    const who = finding.subject ?? finding.role ?? finding.binding;
    const key = `${finding.rule} ${who?.kind} ${who?.namespace ? `${who.namespace}/` : ""}${who?.name}`;
    if (pending.includes(key)) continue;
    const before = worst.get(key);
    if (!before || order.indexOf(finding.severity) < order.indexOf(before)) worst.set(key, finding.severity);
  }
  return [...worst].map(([key, severity]) => `${severity} ${key}`).sort();
}

async function audit(args: string[]): Promise<{ code: number; report: Report }> {
  const run = await runSaprobe(["audit", "-o", "json", ...args], { cwd: INSTALL });
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

describe("published install manifests, audited offline", () => {
  it("argo-cd manifests/install.yaml with -n argocd: the application controller is cluster-admin, the server's wide delete/get/patch", async () => {
    const { code, report } = await audit(["--manifests", "argo-cd", "-n", "argocd"]);
    expect(code).toBe(1);
    // Its namespaced objects name no namespace: -n places them, and their subjects (no namespace either) with them.
    expect(report.input?.defaultNamespace).toEqual({ namespace: "argocd", source: "flag", objects: 19 });
    expect(report.findings.filter((finding) => finding.subject?.namespace === "default")).toEqual([]);
    // Since Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission) exec and port-forward need create,
    // which argocd-server does not have: no pods-exec or pods-portforward for its get. argocd-server can patch
    // the application controller's StatefulSet: a path to cluster-admin (critical, as issue 14 found).
    expect(reviewed(report.findings, [])).toEqual([
      "critical cluster-admin-binding ServiceAccount argocd/argocd-application-controller",
      "critical cluster-admin-path ServiceAccount argocd/argocd-redis",
      "critical cluster-admin-path ServiceAccount argocd/argocd-server",
      "high admission-webhook-write ServiceAccount argocd/argocd-server",
      "high api-extension-write ServiceAccount argocd/argocd-server",
      "high cluster-admin-path ServiceAccount argocd/argocd-applicationset-controller",
      "high cluster-admin-path ServiceAccount argocd/argocd-dex-server",
      "high cluster-admin-path ServiceAccount argocd/argocd-notifications-controller",
      "high configmap-write-kube-system ServiceAccount argocd/argocd-server",
      "high nodes-proxy ServiceAccount argocd/argocd-server",
      "high pods-ephemeral-containers ServiceAccount argocd/argocd-server",
      "high pods-modify ServiceAccount argocd/argocd-server",
      "high rbac-write ServiceAccount argocd/argocd-server",
      "high secrets-read ServiceAccount argocd/argocd-applicationset-controller",
      "high secrets-read ServiceAccount argocd/argocd-server",
      "high secrets-write ServiceAccount argocd/argocd-server",
      "high traffic-interception ServiceAccount argocd/argocd-server",
      "high workload-create ServiceAccount argocd/argocd-server",
      "low events-delete ServiceAccount argocd/argocd-server",
      "low secrets-read ServiceAccount argocd/argocd-redis",
      "medium destructive-delete ServiceAccount argocd/argocd-server",
      "medium namespace-modify ServiceAccount argocd/argocd-server",
      "medium nodes-patch ServiceAccount argocd/argocd-server",
      "medium pods-log-read ServiceAccount argocd/argocd-server",
      "medium secrets-read ServiceAccount argocd/argocd-dex-server",
      "medium secrets-read ServiceAccount argocd/argocd-notifications-controller",
      "medium secrets-write ServiceAccount argocd/argocd-redis",
      "medium wildcard-in-rules ClusterRole argocd-application-controller",
      "medium wildcard-in-rules ClusterRole argocd-server",
    ]);
  });

  it("metrics-server's kustomize base: kustomization.yaml skipped and named, its RBAC needs only what every cluster ships", async () => {
    const { report } = await audit(["--manifests", "metrics-server"]);
    expect(report.input?.skipped.map((skip) => skip.file)).toEqual(["metrics-server/kustomization.yaml"]);
    expect(report.input?.refused).toEqual([]);
    // extension-apiserver-authentication-reader is a bootstrap Role in kube-system, not a missing one.
    expect(reviewed(report.findings, [])).toEqual([]);
  });

  it("cluster-autoscaler's AWS example: updates nodes (taints, labels)", async () => {
    const { report } = await audit(["--manifests", "cluster-autoscaler"]);
    // No workload-create for `patch jobs`: a Job's pod template is immutable.
    expect(reviewed(report.findings, [])).toEqual([
      "high configmap-write-kube-system ServiceAccount kube-system/cluster-autoscaler",
      "high traffic-interception ServiceAccount kube-system/cluster-autoscaler",
      "medium nodes-patch ServiceAccount kube-system/cluster-autoscaler",
    ]);
  });

  it("flux2 manifests/rbac: cluster-admin for the kustomize and helm controllers, secrets and tokens for every controller", async () => {
    const { code, report } = await audit(["--manifests", "flux2"]);
    expect(code).toBe(1);
    expect(report.input?.skipped.map((skip) => skip.file)).toEqual(["flux2/kustomization.yaml"]);
    const others = ["image-automation-controller", "image-reflector-controller", "notification-controller", "source-controller", "source-watcher"];
    expect(reviewed(report.findings, [])).toEqual(
      [
        "critical cluster-admin-binding ServiceAccount flux-system/helm-controller",
        "critical cluster-admin-binding ServiceAccount flux-system/kustomize-controller",
        // The controllers that are not cluster-admin themselves reach it: a token for kustomize-controller
        // (high, not critical: these manifests do not define that ServiceAccount, so the hop is unconfirmed).
        ...others.map((name) => `high cluster-admin-path ServiceAccount flux-system/${name}`),
        ...others.map((name) => `high configmap-write-kube-system ServiceAccount flux-system/${name}`),
        // A subject that holds cluster-admin gets that one finding, not also the rules it covers.
        ...others.map((name) => `high secrets-read ServiceAccount flux-system/${name}`),
        ...others.map((name) => `high serviceaccount-token-create ServiceAccount flux-system/${name}`),
        "medium wildcard-in-rules ClusterRole crd-controller",
        "medium wildcard-in-rules ClusterRole flux-edit",
        "medium wildcard-in-rules ClusterRole flux-view",
      ].sort(),
    );
  });

  it("cert-manager's chart source alone (no helm template output): every file skipped, the input refused, exit 2", async () => {
    const { code, report } = await audit(["--manifests", "cert-manager-chart"]);
    expect(code).toBe(2);
    expect(report.input?.skipped.map((skip) => skip.file)).toEqual([
      "cert-manager-chart/Chart.yaml",
      "cert-manager-chart/templates/rbac.yaml",
      "cert-manager-chart/templates/serviceaccount.yaml",
    ]);
    expect(report.input?.refused.map((refused) => refused.message)).toEqual([expect.stringContaining("no Kubernetes object in the 3 files read (3 skipped")]);
  });
});
