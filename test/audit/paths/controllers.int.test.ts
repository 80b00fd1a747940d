import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../../src/model/report.js";
import { applyObjects, kubectl, testCluster, uniqueNamespace } from "../../support/cluster.js";
import { runSaprobe, userPathFindings } from "../support.js";

// Paths through the controllers every cluster binds, on the real kube-apiserver: test/cluster/up runs
// kube-controller-manager with --use-service-account-credentials and the clusterrole-aggregation
// controller, so ServiceAccount kube-system/clusterrole-aggregation-controller exists and the API server
// bound it at start-up. A user who may create pods in kube-system reaches cluster-admin through it: offline
// (the manifests alone, no --with-defaults) with its existence a precondition (high), live confirmed
// (critical). The oracle: the server admits such a pod, and that ServiceAccount may escalate ClusterRoles.

const RBAC = "rbac.authorization.k8s.io";
const AGGREGATION = "clusterrole-aggregation-controller";

function runPods(id: string, namespace: string, user: string): Record<string, unknown>[] {
  return [
    {
      apiVersion: `${RBAC}/v1`,
      kind: "Role",
      metadata: { name: `${id}-run`, namespace },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: `${id}-run`, namespace },
      roleRef: { apiGroup: RBAC, kind: "Role", name: `${id}-run` },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  ];
}

describe("paths through the bootstrap controllers (live and offline)", () => {
  it("create pods in kube-system reaches cluster-admin: offline high with the controller's existence a precondition, live critical and confirmed; another namespace reaches nothing", async () => {
    const id = await uniqueNamespace("ctrl");
    const runner = `runner-${id}`;
    const elsewhere = `elsewhere-${id}`;
    // Pod Security baseline in the other namespace: without it a pod there could run privileged and take a node (node-escape).
    await kubectl(["label", "namespace", id, "pod-security.kubernetes.io/enforce=baseline"]);
    const objects = [...runPods(id, "kube-system", runner), ...runPods(`${id}-other`, id, elsewhere)];
    await applyObjects(objects);

    // Offline: the same objects as manifests, without --with-defaults.
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-controllers-")), "rbac.json");
    writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    const offline = JSON.parse((await runSaprobe(["audit", "--manifests", file, "-o", "json", "--fail-on", "critical"])).stdout) as Report;
    const [planned, ...morePlanned] = userPathFindings(offline, runner);
    expect(morePlanned).toEqual([]);
    expect(planned?.severity).toBe("high");
    expect(planned?.path?.map((hop) => `${hop.edge}>${hop.reaches.name}`)).toEqual([`pod-create>${AGGREGATION}`, "escalate>cluster-admin"]);
    expect(planned?.path?.[0]?.precondition).toMatch(/clusterrole-aggregation-controller exists \(a default binding names it on every cluster/);
    expect(userPathFindings(offline, elsewhere)).toEqual([]);

    // Live: the ServiceAccount exists, so nothing is left to a precondition; every hop is confirmed.
    const live = JSON.parse(
      (await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"])).stdout,
    ) as Report;
    const [found, ...more] = userPathFindings(live, runner);
    expect(more).toEqual([]);
    expect(found?.rule).toBe("cluster-admin-path");
    expect(found?.severity).toBe("critical");
    // Other tests may leave a cluster-admin ServiceAccount in kube-system: a pod as that one is as short.
    expect(found?.path?.[0]).toMatchObject({ edge: "pod-create", reaches: { kind: "ServiceAccount", namespace: "kube-system" } });
    expect(found?.path?.[0]?.precondition).toBeUndefined();
    expect(found?.confirmation, found?.message).toMatchObject({ agreed: true });
    for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
    expect(userPathFindings(live, elsewhere)).toEqual([]);

    // The oracle: the server admits the runner's pod as the controller, whose ServiceAccount may escalate.
    const pod = JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `${id}-as-controller`, namespace: "kube-system" },
      spec: { serviceAccountName: AGGREGATION, containers: [{ name: "c", image: "busybox" }] },
    });
    const admitted = await kubectl(["create", "--dry-run=server", "-f", "-", `--as=${runner}`], { input: pod });
    expect(admitted.code, admitted.stderr).toBe(0);
    const escalates = await kubectl(["auth", "can-i", "escalate", `clusterroles.${RBAC}`, `--as=system:serviceaccount:kube-system:${AGGREGATION}`]);
    expect(escalates.stdout.trim()).toBe("yes");
    const refused = await kubectl(["create", "--dry-run=server", "-f", "-", `--as=${elsewhere}`], { input: pod });
    expect(refused.stderr).toMatch(/forbidden/i);
  });
});
