import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";
import { saprobeRun, serviceAccountWithToken, statuses } from "../run/scenario.js";
import { adminRequest, apiRequest, applyObjects, deleteObjects, kubectl, testCluster, uniqueNamespace } from "../support/cluster.js";

// The closed loop on the real control plane: traffic as a ServiceAccount bound to cluster-admin,
// learn its minimal RBAC from kube-apiserver's audit log, apply it in place of the broad binding,
// replay the same traffic (everything still succeeds), hold it with `run --expect` (passes); a
// request the replay adds is then denied, and `saprobe usage` reports it.

let namespace: string;
let token: string;
let username: string;
const auditLog = (): string => join(testCluster().dir, "audit.log");

/** The traffic of a small controller: namespaced reads and writes, a subresource, a cluster-scoped list, a non-resource URL. */
async function traffic(): Promise<number[]> {
  const ns = `/api/v1/namespaces/${namespace}`;
  const requests: Array<[string, string, unknown?]> = [
    ["GET", `${ns}/pods?limit=500`],
    ["GET", `${ns}/pods?watch=true&timeoutSeconds=1`],
    ["GET", `${ns}/configmaps/settings`],
    ["PUT", `${ns}/configmaps/settings`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace }, data: { replayed: "yes" } }],
    ["GET", `/apis/apps/v1/namespaces/${namespace}/deployments/web/scale`],
    ["GET", "/api/v1/nodes"],
    ["GET", "/metrics"],
    ["GET", "/version"],
  ];
  const statuses: number[] = [];
  for (const [method, path, body] of requests) statuses.push((await apiRequest(method, path, body, token)).status);
  return statuses;
}

/** Waits until the audit log holds a completed request of the ServiceAccount since `since` that `wanted` accepts (lines are written as requests finish). */
async function audited(since: string, wanted: (lines: string[]) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = readFileSync(auditLog(), "utf8")
      .split("\n")
      .filter((line) => line.includes(`"username":"${username}"`) && line.includes('"stage":"ResponseComplete"'));
    const recent = lines.filter((line) => Date.parse((JSON.parse(line) as { requestReceivedTimestamp: string }).requestReceivedTimestamp) >= Date.parse(since));
    if (wanted(recent) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function usage(args: string[]): ReturnType<typeof runCli> {
  return runCli(["usage", auditLog(), "--as", username, ...args]);
}

const binding = () => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name: `broad-${namespace}` },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
  subjects: [{ kind: "ServiceAccount", name: "worker", namespace }],
});

beforeAll(async () => {
  namespace = await uniqueNamespace("usage");
  username = `system:serviceaccount:${namespace}:worker`;
  token = await serviceAccountWithToken(namespace, "worker");
  await adminRequest("POST", `/api/v1/namespaces/${namespace}/configmaps`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings" },
    data: { a: "1" },
  });
  await adminRequest("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "registry.invalid/web:1" }] } },
    },
  });
  await applyObjects([binding()]);
});

describe("saprobe usage on kube-apiserver's own audit log", () => {
  it("learns the minimal RBAC, which replaces cluster-admin, keeps the traffic working, passes run --expect, and reports a new request as denied", async () => {
    // 1. Traffic with the broad role: everything allowed.
    const start = new Date().toISOString();
    expect(await traffic()).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    await audited(start, (lines) => lines.length >= 8);

    // 2. What it used, against the live RBAC: cluster-admin granted and mostly unused, critical.
    const report = await usage(["--since", start, "--live", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json"]);
    expect(report.code, report.stderr).toBe(1);
    const parsed = JSON.parse(report.stdout) as Report;
    const identity = parsed.usage?.identities[0];
    expect(
      identity?.requests.map(
        (request) => `${request.verb} ${request.resource ?? request.nonResourceURL}${request.subresource ? `/${request.subresource}` : ""}`,
      ),
    ).toEqual(["list nodes", "get configmaps", "update configmaps", "list pods", "watch pods", "get deployments/scale", "get /metrics", "get /version"]);
    expect(identity?.unused.find((grant) => grant.role.name === "cluster-admin")).toMatchObject({
      severity: "critical",
      binding: { kind: "ClusterRoleBinding", name: `broad-${namespace}` },
    });

    // 3. The minimal RBAC, applied in place of the broad binding.
    const learned = await usage(["--since", start, "-o", "yaml"]);
    expect(learned.code, learned.stderr).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-learned-")), "rbac.yaml");
    writeFileSync(file, learned.stdout);
    const applied = await kubectl(["apply", "-f", file]);
    expect(applied.code, applied.stderr).toBe(0);
    await deleteObjects([binding()]);
    // The oracle: the real authorizer, through kubectl.
    const canI = async (...args: string[]) => (await kubectl(["auth", "can-i", ...args, "--as", username])).stdout.trim();
    expect(await canI("update", "configmaps/settings", "-n", namespace)).toBe("yes");
    expect(await canI("delete", "configmaps/settings", "-n", namespace)).toBe("no");
    expect(await canI("list", "secrets", "-n", namespace)).toBe("no");

    // 4. The same traffic still succeeds.
    expect(await traffic()).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);

    // 5. run --expect holds it to the learned RBAC and passes: as the administrator with --as the
    // ServiceAccount, which lists the namespaces the ServiceAccount may not (else could not tell).
    const run = await saprobeRun(["--kubeconfig", testCluster().adminKubeconfig, "--as", username, "--expect", file]);
    expect(run.code, JSON.stringify(run.report.results.filter((result) => result.status !== "pass"))).toBe(0);
    expect(statuses(run.report)).toMatchObject({ "list-nodes": "pass", "list-pods": "pass", "list-pods-all": "pass" });

    // 6. A request the replay adds is denied, and reported with the rule that would allow it.
    const extra = new Date().toISOString();
    const added = await apiRequest("GET", `/api/v1/namespaces/${namespace}/secrets`, undefined, token);
    expect(added.status).toBe(403);
    await audited(extra, (lines) => lines.some((line) => line.includes('"resource":"secrets"')));
    const after = await usage(["--since", extra, "--manifests", file, "-o", "json", "--fail-on", "medium"]);
    expect(after.code, after.stderr).toBe(1);
    const denied = (JSON.parse(after.stdout) as Report).usage?.identities[0]?.requests.filter((request) => request.denied > 0);
    expect(denied).toEqual([
      expect.objectContaining({
        verb: "list",
        resource: "secrets",
        namespace,
        denied: 1,
        wouldAllow: `verbs=[list] apiGroups=[""] resources=[secrets] in a Role in namespace ${namespace}`,
      }),
    ]);
  });
});
