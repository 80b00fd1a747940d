import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../../src/model/report.js";
import { applyObjects, clusterAdminBinding, deleteObjects, kubectl, testCluster, uniqueNamespace } from "../../support/cluster.js";
import { runSaprobe } from "../support.js";
import { escapeScene, privilegedPodDryRun } from "./escape-scene.js";

// A pod creator takes a node on the real kube-apiserver: where the namespace enforces no Pod Security
// level, the server admits a privileged pod with the host's filesystem bound to the node it names, and
// that node may mint the token of a cluster-admin ServiceAccount whose pod is bound to it. Reported as a
// cluster-admin-path with the precondition (high), every request confirmed; where the namespace enforces
// baseline the server refuses the pod and nothing is reported. (No kubelet runs here: the escape itself
// is the pod's to make; what the server decides is checked.)

const RBAC = "rbac.authorization.k8s.io";

/** Node objects, a cluster-admin ServiceAccount `id`/boss (`power` its binding) and its pod, bound to `node`. */
function bossOnNode(id: string, node: string, nodes: unknown[], power: unknown): unknown[] {
  return [
    ...nodes,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
    power,
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "boss-pod", namespace: id },
      spec: { nodeName: node, serviceAccountName: "boss", containers: [{ name: "c", image: "pause" }] },
    },
  ];
}

/** A live audit's path findings of a user, by name. */
async function liveUserPaths(): Promise<(name: string) => Finding[]> {
  const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json"]);
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as Report;
  return (name) => report.findings.filter((finding) => finding.subject?.kind === "User" && finding.subject.name === name && finding.rule.endsWith("-path"));
}

describe("a pod creator escapes to a node (live)", () => {
  it("where Pod Security allows a privileged pod: a cluster-admin-path through the node of a cluster-admin pod; refused and not reported at baseline", async () => {
    const { id, free, node, dev, careful, confined, nodes, objects } = await escapeScene("escape");
    // Removed after the test: while it exists, pod creators of other test files reach cluster-admin.
    const power = clusterAdminBinding(`${id}-boss`, id, "boss");
    // dev and careful create pods in namespaces whose own ServiceAccounts hold nothing.
    await applyObjects([...bossOnNode(id, node, nodes, power), ...objects]);
    try {
      const paths = await liveUserPaths();
      const [found, ...more] = paths(dev);
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "high" });
      // From the node: boss's token, or (while another test file's pod refers to one) a cluster-admin token Secret.
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
      // Any node a pod is bound to will do; the shortest route runs through one with a cluster-admin pod (this one, or another test's).
      expect(found?.path?.[0]?.precondition).toBe(
        `a privileged pod may run in ${free} (it sets no Pod Security level: the cluster default applies, privileged unless configured) and no other admission policy forbids it`,
      );
      expect(found?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource} ${request.namespace}`)).toEqual([`create pods ${free}`]);
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      expect(paths(careful)).toEqual([]);

      // The oracle: the server admits dev's privileged pod with the host's filesystem on the node, and refuses careful's.
      const admitted = await privilegedPodDryRun(dev, free, node);
      expect(admitted.code, admitted.stderr).toBe(0);
      const refused = await privilegedPodDryRun(careful, confined, node);
      expect(refused.stderr).toMatch(/violates PodSecurity "baseline/);
      // And the node's identity may mint boss's token (the Node authorizer: boss's pod is bound to it).
      const asNode = [
        "auth",
        "can-i",
        "create",
        "serviceaccounts/boss",
        "--subresource=token",
        "-n",
        id,
        `--as=system:node:${node}`,
        "--as-group=system:nodes",
      ];
      expect((await kubectl(asNode)).stdout.trim()).toBe("yes");
    } finally {
      await deleteObjects([power, ...nodes]);
    }
  });

  it("exec into a privileged pod already on a node reaches that node whatever Pod Security says now: critical, confirmed", async () => {
    const id = await uniqueNamespace("hostpod");
    const infra = await uniqueNamespace("infra");
    const plain = await uniqueNamespace("plain");
    const node = `n-${id}`;
    const [ops, other] = [`ops-${id}`, `other-${id}`];
    const nodes = [{ apiVersion: "v1", kind: "Node", metadata: { name: node } }];
    const power = clusterAdminBinding(`${id}-boss`, id, "boss");
    const agent = (namespace: string, privileged: boolean) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "agent", namespace },
      spec: { nodeName: node, containers: [{ name: "c", image: "pause", ...(privileged ? { securityContext: { privileged: true } } : {}) }] },
    });
    const exec = (user: string, namespace: string) => [
      {
        apiVersion: `${RBAC}/v1`,
        kind: "Role",
        metadata: { name: "exec", namespace },
        rules: [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: "RoleBinding",
        metadata: { name: "exec", namespace },
        roleRef: { apiGroup: RBAC, kind: "Role", name: "exec" },
        subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
      },
    ];
    await applyObjects([...bossOnNode(id, node, nodes, power), agent(infra, true), agent(plain, false), ...exec(ops, infra), ...exec(other, plain)]);
    // Enforced after the pod was admitted: Pod Security does not evict it.
    for (const namespace of [infra, plain]) await kubectl(["label", "namespace", namespace, "pod-security.kubernetes.io/enforce=baseline"]);
    try {
      const paths = await liveUserPaths();
      const [found, ...more] = paths(ops);
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "critical" });
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
      expect(found?.path?.[0]?.reaches).toEqual({ kind: "Node", name: `system:node:${node}` });
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      expect(paths(other)).toEqual([]);
      // The privileged pod is still there, on the node, in a namespace that now enforces baseline.
      expect(
        (await kubectl(["get", "pod", "agent", "-n", infra, "-o", "jsonpath={.spec.nodeName} {.spec.containers[0].securityContext.privileged}"])).stdout,
      ).toBe(`${node} true`);
    } finally {
      await deleteObjects([power, ...nodes]);
    }
  });
});
