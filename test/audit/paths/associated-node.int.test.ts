import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../../src/model/report.js";
import { applyObjects, clusterAdminBinding, deleteObjects, kubectl, testCluster, uniqueNamespace, writeKubeconfig } from "../../support/cluster.js";
import { runSaprobe } from "../support.js";

// Constrained impersonation of the node a ServiceAccount's pod runs on (mode associated-node) on the real
// kube-apiserver: the ServiceAccount's pod-bound token names the node, and with impersonate:associated-node
// and impersonate-on:associated-node:create on serviceaccounts/token it mints the token of a cluster-admin
// ServiceAccount whose pod is bound to the same node. Found, every hop confirmed, walked with kubectl;
// a rule limited to the node's name is refused by the server and not reported.

const RBAC = "rbac.authorization.k8s.io";

function agentGrant(name: string, account: { name: string; namespace: string }, resourceNames?: string[]): Record<string, unknown>[] {
  return [
    {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRole",
      metadata: { name },
      rules: [
        { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:associated-node"], ...(resourceNames ? { resourceNames } : {}) },
        { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:associated-node:create"] },
      ],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", ...account }],
    },
  ];
}
const pod = (name: string, namespace: string, node: string, account: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace },
  spec: { nodeName: node, serviceAccountName: account, containers: [{ name: "c", image: "pause" }] },
});

describe("constrained impersonation of a ServiceAccount's own node (associated-node, live)", () => {
  it("reaches the tokens of the pods bound to that node: a cluster-admin one is a critical path, confirmed and walked", async () => {
    const id = await uniqueNamespace("assoc");
    const [here, there] = [`here-${id}`, `there-${id}`];
    const nodes = [here, there].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name } }));
    // Removed after the test: while it exists, node identities of other test files may reach cluster-admin.
    const power = clusterAdminBinding(`${id}-boss`, id, "boss");
    await applyObjects([
      ...nodes,
      ...["boss", "agent", "limited"].map((name) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: id } })),
      power,
      pod("boss-pod", id, here, "boss"),
      pod("agent-pod", id, here, "agent"),
      pod("limited-pod", id, here, "limited"),
      ...agentGrant(`${id}-agent`, { name: "agent", namespace: id }),
      // Limited by resourceNames to its node's name: the server asks on name "*", so this allows nothing.
      ...agentGrant(`${id}-limited`, { name: "limited", namespace: id }, [here]),
    ]);
    try {
      const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      const paths = (name: string): Finding[] =>
        report.findings.filter(
          (finding) =>
            finding.subject?.kind === "ServiceAccount" && finding.subject.namespace === id && finding.subject.name === name && finding.rule.endsWith("-path"),
        );
      const [found, ...more] = paths("agent");
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "critical" });
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "node-token", "holds"]);
      expect(found?.path?.[0]?.reaches).toEqual({ kind: "Node", name: `system:node:${here}` });
      expect(found?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource} ${request.name}`)).toEqual([
        "impersonate:associated-node nodes *",
      ]);
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      expect(paths("limited")).toEqual([]);

      // Walked: the agent's pod-bound token names the node; as that node it mints boss's token, which is cluster-admin.
      const uidOf = async (name: string): Promise<string> => (await kubectl(["get", "pod", name, "-n", id, "-o", "jsonpath={.metadata.uid}"])).stdout.trim();
      const podToken = async (account: string, podName: string): Promise<string> =>
        (
          await kubectl([
            "create",
            "token",
            account,
            "-n",
            id,
            "--bound-object-kind=Pod",
            `--bound-object-name=${podName}`,
            `--bound-object-uid=${await uidOf(podName)}`,
          ])
        ).stdout.trim();
      const asAgent = writeKubeconfig({ token: await podToken("agent", "agent-pod") });
      const bossToken = [
        "create",
        "token",
        "boss",
        "-n",
        id,
        "--bound-object-kind=Pod",
        "--bound-object-name=boss-pod",
        `--bound-object-uid=${await uidOf("boss-pod")}`,
      ];
      const minted = await kubectl([...bossToken, `--as=system:node:${here}`], { kubeconfig: asAgent });
      expect(minted.stderr).toBe("");
      const asBoss = writeKubeconfig({ token: minted.stdout.trim() });
      expect((await kubectl(["auth", "can-i", "*", "*", "--all-namespaces"], { kubeconfig: asBoss })).stdout.trim()).toBe("yes");
      // As another node it is asked arbitrary-node's verb instead, and refused.
      expect((await kubectl([...bossToken, `--as=system:node:${there}`], { kubeconfig: asAgent })).stderr).toMatch(
        /cannot impersonate-on:arbitrary-node:create/,
      );
      // The rule limited to the node's name: refused on name "*".
      const asLimited = writeKubeconfig({ token: await podToken("limited", "limited-pod") });
      expect((await kubectl([...bossToken, `--as=system:node:${here}`], { kubeconfig: asLimited })).stderr).toMatch(
        /nodes.authentication.k8s.io "\*" is forbidden: .* cannot impersonate:associated-node/,
      );
    } finally {
      await deleteObjects([power, ...nodes]);
    }
  });
});
