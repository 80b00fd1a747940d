import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, PathHop, Report } from "../../src/model/report.js";
import { applyObjects, deleteObjects, kubectl, mintToken, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { saprobeRun } from "../run/scenario.js";

/*
 * The soundness defect found at the end of stop 23, on the real control plane: ServiceAccount
 * team/runner declared to read pods in its namespace, and on the server also a RoleBinding in
 * another namespace (ops) to mint tokens there, where ops/deployer is cluster-admin. `run --expect`
 * as the runner compared only the namespaces it could see and PASSED. Now an incomplete comparison
 * is "could not tell" (critical, no --fail-on lets it through), and a path to cluster-admin through
 * another identity is a critical failure. Real kubectl, as the administrator, says what the server
 * grants in each case.
 */

let team: string;
let ops: string;
let runnerUser: string;
let asRunner: string;
let asAdmin: string;

const rbac = "rbac.authorization.k8s.io";

/** The runner's declared RBAC: read pods in its namespace, and `extra`. */
function declaredObjects(extra: unknown[] = []): unknown[] {
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "runner", namespace: team } },
    {
      apiVersion: `${rbac}/v1`,
      kind: "Role",
      metadata: { name: "read-pods", namespace: team },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: { name: "read-pods", namespace: team },
      roleRef: { apiGroup: rbac, kind: "Role", name: "read-pods" },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace: team }],
    },
    ...extra,
  ];
}

/** A folder holding the declaration, for --expect. */
function declaration(extra: unknown[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-hidden-paths-"));
  writeFileSync(join(dir, "rbac.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: declaredObjects(extra) }));
  return dir;
}

/** The RoleBinding in ops the declaration does not name: mint a token for any ServiceAccount of ops. */
function mint(): unknown[] {
  return [
    {
      apiVersion: `${rbac}/v1`,
      kind: "Role",
      metadata: { name: "mint", namespace: ops },
      rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: { name: "mint", namespace: ops },
      roleRef: { apiGroup: rbac, kind: "Role", name: "mint" },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace: team }],
    },
  ];
}

/** List namespaces, cluster-wide, for the runner (declared or not, as each case says). */
function listNamespaces(): unknown[] {
  return [
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRole",
      metadata: { name: `${team}-list-namespaces` },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: `${team}-list-namespaces` },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: `${team}-list-namespaces` },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace: team }],
    },
  ];
}

async function serverSays(...args: string[]): Promise<string> {
  return (await kubectl(["auth", "can-i", ...args, "--as", runnerUser])).stdout.trim();
}

/** RBAC changes reach the authorizer through a watch: wait (bounded) until kubectl sees the answer. */
async function waitFor(answer: string, ...args: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await serverSays(...args)) === answer) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`kubectl auth can-i ${args.join(" ")} never answered ${answer}`);
}

function result(report: Report, id: string): CheckResult | undefined {
  return report.results.find((entry) => entry.id === id);
}

function pathResults(report: Report): CheckResult[] {
  return report.results.filter((entry) => entry.id.startsWith("cluster-admin-path"));
}

beforeAll(async () => {
  team = await uniqueNamespace("team");
  ops = await uniqueNamespace("ops");
  runnerUser = `system:serviceaccount:${team}:runner`;
  await applyObjects([
    ...declaredObjects(),
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "deployer", namespace: ops } },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: `${ops}-deployer-admin` },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "deployer", namespace: ops }],
    },
  ]);
  await applyObjects(mint());
  await waitFor("yes", "create", "serviceaccounts", "--subresource=token", "-n", ops);
  asRunner = writeKubeconfig({ token: await mintToken(team, "runner", { expirationSeconds: 3600 }) }, { namespace: team });
  asAdmin = writeKubeconfig({ token: testCluster().adminToken }, { namespace: team });
});

afterAll(async () => {
  if (ops) await deleteObjects([{ apiVersion: `${rbac}/v1`, kind: "ClusterRoleBinding", metadata: { name: `${ops}-deployer-admin` } }, ...listNamespaces()]);
});

describe("run --expect never passes what it could not see", () => {
  it("as the runner, which may not list namespaces: could not tell (critical), exit 1 even with --fail-on critical", async () => {
    expect(await serverSays("list", "namespaces")).toBe("no");
    expect(await serverSays("create", "serviceaccounts", "--subresource=token", "-n", ops)).toBe("yes");
    const { code, report, stdout } = await saprobeRun(["--kubeconfig", asRunner, "--expect", declaration(), "--fail-on", "critical"]);
    const coverage = result(report, "rbac-permissions");
    expect(coverage).toMatchObject({ status: "error", severity: "critical", observed: "incomplete", error: { code: "comparison-incomplete" } });
    expect(coverage?.message).toContain("the identity may not list namespaces");
    expect(coverage?.evidence.compared).not.toContain(ops);
    expect(coverage?.remediation).toContain("--as the identity");
    expect(report.summary.outcome).toBe("failed");
    expect(stdout).not.toContain("Outcome: PASSED");
    expect(code).toBe(1);
  });

  it("as the administrator with --as the runner: every namespace compared, the extra permission and the path to cluster-admin fail, each hop confirmed", async () => {
    expect(await kubectl(["auth", "can-i", "*", "*", "--as", `system:serviceaccount:${ops}:deployer`]).then((answer) => answer.stdout.trim())).toBe("yes");
    const { code, report } = await saprobeRun(["--kubeconfig", asAdmin, "--as", runnerUser, "--expect", declaration(), "--fail-on", "critical"]);
    const coverage = result(report, "rbac-permissions");
    expect(coverage).toMatchObject({ status: "info", observed: "different" });
    expect(coverage?.evidence.compared).toContain(ops);
    expect(coverage?.evidence.namespacesFrom).toContain("listed by the impersonating identity");
    expect(result(report, `over-privileged/${ops}/serviceaccounts/token`)).toMatchObject({ status: "fail" });
    const paths = pathResults(report);
    expect(paths.map((entry) => [entry.id, entry.status, entry.severity])).toEqual([[`cluster-admin-path/ServiceAccount/${team}/runner`, "fail", "critical"]]);
    const hops = paths[0]?.evidence.path as PathHop[];
    expect(hops.map((hop) => [hop.edge, hop.reaches.name])).toEqual([
      ["serviceaccount-token", "deployer"],
      ["holds", "cluster-admin"],
    ]);
    expect(hops.every((hop) => hop.confirmation?.agreed === true)).toBe(true);
    expect(paths[0]?.evidence.firstHopDeclared).toBe(false);
    expect(paths[0]?.message).toContain("a permission beyond the declaration opens the path");
    expect(code).toBe(1);
  });

  it("the path is a failure even when the declaration grants its first hop (live = declared)", async () => {
    const { code, report } = await saprobeRun(["--kubeconfig", asAdmin, "--as", runnerUser, "--expect", declaration(mint()), "--fail-on", "critical"]);
    expect(result(report, "rbac-permissions")).toMatchObject({ status: "info", observed: "equal" });
    const paths = pathResults(report);
    expect(paths.map((entry) => entry.severity)).toEqual(["critical"]);
    expect(paths[0]?.evidence.firstHopDeclared).toBe(true);
    expect(paths[0]?.message).toContain("the declaration itself makes the identity cluster-admin");
    expect(code).toBe(1);
  });

  it("may list namespaces but not read RBAC objects, without --as: the extra permission fails and the path is could-not-tell (critical)", async () => {
    await applyObjects(listNamespaces());
    try {
      await waitFor("yes", "list", "namespaces");
      expect(await serverSays("list", "rolebindings.rbac.authorization.k8s.io", "-A")).toBe("no");
      const { code, report } = await saprobeRun(["--kubeconfig", asRunner, "--expect", declaration(listNamespaces()), "--fail-on", "critical"]);
      const coverage = result(report, "rbac-permissions");
      expect(coverage).toMatchObject({ status: "info", observed: "different" });
      expect(coverage?.evidence.compared).toContain(ops);
      expect(result(report, `over-privileged/${ops}/serviceaccounts/token`)).toMatchObject({ status: "fail" });
      expect(pathResults(report).map((entry) => [entry.id, entry.status, entry.severity, entry.error?.code])).toEqual([
        ["cluster-admin-path", "error", "critical", "paths-not-read"],
      ]);
      expect(code).toBe(1);
    } finally {
      await deleteObjects(listNamespaces());
    }
  });

  it("may list namespaces and read RBAC objects itself, without --as: the path is found by the identity's own reads, could-not-tell (critical) while it may not see that the ServiceAccount exists", async () => {
    const readRbac = [
      ...listNamespaces(),
      {
        apiVersion: `${rbac}/v1`,
        kind: "ClusterRole",
        metadata: { name: `${team}-read-rbac` },
        rules: [{ apiGroups: [rbac], resources: ["roles", "clusterroles", "rolebindings", "clusterrolebindings"], verbs: ["get", "list", "watch"] }],
      },
      {
        apiVersion: `${rbac}/v1`,
        kind: "ClusterRoleBinding",
        metadata: { name: `${team}-read-rbac` },
        roleRef: { apiGroup: rbac, kind: "ClusterRole", name: `${team}-read-rbac` },
        subjects: [{ kind: "ServiceAccount", name: "runner", namespace: team }],
      },
    ];
    await applyObjects(readRbac);
    try {
      await waitFor("yes", "list", "clusterrolebindings.rbac.authorization.k8s.io");
      await waitFor("yes", "list", "namespaces");
      const { code, report } = await saprobeRun(["--kubeconfig", asRunner, "--expect", declaration(readRbac), "--fail-on", "critical"]);
      expect(result(report, "rbac-permissions")).toMatchObject({ status: "info", observed: "different" });
      const paths = pathResults(report);
      // The audit alone would rate it high (a hop relies on ops/deployer existing, which the runner may not
      // list); as a verdict it is could-not-tell at critical, and says what would settle it.
      expect(paths.map((entry) => [entry.id, entry.status, entry.severity, entry.error?.code])).toEqual([
        [`cluster-admin-path/ServiceAccount/${team}/runner`, "error", "critical", "path-not-settled"],
      ]);
      expect(paths[0]?.message).toContain(`saprobe could not read whether ServiceAccount ${ops}/deployer exists`);
      expect(paths[0]?.evidence.readBy).toBe("the identity");
      expect(code).toBe(1);
    } finally {
      await deleteObjects(readRbac);
    }
  });

  it("without the RoleBinding in ops, the same run passes: nothing beyond the declaration, no path", async () => {
    await deleteObjects(mint());
    try {
      await waitFor("no", "create", "serviceaccounts", "--subresource=token", "-n", ops);
      const { code, report } = await saprobeRun(["--kubeconfig", asAdmin, "--as", runnerUser, "--expect", declaration()]);
      expect(result(report, "rbac-permissions")).toMatchObject({ status: "info", observed: "equal" });
      expect(pathResults(report)).toEqual([]);
      expect(report.results.filter((entry) => entry.status === "fail" || entry.status === "error")).toEqual([]);
      expect(report.summary.outcome).toBe("passed");
      expect(code).toBe(0);
    } finally {
      await applyObjects(mint());
      await waitFor("yes", "create", "serviceaccounts", "--subresource=token", "-n", ops);
    }
  });
});
