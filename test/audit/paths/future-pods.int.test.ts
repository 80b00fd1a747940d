import { describe, expect, it } from "vitest";
import type { Finding, PathHop, Report } from "../../../src/model/report.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyObjects, clusterAdminBinding, deleteObjects, kubectl, testCluster, writeKubeconfig } from "../../support/cluster.js";
import { saprobeRun } from "../../run/scenario.js";
import { runSaprobe } from "../support.js";
import { escapeScene, privilegedPodDryRun } from "./escape-scene.js";

// Pods the scheduler binds later, on the real kube-apiserver: a pod creator whose namespace enforces no
// Pod Security level may pin a privileged pod to any node, so it owns the node a Pending pod of a
// cluster-admin ServiceAccount (or a CronJob's next pod) is bound to later. The live audit reports that
// path (high: node-escape, node-token with the pod as its precondition, holds), the escape's request
// confirmed and the token's not asked (the Node authorizer allows it only once the pod is bound); where the
// namespace enforces baseline, nothing. The oracle: the node is refused the token while the pod is
// Pending, and allowed it once the pod is bound (a Binding, as the scheduler makes). No kubelet runs here;
// the pod's nodeSelector matches no node, so the scheduler leaves it Pending.

const RBAC = "rbac.authorization.k8s.io";

/** A pod of ServiceAccount `account` the scheduler leaves Pending (its nodeSelector matches no node). */
function pendingPod(namespace: string, account: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `${account}-pod`, namespace },
    spec: { serviceAccountName: account, nodeSelector: { "saprobe.test/never": "true" }, containers: [{ name: "c", image: "pause" }] },
  };
}

/** The path findings of users in a live audit, by name, and the report's warnings. */
async function liveUserPaths(): Promise<{ paths: (name: string) => Finding[]; warnings: string[] }> {
  const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json"]);
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as Report;
  return {
    paths: (name) => report.findings.filter((finding) => finding.subject?.kind === "User" && finding.subject.name === name && finding.rule.endsWith("-path")),
    warnings: report.warnings,
  };
}

/**
 * dev's one path: escape to a node, its token for a ServiceAccount, that ServiceAccount's power; the escape
 * confirmed by the server. Another test file's cluster-admin pod (bound, or Pending) may be as short: then
 * the token hop is that one's, and `ours` (the assertions for this file's ServiceAccount) is not called.
 * Alone on the cluster, both audits' token hops are this file's.
 */
function expectEscape(found: Finding | undefined, free: string, ours: (hop: PathHop) => void): void {
  expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "high" });
  expect(found?.path?.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
  const [escapeHop, token] = found?.path ?? [];
  expect(escapeHop?.requests.map((request) => `${request.verb} ${request.resource} ${request.namespace}`)).toEqual([`create pods ${free}`]);
  for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
  if (token) ours(token);
}

describe("pods the scheduler binds later (live)", () => {
  it("a Pending pod, then a CronJob, of a cluster-admin ServiceAccount: a high path through any node; nothing where baseline is enforced", async () => {
    // dev creates pods where no Pod Security level is enforced, careful where baseline is; the Node object
    // has no pod bound to it: the audit lists it (the escape needs a node to take).
    const { id, free, confined, node, dev, careful, nodes, objects } = await escapeScene("future");
    // Removed after each audit: while one exists, pod creators of other test files reach cluster-admin.
    const bossPower = clusterAdminBinding(`${id}-boss`, id, "boss");
    const nightlyPower = clusterAdminBinding(`${id}-nightly`, id, "nightly");
    await applyObjects([
      ...nodes,
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "nightly", namespace: id } },
      pendingPod(id, "boss"),
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        // Once a year: the controller-manager makes no Job while the test runs.
        metadata: { name: "nightly", namespace: id },
        spec: {
          schedule: "0 3 1 1 *",
          jobTemplate: {
            spec: { template: { spec: { serviceAccountName: "nightly", restartPolicy: "Never", containers: [{ name: "c", image: "pause" }] } } },
          },
        },
      },
      ...objects,
    ]);
    const isOurs = (hop: PathHop, account: string): boolean =>
      hop.reaches.kind === "ServiceAccount" && hop.reaches.namespace === id && hop.reaches.name === account;
    try {
      await applyObjects([bossPower]);
      const pending = await liveUserPaths();
      const [found, ...more] = pending.paths(dev);
      expect(more).toEqual([]);
      expectEscape(found, free, (token) => {
        if (!isOurs(token, "boss")) return;
        expect(token.precondition).toMatch(new RegExp(`^pod ${id}/boss-pod \\(Pending\\) is scheduled on node \\S+$`));
        expect(token.requests).toEqual([
          expect.objectContaining({ verb: "create", resource: "serviceaccounts", subresource: "token", name: "boss", namespace: id }),
        ]);
        expect(token.requests[0]?.awaits).toBe(`pod ${id}/boss-pod is bound to the node`);
        expect(token.confirmation?.detail).toMatch(/^not asked \(the Node authorizer allows it once pod \S+ is bound to the node\)/);
      });
      expect(pending.paths(careful)).toEqual([]);
      expect(pending.warnings.filter((warning) => warning.includes("disagrees") && warning.includes(dev))).toEqual([]);
      await deleteObjects([bossPower]);

      await applyObjects([nightlyPower]);
      const scheduled = await liveUserPaths();
      const [next, ...others] = scheduled.paths(dev);
      expect(others).toEqual([]);
      expectEscape(next, free, (token) => {
        if (!isOurs(token, "nightly")) return;
        expect(token.precondition).toMatch(new RegExp(`^the next pod of CronJob ${id}/nightly is scheduled on node \\S+$`));
        expect(token.requests[0]?.awaits).toBe(`a pod of CronJob ${id}/nightly is bound to the node`);
      });
      expect(scheduled.paths(careful)).toEqual([]);

      // The oracle: the node may not mint boss's token while its pod is Pending, and may once it is bound to the node.
      const canMint = async (account: string) =>
        (
          await kubectl([
            "auth",
            "can-i",
            "create",
            `serviceaccounts/${account}`,
            "--subresource=token",
            "-n",
            id,
            `--as=system:node:${node}`,
            "--as-group=system:nodes",
          ])
        ).stdout.trim();
      expect(await canMint("boss")).toBe(`no - node: no relationship found between node '${node}' and this object`);
      const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: "boss-pod" }, target: { apiVersion: "v1", kind: "Node", name: node } };
      const bound = await kubectl(["create", "--raw", `/api/v1/namespaces/${id}/pods/boss-pod/binding`, "-f", "-"], { input: JSON.stringify(binding) });
      expect(bound.code, bound.stderr).toBe(0);
      expect(await canMint("boss")).toBe("yes");
      // A CronJob's pods run as its ServiceAccount: the server keeps it in the template (serviceAccount, the deprecated spelling, too).
      const account = await kubectl(["get", "cronjob", "nightly", "-n", id, "-o", "jsonpath={.spec.jobTemplate.spec.template.spec.serviceAccountName}"]);
      expect(account.stdout).toBe("nightly");
      // And dev's privileged pod pinned to the node is admitted (careful's is refused: Pod Security baseline).
      const admitted = await privilegedPodDryRun(dev, free, node);
      expect(admitted.code, admitted.stderr).toBe(0);
      expect((await privilegedPodDryRun(careful, confined, node)).stderr).toMatch(/violates PodSecurity "baseline/);
    } finally {
      await deleteObjects([bossPower, nightlyPower, ...nodes]);
    }
  });

  it("run --expect never passes a ServiceAccount whose only path waits for a Pending pod: it matches its declaration, and still fails", async () => {
    const { id, free, nodes } = await escapeScene("expect");
    const builder = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "builder", namespace: free } };
    // Declared and on the server alike: builder may create pods in its own namespace, which enforces no Pod Security level.
    const declared = [
      builder,
      {
        apiVersion: `${RBAC}/v1`,
        kind: "Role",
        metadata: { name: "build", namespace: free },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: "RoleBinding",
        metadata: { name: "build", namespace: free },
        roleRef: { apiGroup: RBAC, kind: "Role", name: "build" },
        subjects: [{ kind: "ServiceAccount", name: "builder", namespace: free }],
      },
    ];
    const dir = mkdtempSync(join(tmpdir(), "saprobe-future-pods-"));
    writeFileSync(join(dir, "rbac.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: declared }));
    const power = clusterAdminBinding(`${id}-boss`, id, "boss");
    await applyObjects([
      ...nodes,
      ...declared,
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      pendingPod(id, "boss"),
    ]);
    try {
      await applyObjects([power]);
      const asAdmin = writeKubeconfig({ token: testCluster().adminToken }, { namespace: free });
      const { code, report } = await saprobeRun(["--kubeconfig", asAdmin, "--as", `system:serviceaccount:${free}:builder`, "--expect", dir]);
      expect(report.results.find((entry) => entry.id === "rbac-permissions")).toMatchObject({ observed: "equal" });
      const paths = report.results.filter((entry) => entry.id.startsWith("cluster-admin-path"));
      expect(paths.map((entry) => [entry.id, entry.status, entry.severity])).toEqual([
        [`cluster-admin-path/ServiceAccount/${free}/builder`, "error", "critical"],
      ]);
      const hops = paths[0]?.evidence.path as PathHop[];
      expect(hops.map((hop) => hop.edge)).toEqual(["node-escape", expect.stringMatching(/^node-(token|secret)$/), "holds"]);
      // This file's ServiceAccount, unless another file's cluster-admin pod is as near.
      if (hops[1]?.reaches.name === "boss" && hops[1].reaches.namespace === id)
        expect(hops[1].precondition).toBe(`pod ${id}/boss-pod (Pending) is scheduled on node ${hops[0]?.reaches.name.slice("system:node:".length)}`);
      // Read as an administrator, nothing is left unread: what stays open is admission and the scheduler.
      expect(paths[0]?.message).toContain(`No object tells whether a privileged pod may run in ${free}`);
      expect(paths[0]?.message).not.toContain("could not read whether");
      expect(report.summary.outcome).not.toBe("passed");
      expect(code).toBe(1);
    } finally {
      await deleteObjects([power, ...nodes]);
    }
  });
});
