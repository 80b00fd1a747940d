import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";
import {
  adminRequest,
  applyObjects,
  deleteObjects,
  inClusterEnv,
  kubectl,
  makeServiceAccountMount,
  mintToken,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";
import { saprobeRun } from "../run/scenario.js";

/*
 * Issue 13's scenarios on the real control plane: a least-privilege ServiceAccount `runner` (read pods
 * and configmaps in its namespace), manifests written without metadata.namespace and applied with
 * `kubectl apply -n`, and saprobe run --expect as the ServiceAccount itself (it cannot read RBAC
 * objects). Real kubectl (`auth can-i`, as an administrator impersonating the runner) says what the
 * server grants in each case, so the verdicts are checked against the server, not against saprobe.
 */

let namespace: string;
let runner: string;
let expectDir: string;
let kubeconfig: string;

const ROLE = (extraRules = "") => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner-read
rules:
- apiGroups: [""]
  resources: [pods, configmaps]
  verbs: [get, list]
${extraRules}`;

const MANIFESTS = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
---
${ROLE()}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: runner-read
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: runner-read
subjects:
- kind: ServiceAccount
  name: runner
`;

async function kubectlApply(yaml: string): Promise<void> {
  const applied = await kubectl(["apply", "-n", namespace, "-f", "-"], { input: yaml });
  if (applied.code !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
}

/** The real server's answer for the runner, asked by the administrator with kubectl. */
async function serverSays(...args: string[]): Promise<string> {
  return (await kubectl(["auth", "can-i", ...args, "--as", `system:serviceaccount:${namespace}:runner`])).stdout.trim();
}

async function runAsRunner(extra: string[] = []): Promise<{ code: number; report: Report; stdout: string }> {
  return saprobeRun(["--kubeconfig", kubeconfig, "--expect", expectDir, ...extra]);
}

function failed(report: Report): CheckResult[] {
  return report.results.filter((result) => result.status === "fail");
}

/** List namespaces, declared and granted: without it run --expect could not see every namespace, and could not tell. */
function listNamespaces(): unknown[] {
  const name = `${namespace}-runner-list-namespaces`;
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace }],
    },
  ];
}

beforeAll(async () => {
  namespace = await uniqueNamespace("team");
  await kubectlApply(MANIFESTS);
  await applyObjects(listNamespaces());
  runner = await mintToken(namespace, "runner", { expirationSeconds: 3600 });
  expectDir = mkdtempSync(join(tmpdir(), "saprobe-team-rbac-"));
  writeFileSync(join(expectDir, "rbac.yaml"), MANIFESTS);
  writeFileSync(join(expectDir, "list-namespaces.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: listNamespaces() }));
  // RBAC changes reach the authorizer through a watch: wait (bounded) until it answers yes.
  for (let attempt = 0; attempt < 50 && (await serverSays("list", "namespaces")) !== "yes"; attempt++) await new Promise((resolve) => setTimeout(resolve, 200));
  // The context's namespace is the team's, as `kubectl apply` used it: objects without one land there.
  kubeconfig = writeKubeconfig({ token: runner }, { namespace });
});

// The cluster-wide objects would otherwise show up in other tests' live audits of this shared cluster.
afterAll(async () => {
  if (namespace) await deleteObjects(listNamespaces());
});

describe("run --expect, the whole permission set, as the ServiceAccount itself", () => {
  it("live = declared: passes, and says which namespaces it compared (every one)", async () => {
    expect(await serverSays("list", "pods", "-n", namespace)).toBe("yes");
    expect(await serverSays("list", "namespaces")).toBe("yes");
    expect(await serverSays("get", "secrets", "-n", namespace)).toBe("no");
    const { code, report } = await runAsRunner();
    expect(failed(report)).toEqual([]);
    const coverage = report.results.find((result) => result.id === "rbac-permissions");
    expect(coverage).toMatchObject({ status: "info", observed: "equal" });
    expect(coverage?.evidence.compared).toEqual(expect.arrayContaining([namespace, "default", "kube-system"]));
    expect(coverage?.evidence.cluster).toBe(true);
    expect(coverage?.evidence.namespacesFrom).toBe("every namespace on the server");
    // list-pods was judged by the expected RBAC in the team's namespace, where kubectl apply -n put it.
    expect(report.results.find((result) => result.id === "list-pods")).toMatchObject({ status: "pass", expectedSource: "rbac", observed: "allowed" });
    expect(report.results.find((result) => result.id === "list-nodes")).toMatchObject({ status: "pass", expected: "denied", observed: "denied" });
    expect(code).toBe(0);
  });

  it("an extra secrets rule in the live Role fails, naming secrets, though only the fixed probes cannot see it", async () => {
    await kubectlApply(ROLE('- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list]\n'));
    try {
      expect(await serverSays("get", "secrets", "-n", namespace)).toBe("yes");
      const { code, report } = await runAsRunner();
      const over = failed(report);
      expect(over.map((result) => result.id)).toEqual([`over-privileged/${namespace}/secrets`]);
      expect(over[0]?.message).toMatch(/^over-privileged: the server lets system:serviceaccount:.*:runner get, list secrets in namespace /);
      expect(over[0]?.evidence.auditRules).toEqual(["secrets-read"]);
      // The runner may not read RBAC objects: the advice says how to find the binding, never "bind".
      expect(over[0]?.remediation).toMatch(/^Find the binding that grants it \(as an administrator: saprobe who-can get secrets -n /);
      // Reading Secrets acts as the ServiceAccounts whose tokens they hold: whether that reaches
      // cluster-admin needs the RBAC objects the runner may not read, so it could not tell.
      expect(report.results.find((result) => result.id === "cluster-admin-path")).toMatchObject({ status: "error", severity: "critical" });
      expect(code).toBe(1);
    } finally {
      await kubectlApply(ROLE());
    }
  });

  it("a cluster-admin binding fails even with --fail-on high, and says cluster-admin (critical)", async () => {
    const binding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${namespace}-runner-admin` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace }],
    };
    await applyObjects([binding]);
    try {
      expect(await serverSays("*", "*")).toBe("yes");
      const { code, report, stdout } = await runAsRunner(["--fail-on", "high"]);
      const critical = failed(report).filter((result) => result.severity === "critical");
      expect(critical.map((result) => result.id)).toEqual(["over-privileged/cluster/all.all"]);
      expect(critical[0]?.title).toContain("cluster-admin power");
      expect(critical[0]?.evidence.auditRules).toContain("cluster-admin-binding");
      // Now it may read RBAC objects: the finding names the binding that grants it.
      expect(critical[0]?.remediation).toContain(`ClusterRoleBinding ${namespace}-runner-admin -> ClusterRole cluster-admin`);
      // One cluster-wide difference, not one per namespace.
      expect(failed(report).filter((result) => result.id.startsWith(`over-privileged/${namespace}/`))).toEqual([]);
      expect(stdout).not.toContain(runner);
      expect(code).toBe(1);
    } finally {
      await deleteObjects([binding]);
    }
  });

  it("a deleted RoleBinding fails as under-privileged and names pods", async () => {
    await adminRequest("DELETE", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings/runner-read`);
    try {
      expect(await serverSays("list", "pods", "-n", namespace)).toBe("no");
      const { code, report } = await runAsRunner();
      const ids = failed(report).map((result) => result.id);
      expect(ids).toEqual(expect.arrayContaining([`under-privileged/${namespace}/pods`, `under-privileged/${namespace}/configmaps`, "list-pods"]));
      const pods = report.results.find((result) => result.id === `under-privileged/${namespace}/pods`);
      expect(pods?.message).toContain(`get, list pods in namespace ${namespace}`);
      expect(pods?.message).toContain(`RoleBinding ${namespace}/runner-read`);
      expect(pods?.remediation).toMatch(/^Apply the expected RBAC/);
      expect(code).toBe(1);
    } finally {
      await kubectlApply(MANIFESTS);
    }
  });
});

describe("run could not run: said first and once, exit 3", () => {
  it("an impersonation the server refuses is exit 3 with the cause and the fix, not seven FAIL rows", async () => {
    const out = mkdtempSync(join(tmpdir(), "saprobe-report-"));
    const result = await runCli(["run", "--kubeconfig", kubeconfig, "--as", "someone-else", "--out", out], {
      env: { PATH: process.env.PATH, COLUMNS: "80" },
      cwd: process.cwd(),
    });
    expect((await kubectl(["auth", "can-i", "impersonate", "users", "--as", `system:serviceaccount:${namespace}:runner`])).stdout.trim()).toBe("no");
    expect(result.code).toBe(3);
    const lines = result.stdout.split("\n");
    // The cause comes first: within the first screen's opening lines, right after the outcome.
    expect(lines.slice(0, 6).some((line) => line.startsWith("Could not run: "))).toBe(true);
    expect(result.stdout.replace(/\n/g, " ")).toContain(`Could not run: the API server refused to let saprobe's credentials act as "someone-else" (403)`);
    expect(result.stdout).toContain("Fix: Run as an identity that may impersonate");
    expect(result.stdout).not.toMatch(/FAIL|ERROR/);
    expect(result.stdout.trim().split("\n").length).toBeLessThan(20);
  });

  it("an expired token says when it expired", async () => {
    const exp = Math.floor(Date.now() / 1000) - 3600;
    const expired = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmdlZCJ9.${Buffer.from(JSON.stringify({ iss: testCluster().issuer, sub: `system:serviceaccount:${namespace}:runner`, exp, "kubernetes.io": { namespace } })).toString("base64url")}.Zm9yZ2Vk`;
    const { code, report, stdout } = await saprobeRun(["--in-cluster", "--sa-dir", makeServiceAccountMount(namespace, expired)], inClusterEnv());
    expect(code).toBe(3);
    expect(report.errors).toEqual([
      {
        code: "token-expired",
        message: expect.stringContaining(`the token expired at ${new Date(exp * 1000).toISOString()}`),
        fix: expect.stringContaining("kubectl create token"),
      },
    ]);
    expect(stdout).not.toContain(expired);
  });

  it("a refused connection prints the cause and fix first, in a few lines", async () => {
    const result = await runCli(["run", "--server", "https://127.0.0.1:1", "--token", "not-a-real-token", "--insecure-skip-tls-verify"], {
      env: { PATH: process.env.PATH, COLUMNS: "80" },
      cwd: process.cwd(),
    });
    expect(result.code).toBe(3);
    const lines = result.stdout.trim().split("\n");
    expect(lines.slice(0, 6).find((line) => line.startsWith("Could not run: "))).toMatch(/^Could not run: nothing is listening at https:\/\/127\.0\.0\.1:1/);
    expect(result.stdout).toContain("Fix: Check the server URL");
    expect(lines.length).toBeLessThan(20);
  });
});

describe("groups exactly as the server uses them", () => {
  it("offline can-i --as a ServiceAccount with --as-group: only the groups given (plus system:authenticated), as kubectl's impersonation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-groups-"));
    const name = `${namespace}-all-sa-read`;
    const objects = [
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "Group", name: `system:serviceaccounts:${namespace}`, apiGroup: "rbac.authorization.k8s.io" }],
      },
    ];
    writeFileSync(join(dir, "rbac.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    await applyObjects(objects);
    try {
      // Not the runner: its own Role already lets it list pods in its namespace.
      const user = `system:serviceaccount:${namespace}:other`;
      const live = await kubectl(["auth", "can-i", "list", "pods", "-n", namespace, "--as", user, "--as-group", "some-team"]);
      const liveWithoutGroups = await kubectl(["auth", "can-i", "list", "pods", "-n", "default", "--as", user]);
      const offline = await runCli(["can-i", "list", "pods", "-n", namespace, "--as", user, "--as-group", "some-team", "--manifests", dir], {
        env: { PATH: process.env.PATH },
        cwd: process.cwd(),
      });
      const offlineWithoutGroups = await runCli(["can-i", "list", "pods", "-n", "default", "--as", user, "--manifests", dir], {
        env: { PATH: process.env.PATH },
        cwd: process.cwd(),
      });
      expect([live.stdout.trim(), liveWithoutGroups.stdout.trim()]).toEqual(["no", "yes"]);
      expect([offline.stdout.split("\n")[0], offlineWithoutGroups.stdout.split("\n")[0]]).toEqual(["no", "yes"]);
    } finally {
      await deleteObjects(objects);
    }
  });
});
