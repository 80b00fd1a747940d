import { describe, expect, it } from "vitest";
import type { Report } from "../../../src/model/report.js";
import { applyObjects, createServiceAccount, kubectl, testCluster, uniqueNamespace } from "../../support/cluster.js";
import { runSaprobe, userPathFindings } from "../support.js";

// high-value-identity-path on the real kube-apiserver: test/cluster/up runs kube-controller-manager with
// the namespace controller (as ServiceAccount kube-system/namespace-controller, bound by the default
// policy). A user who may mint that ServiceAccount's token reaches it; every hop is confirmed by a
// SubjectAccessReview, and the token really is minted and really reads every Secret.

const RBAC = "rbac.authorization.k8s.io";
const user = (name: string) => ({ kind: "User", name, apiGroup: RBAC });
function mintRole(name: string, account: string): Record<string, unknown> {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "Role",
    metadata: { name, namespace: "kube-system" },
    rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [account], verbs: ["create"] }],
  };
}
function binding(name: string, role: string, subject: string): Record<string, unknown> {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace: "kube-system" },
    roleRef: { apiGroup: RBAC, kind: "Role", name: role },
    subjects: [user(subject)],
  };
}
describe("high-value-identity-path (live)", () => {
  it("finds the token path to kube-system/namespace-controller, every hop confirmed, and none for a token of a ServiceAccount that holds little", async () => {
    const id = await uniqueNamespace("hv");
    const minter = `minter-${id}`;
    const quiet = `quiet-${id}`;
    await createServiceAccount("kube-system", `idle-${id}`);
    await applyObjects([
      mintRole(`${id}-mint-ns-controller`, "namespace-controller"),
      binding(`${id}-minter`, `${id}-mint-ns-controller`, minter),
      // Look-alike: a token for a kube-system ServiceAccount that no binding gives anything.
      mintRole(`${id}-mint-idle`, `idle-${id}`),
      binding(`${id}-quiet`, `${id}-mint-idle`, quiet),
    ]);
    const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as Report;
    // Where namespace-controller itself reaches cluster-admin (a legacy token Secret of a cluster-admin
    // ServiceAccount left by another test, which it can read), the minter is reported by cluster-admin-path.
    const controllerReachesAdmin = report.findings.some(
      (finding) =>
        finding.rule === "cluster-admin-path" &&
        finding.subject?.kind === "ServiceAccount" &&
        finding.subject.name === "namespace-controller" &&
        finding.subject.namespace === "kube-system",
    );
    const [found, ...more] = userPathFindings(report, minter);
    expect(more).toEqual([]);
    expect(found?.rule).toBe(controllerReachesAdmin ? "cluster-admin-path" : "high-value-identity-path");
    expect(found?.path?.[0]).toMatchObject({
      edge: "serviceaccount-token",
      reaches: { kind: "ServiceAccount", name: "namespace-controller", namespace: "kube-system" },
    });
    expect(found?.path?.[0]?.requests[0]).toMatchObject({
      verb: "create",
      resource: "serviceaccounts",
      subresource: "token",
      name: "namespace-controller",
      namespace: "kube-system",
    });
    if (!controllerReachesAdmin) {
      expect(found?.path).toHaveLength(1);
      expect(found?.severity).toBe("high");
      expect(found?.message).toMatch(/reads every object, Secrets included/);
    }
    expect(found?.confirmation, found?.message).toMatchObject({ agreed: true });
    for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
    expect(userPathFindings(report, quiet)).toEqual([]);

    // The oracle: the minter really gets the controller's token, and with it reads Secrets everywhere.
    const minted = await kubectl(["create", "token", "namespace-controller", "-n", "kube-system", `--as=${minter}`]);
    expect(minted.code, minted.stderr).toBe(0);
    const asController = await kubectl(["auth", "can-i", "list", "secrets", "--all-namespaces", `--token=${minted.stdout.trim()}`]);
    expect(asController.stdout.trim()).toBe("yes");
    expect((await kubectl(["create", "token", "namespace-controller", "-n", "kube-system", `--as=${quiet}`])).stderr).toMatch(/forbidden/i);
  });
});
