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

/** A role `name` with one rule (a ClusterRole when `namespace` is ""), bound to user `user`. */
function userMay(user: string, name: string, namespace: string, rule: Record<string, unknown>): Record<string, unknown>[] {
  const kind = namespace ? "Role" : "ClusterRole";
  const metadata = namespace ? { name, namespace } : { name };
  return [
    { apiVersion: `${RBAC}/v1`, kind, metadata, rules: [{ apiGroups: [""], ...rule }] },
    {
      apiVersion: `${RBAC}/v1`,
      kind: namespace ? "RoleBinding" : "ClusterRoleBinding",
      metadata,
      roleRef: { apiGroup: RBAC, kind, name },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  ];
}

/** ServiceAccount `id`/boss (cluster-admin by `power`, deleted after the test) and its pod, bound to `node`. */
function bossOn(id: string, node: string): { power: Record<string, unknown>; objects: Record<string, unknown>[] } {
  return {
    power: clusterAdminBinding(`${id}-boss`, id, "boss"),
    objects: [
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "boss-pod", namespace: id },
        spec: { nodeName: node, serviceAccountName: "boss", containers: [{ name: "c", image: "pause" }] },
      },
    ],
  };
}

describe("a relabelled namespace gets past Pod Security (live)", () => {
  it("create pods in a baseline namespace and patch on that Namespace: a cluster-admin-path, confirmed; kubectl relabels it and the privileged pod is admitted", async () => {
    const { id, confined, node, careful, nodes, objects } = await escapeScene("bypass");
    const relabeller = `relabeller-${id}`;
    const { power, objects: boss } = bossOn(id, node);
    // Cluster-scoped, so deleted after the test: patch on this one Namespace object only; and create pods in it.
    const relabel = userMay(relabeller, `${id}-relabel`, "", { resources: ["namespaces"], resourceNames: [confined], verbs: ["patch"] });
    const runs = userMay(relabeller, "run-relabeller", confined, { resources: ["pods"], verbs: ["create"] });
    await applyObjects([...nodes, ...boss, power, ...objects, ...runs, ...relabel]);
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

  it("create persistentvolumes, and claims and pods in a baseline namespace: a cluster-admin-path, confirmed; the hostPath PersistentVolume, its claim and the pod are admitted", async () => {
    const { id, confined, node, nodes } = await escapeScene("hostpv");
    const maker = `pv-maker-${id}`;
    const { power, objects: boss } = bossOn(id, node);
    const volumes = userMay(maker, `${id}-volumes`, "", { resources: ["persistentvolumes"], verbs: ["create"] });
    const claimsAndPods = userMay(maker, "claims", confined, { resources: ["pods", "persistentvolumeclaims"], verbs: ["create"] });
    const volume = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `${id}-host-root` },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "",
        hostPath: { path: "/" },
        claimRef: { namespace: confined, name: "root" },
      },
    };
    await applyObjects([...nodes, ...boss, power, ...volumes, ...claimsAndPods]);
    try {
      const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json"]);
      expect(run.stderr).toBe("");
      const [found, ...more] = userPathFindings(JSON.parse(run.stdout) as Report, maker);
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "high" });
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
      expect(found?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource} ${request.namespace}`)).toEqual([
        `create pods ${confined}`,
        "create persistentvolumes ",
        `create persistentvolumeclaims ${confined}`,
      ]);
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });

      // The walk, as the maker: the PersistentVolume with hostPath / pre-bound to its claim, the claim, and a
      // pod with the claim on the node, admitted at baseline (no binder controller nor kubelet runs here).
      const cert = signClientCertificate(maker);
      const kubeconfig = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
      const claim = {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "root", namespace: confined },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: volume.metadata.name, resources: { requests: { storage: "1Gi" } } },
      };
      const created = await kubectl(["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: [volume, claim] }), kubeconfig });
      expect(created.code, created.stderr).toBe(0);
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "root-reader", namespace: confined },
        spec: {
          nodeName: node,
          containers: [{ name: "c", image: "busybox", volumeMounts: [{ name: "host", mountPath: "/host" }] }],
          volumes: [{ name: "host", persistentVolumeClaim: { claimName: "root" } }],
        },
      };
      const admitted = await kubectl(["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(pod), kubeconfig });
      expect(admitted.code, admitted.stderr).toBe(0);
    } finally {
      // No protection controller runs to lift the PersistentVolume's finalizer.
      await kubectl(["patch", "persistentvolume", volume.metadata.name, "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
      await deleteObjects([power, ...volumes, volume, ...nodes]);
    }
  });
});
