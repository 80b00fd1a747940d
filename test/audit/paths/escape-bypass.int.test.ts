import { describe, expect, it } from "vitest";
import type { Report } from "../../../src/model/report.js";
import { applyObjects, clusterAdminBinding, deleteObjects, kubectl, signClientCertificate, testCluster, writeKubeconfig } from "../../support/cluster.js";
import { runSaprobe, userPathFindings } from "../support.js";
import { escapeScene, privilegedPodDryRun } from "./escape-scene.js";

// A pod creator in a namespace that enforces Pod Security baseline gets past it on the real kube-apiserver
// when it may also patch that Namespace object: it relabels the namespace privileged (kubectl apply
// --server-side, which only patches) and the server then admits its privileged pod with the host's
// filesystem, bound to the node it names. The live audit reports the path through that node with every
// request confirmed; a pod creator of the same namespace without the patch has none. (No kubelet runs
// here: what the server decides is checked, not the node taken.)

const RBAC = "rbac.authorization.k8s.io";

describe("a relabelled namespace gets past Pod Security (live)", () => {
  it("create pods in a baseline namespace and patch on that Namespace: a cluster-admin-path, confirmed; kubectl relabels it and the privileged pod is admitted", async () => {
    const { id, confined, node, careful, nodes, objects } = await escapeScene("bypass");
    const relabeller = `relabeller-${id}`;
    const power = clusterAdminBinding(`${id}-boss`, id, "boss");
    // Cluster-scoped, so deleted after the test: patch on this one Namespace object only.
    const relabel = [
      {
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRole",
        metadata: { name: `${id}-relabel` },
        rules: [{ apiGroups: [""], resources: ["namespaces"], resourceNames: [confined], verbs: ["patch"] }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRoleBinding",
        metadata: { name: `${id}-relabel` },
        roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: `${id}-relabel` },
        subjects: [{ kind: "User", name: relabeller, apiGroup: RBAC }],
      },
    ];
    const runs = {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: "run-relabeller", namespace: confined },
      roleRef: { apiGroup: RBAC, kind: "Role", name: "run" },
      subjects: [{ kind: "User", name: relabeller, apiGroup: RBAC }],
    };
    const boss = [
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "boss-pod", namespace: id },
        spec: { nodeName: node, serviceAccountName: "boss", containers: [{ name: "c", image: "pause" }] },
      },
    ];
    await applyObjects([...nodes, ...boss, power, ...objects, runs, ...relabel]);
    try {
      const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      const [found, ...more] = userPathFindings(report, relabeller);
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "high" });
      // From a node: boss's token, or (while another test file's pod refers to one) a cluster-admin token Secret.
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
      const escapeHop = found?.path?.[0];
      expect(escapeHop?.precondition).toBe(
        `after relabelling namespace ${confined} to Pod Security level privileged (it enforces Pod Security level baseline), a privileged pod may run there and no other admission policy forbids it`,
      );
      expect(escapeHop?.requests.map((request) => `${request.verb} ${request.resource} ${request.name ?? "-"} ${request.namespace}`)).toEqual([
        `create pods - ${confined}`,
        `patch namespaces ${confined} ${confined}`,
      ]);
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      // careful creates pods there too, without the patch: no way past baseline.
      expect(userPathFindings(report, careful)).toEqual([]);

      // The walk, as the relabeller: refused at baseline, relabelled by a patch (server-side apply), then admitted.
      expect((await privilegedPodDryRun(relabeller, confined, node)).stderr).toMatch(/violates PodSecurity "baseline/);
      const cert = signClientCertificate(relabeller);
      const kubeconfig = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
      const label = { apiVersion: "v1", kind: "Namespace", metadata: { name: confined, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } };
      const relabelled = await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=relabeller", "-f", "-"], {
        input: JSON.stringify(label),
        kubeconfig,
      });
      expect(relabelled.code, relabelled.stderr).toBe(0);
      const admitted = await privilegedPodDryRun(relabeller, confined, node);
      expect(admitted.code, admitted.stderr).toBe(0);
    } finally {
      await kubectl(["label", "namespace", confined, "pod-security.kubernetes.io/enforce=baseline", "--overwrite"]);
      await deleteObjects([power, ...relabel, ...nodes]);
    }
  });
});
