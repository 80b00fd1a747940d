import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../../src/model/report.js";
import {
  applyObjects,
  clusterAdminBinding,
  deleteObjects,
  kubectl,
  signClientCertificate,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../../support/cluster.js";
import { runSaprobe } from "../support.js";

// A node's identity on the real kube-apiserver (test/cluster/up runs --authorization-mode=Node,RBAC): a
// user who may impersonate a node's user and group system:nodes (or, by constrained
// impersonation, any node to get Secrets as it) is reported as reaching it, every hop
// confirmed by a SubjectAccessReview; the Node authorizer really gives that identity the Secrets and
// ServiceAccount tokens of a pod bound to its node, and nothing else.

const RBAC = "rbac.authorization.k8s.io";
// Users limited to one node's: any user would include the cluster's cluster-admin users (cluster-admin-path's).
const rules = (users: string[], groups: string[]) => [
  { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: users },
  { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: groups },
];
// Constrained impersonation of any node, and as it get Secrets only (mode arbitrary-node).
const arbitraryNode = [
  { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] },
  { apiGroups: [""], resources: ["secrets"], verbs: ["impersonate-on:arbitrary-node:get"] },
];
function grant(name: string, user: string, roleRules: unknown[]): Record<string, unknown>[] {
  return [
    { apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name }, rules: roleRules },
    {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  ];
}
const nodePaths = (report: Report, name: string): Finding[] =>
  report.findings.filter((finding) => finding.subject?.kind === "User" && finding.subject.name === name && finding.path?.at(-1)?.reaches.kind === "Node");

describe("high-value-identity-path to a node's identity (live)", () => {
  it("finds the impersonation path, every hop confirmed, and none where the group is not system:nodes", async () => {
    const id = await uniqueNamespace("node");
    const mallory = `mallory-${id}`;
    const oscar = `oscar-${id}`;
    const node = `n-${id}`;
    const nodeUser = [`system:node:${node}`];
    const cathy = `cathy-${id}`;
    await applyObjects([
      ...grant(`${id}-as-nodes`, mallory, rules(nodeUser, ["system:nodes"])),
      ...grant(`${id}-as-developers`, oscar, rules(nodeUser, ["developers"])),
      ...grant(`${id}-as-any-node`, cathy, arbitraryNode),
    ]);
    const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as Report;
    const [found, ...more] = nodePaths(report, mallory);
    expect(more).toEqual([]);
    expect(found).toMatchObject({ rule: "high-value-identity-path", severity: "high" });
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["impersonate"]);
    expect(found?.path?.[0]?.requests.map((request) => request.name)).toEqual([`system:node:${node}`, "system:nodes"]);
    for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
    expect(nodePaths(report, oscar)).toEqual([]);
    // Ends at the node, or goes on to cluster-admin while another test file's pod refers to a cluster-admin token Secret.
    const [constrained] = report.findings.filter((finding) => finding.subject?.name === cathy && finding.path?.[0]?.reaches.kind === "Node");
    expect(constrained?.path?.flatMap((hop) => hop.requests.map((request) => request.verb)).slice(0, 2)).toEqual([
      "impersonate:arbitrary-node",
      "impersonate-on:arbitrary-node:get",
    ]);
    for (const hop of constrained?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });

    // The oracle: as system:node:<node> in system:nodes, the Secret and the token of a pod bound to that node, nothing else.
    await applyObjects([
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "runner", namespace: id } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "used", namespace: id }, stringData: { a: "b" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "unused", namespace: id }, stringData: { a: "b" } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "bound", namespace: id },
        spec: {
          nodeName: node,
          serviceAccountName: "runner",
          containers: [{ name: "c", image: "pause", volumeMounts: [{ name: "s", mountPath: "/s" }] }],
          volumes: [{ name: "s", secret: { secretName: "used" } }],
        },
      },
    ]);
    const asNode = async (group: string, ...args: string[]): Promise<string> =>
      (await kubectl(["auth", "can-i", ...args, "-n", id, `--as=system:node:${node}`, `--as-group=${group}`])).stdout.trim();
    // Asked as the admin impersonating the node: the Node authorizer's own answer (mallory's right to
    // impersonate is what the SubjectAccessReviews above confirmed).
    expect(await asNode("system:nodes", "get", "secrets/used")).toBe("yes");
    expect(await asNode("system:nodes", "create", "serviceaccounts/runner", "--subresource=token")).toBe("yes");
    expect(await asNode("system:nodes", "get", "secrets/unused")).toMatch(/^no - node: no relationship/);
    expect(await asNode("developers", "get", "secrets/used")).toMatch(/^no/);
  });

  it("goes on from a node to the ServiceAccounts of the pods bound to it: a cluster-admin one is a critical cluster-admin-path, confirmed and walked", async () => {
    const id = await uniqueNamespace("nodepod");
    const [here, there] = [`here-${id}`, `there-${id}`];
    const [oscar, mallory, carol] = [`oscar-${id}`, `mallory-${id}`, `carol-${id}`];
    // Node objects keep the pod garbage collector from deleting pods bound to nodes that do not exist.
    const nodes = [here, there].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name } }));
    const pod = (name: string, node: string, account: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: id },
      spec: { nodeName: node, serviceAccountName: account, containers: [{ name: "c", image: "pause" }] },
    });
    await applyObjects([
      ...nodes,
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "weak", namespace: id } },
      clusterAdminBinding(`${id}-boss`, id, "boss"),
      pod("boss-pod", here, "boss"),
      pod("weak-pod", there, "weak"),
      // oscar may be the node that runs boss's pod, mallory only the other one; carol any node, to create tokens as it.
      ...grant(`${id}-as-here`, oscar, rules([`system:node:${here}`], ["system:nodes"])),
      ...grant(`${id}-as-there`, mallory, rules([`system:node:${there}`], ["system:nodes"])),
      ...grant(`${id}-as-any-node`, carol, [
        { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] },
        { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:arbitrary-node:create"] },
      ]),
    ]);
    try {
      const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      const paths = (name: string): Finding[] =>
        report.findings.filter((finding) => finding.subject?.kind === "User" && finding.subject.name === name && finding.rule.endsWith("-path"));
      const [found, ...more] = paths(oscar);
      expect(more).toEqual([]);
      expect(found).toMatchObject({ rule: "cluster-admin-path", severity: "critical" });
      expect(found?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "node-token", "holds"]);
      expect(found?.path?.[1]?.reaches).toEqual({ kind: "ServiceAccount", name: "boss", namespace: id });
      expect(found?.path?.[1]?.requests).toEqual([
        {
          as: { kind: "Node", name: `system:node:${here}` },
          verb: "create",
          group: "",
          resource: "serviceaccounts",
          subresource: "token",
          name: "boss",
          namespace: id,
        },
      ]);
      for (const hop of found?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      // The other node runs only an unprivileged ServiceAccount: a node path (high), no cluster-admin path; but
      // while another test file's Pending pod of a cluster-admin ServiceAccount waits for a node, a conditional
      // one (high) through it, whose token request awaits the pod (future-pods.int.test.ts).
      const [other, ...others] = paths(mallory);
      expect(others).toEqual([]);
      expect(other?.severity).toBe("high");
      if (other?.rule === "cluster-admin-path") expect(other.path?.[1]?.requests[0]?.awaits).toMatch(/ is bound to the node$/);
      else expect(other?.rule).toBe("high-value-identity-path");
      const [any] = paths(carol);
      expect(any).toMatchObject({ rule: "cluster-admin-path", severity: "critical" });
      expect(any?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "node-token", "holds"]);
      for (const hop of any?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });

      // Walked for real: as oscar, impersonating the node, mint boss's token bound to its pod, and act as boss.
      const cert = signClientCertificate(oscar);
      const asOscar = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
      const uid = (await kubectl(["get", "pod", "boss-pod", "-n", id, "-o", "jsonpath={.metadata.uid}"])).stdout.trim();
      const bound = ["--bound-object-kind=Pod", "--bound-object-name=boss-pod", `--bound-object-uid=${uid}`];
      const asNode = [`--as=system:node:${here}`, "--as-group=system:nodes"];
      const minted = await kubectl(["create", "token", "boss", "-n", id, ...bound, ...asNode], { kubeconfig: asOscar });
      expect(minted.stderr).toBe("");
      const asBoss = writeKubeconfig({ token: minted.stdout.trim() });
      expect((await kubectl(["auth", "can-i", "*", "*", "--all-namespaces"], { kubeconfig: asBoss })).stdout.trim()).toBe("yes");
      // As the other node, the same token is refused: no pod of boss is bound to it.
      const malloryCert = signClientCertificate(mallory);
      const asMallory = writeKubeconfig({ "client-certificate": malloryCert.certFile, "client-key": malloryCert.keyFile });
      const refused = await kubectl(["create", "token", "boss", "-n", id, ...bound, `--as=system:node:${there}`, "--as-group=system:nodes"], {
        kubeconfig: asMallory,
      });
      expect(refused.stderr).toMatch(/forbidden/);
    } finally {
      // The power too: boss's pod stays bound to `here`, so while it is cluster-admin every node escape of another file reaches it.
      await deleteObjects([clusterAdminBinding(`${id}-boss`, id, "boss"), ...nodes]);
    }
  });
});
