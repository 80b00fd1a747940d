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

// A pod that mounts another ServiceAccount's legacy token Secret, on the real kube-apiserver: the node it
// is bound to may read that Secret (the Node authorizer), and whoever may exec into pods of its namespace
// reads it from inside; both are routes to that ServiceAccount even though no pod runs as it. The node
// route is walked with kubectl; the node the pod is not bound to is refused.

const RBAC = "rbac.authorization.k8s.io";

function grant(name: string, user: string, rules: unknown[], namespace?: string): Record<string, unknown>[] {
  const role = namespace ? { kind: "Role", metadata: { name, namespace } } : { kind: "ClusterRole", metadata: { name } };
  return [
    { apiVersion: `${RBAC}/v1`, ...role, rules },
    {
      apiVersion: `${RBAC}/v1`,
      kind: namespace ? "RoleBinding" : "ClusterRoleBinding",
      metadata: namespace ? { name, namespace } : { name },
      roleRef: { apiGroup: RBAC, kind: role.kind, name },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  ];
}
const asNodeRules = (node: string) => [
  { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: [`system:node:${node}`] },
  { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["system:nodes"] },
];

async function tokenOf(namespace: string, secret: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const data = (await kubectl(["get", "secret", secret, "-n", namespace, "-o", "jsonpath={.data.token}"])).stdout.trim();
    if (data) return Buffer.from(data, "base64").toString("utf8");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the token controller never filled in ${namespace}/${secret}`);
}

describe("a legacy token Secret a pod refers to (live)", () => {
  it("is a route to its ServiceAccount for the pod's node and for exec into the pod: confirmed, walked, and not for another node", async () => {
    const id = await uniqueNamespace("podtoken");
    const [here, there] = [`here-${id}`, `there-${id}`];
    const [oscar, mallory, eve] = [`oscar-${id}`, `mallory-${id}`, `eve-${id}`];
    // Node objects keep the pod garbage collector from deleting pods bound to nodes that do not exist.
    const nodes = [here, there].map((name) => ({ apiVersion: "v1", kind: "Node", metadata: { name } }));
    // Removed after the test: while they exist, any node identity in another test file reaches cluster-admin.
    const powerful = [
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/service-account-token",
        metadata: { name: "boss-token", namespace: id, annotations: { "kubernetes.io/service-account.name": "boss" } },
      },
      clusterAdminBinding(`${id}-boss`, id, "boss"),
    ];
    await applyObjects([
      ...nodes,
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "boss", namespace: id } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "weak", namespace: id } },
      ...powerful,
      // The pod runs as weak and mounts boss's token Secret; no pod runs as boss.
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "app", namespace: id },
        spec: {
          nodeName: here,
          serviceAccountName: "weak",
          containers: [{ name: "c", image: "pause", volumeMounts: [{ name: "t", mountPath: "/t" }] }],
          volumes: [{ name: "t", secret: { secretName: "boss-token" } }],
        },
      },
      ...grant(`${id}-as-here`, oscar, asNodeRules(here)),
      ...grant(`${id}-as-there`, mallory, asNodeRules(there)),
      ...grant(`${id}-exec`, eve, [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], id),
    ]);
    try {
      const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      const paths = (name: string): Finding[] =>
        report.findings.filter((finding) => finding.subject?.kind === "User" && finding.subject.name === name && finding.rule === "cluster-admin-path");
      const [viaNode, ...more] = paths(oscar);
      expect(more).toEqual([]);
      expect(viaNode).toMatchObject({ severity: "critical" });
      expect(viaNode?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "node-secret", "holds"]);
      expect(viaNode?.path?.[1]?.requests).toEqual([
        { as: { kind: "Node", name: `system:node:${here}` }, verb: "get", group: "", resource: "secrets", name: "boss-token", namespace: id },
      ]);
      expect(viaNode?.path?.[1]?.reaches).toEqual({ kind: "ServiceAccount", name: "boss", namespace: id });
      for (const hop of viaNode?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      const [viaExec] = paths(eve);
      expect(viaExec).toMatchObject({ severity: "critical" });
      expect(viaExec?.path?.map((hop) => hop.edge)).toEqual(["pod-exec", "holds"]);
      expect(viaExec?.path?.[0]?.permission).toBe(`create pods/exec in ${id} (pod ${id}/app has its legacy token Secret boss-token)`);
      for (const hop of viaExec?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      // The other node: no pod of it refers to the Secret. (Only a conditional path through another test file's
      // Pending pod of a cluster-admin ServiceAccount, scheduled there later: future-pods.int.test.ts.)
      for (const finding of paths(mallory)) expect(finding.path?.[1]?.requests[0]?.awaits, finding.message).toMatch(/ is bound to the node$/);

      // Walked for real: as oscar, impersonating the node, read the Secret and act as boss.
      const cert = signClientCertificate(oscar);
      const asOscar = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
      const token = await tokenOf(id, "boss-token");
      const read = await kubectl(
        ["get", "secret", "boss-token", "-n", id, "-o", "jsonpath={.data.token}", `--as=system:node:${here}`, "--as-group=system:nodes"],
        {
          kubeconfig: asOscar,
        },
      );
      expect(read.stderr).toBe("");
      expect(Buffer.from(read.stdout.trim(), "base64").toString("utf8")).toBe(token);
      const asBoss = writeKubeconfig({ token });
      expect((await kubectl(["auth", "can-i", "*", "*", "--all-namespaces"], { kubeconfig: asBoss })).stdout.trim()).toBe("yes");
      // As the other node, the Secret is refused.
      const malloryCert = signClientCertificate(mallory);
      const asMallory = writeKubeconfig({ "client-certificate": malloryCert.certFile, "client-key": malloryCert.keyFile });
      const refused = await kubectl(["get", "secret", "boss-token", "-n", id, `--as=system:node:${there}`, "--as-group=system:nodes"], {
        kubeconfig: asMallory,
      });
      expect(refused.stderr).toMatch(/forbidden/);
    } finally {
      await deleteObjects([...powerful, ...nodes]);
    }
  });
});
