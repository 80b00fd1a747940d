import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminRequest, createServiceAccount, kubectl, mintToken, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { runCli } from "../support/cli.js";

// can-i and who-can against the real server, and the same question answered offline from the
// same objects written as manifests: both must say the same.

let namespace: string;
let botKubeconfig: string;
let adminKubeconfig: string;
let manifests: string;

beforeAll(async () => {
  namespace = await uniqueNamespace("cani");
  await createServiceAccount(namespace, "bot");
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "pod-reader", namespace },
    rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] }],
  };
  const binding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "bot-reads", namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
    subjects: [{ kind: "ServiceAccount", name: "bot", namespace }],
  };
  await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, role);
  await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, binding);
  botKubeconfig = writeKubeconfig({ token: await mintToken(namespace, "bot") }, { namespace });
  adminKubeconfig = writeKubeconfig({ token: testCluster().adminToken }, { namespace });
  manifests = join(mkdtempSync(join(tmpdir(), "saprobe-cani-")), "rbac.json");
  writeFileSync(manifests, JSON.stringify({ apiVersion: "v1", kind: "List", items: [role, binding] }));
});

describe("saprobe can-i (live) agrees with offline", () => {
  const questions: [string, string, boolean][] = [
    ["list", "pods", true],
    ["get", "pods --subresource log", true],
    ["list", "secrets", false],
    ["create", "pods", false],
  ];

  it.each(questions)("%s %s", async (verb, resource, allowed) => {
    const live = await runCli(["can-i", verb, ...resource.split(" "), "--kubeconfig", botKubeconfig]);
    expect(live.stderr).toBe("");
    expect(live.code).toBe(allowed ? 0 : 1);
    const offline = await runCli([
      "can-i",
      verb,
      ...resource.split(" "),
      "-n",
      namespace,
      "--as",
      `system:serviceaccount:${namespace}:bot`,
      "-f",
      manifests,
      "--with-defaults",
    ]);
    expect(offline.code).toBe(live.code);
    if (allowed) {
      // The server and saprobe give the same reason, word for word, in -o json; the text of both
      // writes the objects as every saprobe report does.
      const reason = 'RBAC: allowed by RoleBinding "bot-reads/' + namespace + '" of Role "pod-reader" to ServiceAccount "bot/' + namespace + '"';
      const liveJson = await runCli(["can-i", verb, ...resource.split(" "), "--kubeconfig", botKubeconfig, "-o", "json"]);
      expect((JSON.parse(liveJson.stdout) as { reason: string }).reason).toBe(reason);
      const offlineJson = await runCli([
        "can-i",
        verb,
        ...resource.split(" "),
        "-n",
        namespace,
        "--as",
        `system:serviceaccount:${namespace}:bot`,
        "-f",
        manifests,
        "--with-defaults",
        "-o",
        "json",
      ]);
      expect((JSON.parse(offlineJson.stdout) as { reason: string }).reason).toBe(reason);
      const ours = `RBAC: allowed by RoleBinding ${namespace}/bot-reads of Role ${namespace}/pod-reader to ServiceAccount ${namespace}/bot`;
      expect(offline.stdout).toContain(`${ours}\n`);
      expect(live.stdout).toContain(`${ours} (server's SelfSubjectAccessReview)\n`);
    }
  });

  it("impersonates with --as (SelfSubjectAccessReview as the impersonated user)", async () => {
    const result = await runCli(["can-i", "list", "pods", "--kubeconfig", adminKubeconfig, "--as", `system:serviceaccount:${namespace}:bot`, "-o", "json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ allowed: true, source: "SelfSubjectAccessReview" });
    const denied = await runCli(["can-i", "list", "secrets", "--kubeconfig", adminKubeconfig, "--as", `system:serviceaccount:${namespace}:bot`]);
    expect(denied.code).toBe(1);
    // The question is the impersonated user's, not the admin's behind the kubeconfig.
    expect(denied.stdout).toContain(`(asked: may system:serviceaccount:${namespace}:bot (impersonated) list secrets -n ${namespace})`);
  });

  it("--list shows the server's SelfSubjectRulesReview", async () => {
    const result = await runCli(["can-i", "--list", "--kubeconfig", botKubeconfig, "-o", "json"]);
    expect(result.code).toBe(0);
    const review = JSON.parse(result.stdout) as { resourceRules: { resources?: string[] }[] };
    expect(review.resourceRules.some((rule) => rule.resources?.includes("pods/log"))).toBe(true);
  });

  it("who-can reads the cluster's RBAC and names the ServiceAccount", async () => {
    const result = await runCli(["who-can", "get", "pods", "--kubeconfig", adminKubeconfig, "-o", "json"]);
    expect(result.code).toBe(0);
    const subjects = (JSON.parse(result.stdout) as { subjects: { subject: { kind: string; name: string }; grant?: { binding: { name: string } } }[] }).subjects;
    expect(subjects.find((entry) => entry.subject.kind === "ServiceAccount" && entry.subject.name === "bot")?.grant?.binding.name).toBe("bot-reads");
    const forbidden = await runCli(["who-can", "get", "pods", "--kubeconfig", botKubeconfig]);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain("cannot read the cluster's RBAC objects");
  });
});

describe("a namespace object, asked about live", () => {
  it("is a request in that namespace, as the apiserver makes it: a RoleBinding there lets its subject relabel it, as the real kubectl label shows", async () => {
    const own = await uniqueNamespace("nsmod");
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "own-namespace", namespace: own },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "patch"] }],
    };
    const binding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "own-namespace", namespace: own },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "own-namespace" },
      subjects: [{ kind: "User", name: "team-lead" }],
    };
    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${own}/roles`, role);
    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${own}/rolebindings`, binding);
    const live = await runCli(["can-i", "patch", "namespaces", own, "--kubeconfig", adminKubeconfig, "--as", "team-lead", "-o", "json"]);
    expect(JSON.parse(live.stdout)).toMatchObject({ allowed: true, request: { namespace: own, name: own } });
    const elsewhere = await runCli(["can-i", "patch", "namespaces", namespace, "--kubeconfig", adminKubeconfig, "--as", "team-lead"]);
    expect(elsewhere.code).toBe(1);
    // The oracle: the real request succeeds (and the audit rule namespace-modify is about exactly this).
    const label = await kubectl(["label", "namespace", own, "pod-security.kubernetes.io/enforce=privileged", "--as", "team-lead"]);
    expect(label.code, label.stderr).toBe(0);
    const refused = await kubectl(["label", "namespace", namespace, "x=y", "--as", "team-lead"]);
    expect(refused.code).not.toBe(0);
  });
});
