import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { adminRequest, inClusterEnv, makeServiceAccountMount, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { grantListWatch, saprobeRun, serviceAccountWithToken, startKubectlProxy, statuses } from "./scenario.js";

const LIST_WATCH = ["list-nodes", "list-pods", "list-pods-all", "watch-nodes", "watch-pods"];

let namespace: string;
let readerToken: string;
let nobodyToken: string;
const proxies: ChildProcess[] = [];

beforeAll(async () => {
  namespace = await uniqueNamespace("run");
  [readerToken, nobodyToken] = await Promise.all([serviceAccountWithToken(namespace, "reader"), serviceAccountWithToken(namespace, "nobody")]);
  await grantListWatch(namespace, "reader");
});

afterAll(() => {
  for (const proxy of proxies) proxy.kill();
});

describe("saprobe run, an SA that may list and watch nodes and pods", () => {
  it("in-cluster (mount + KUBERNETES_SERVICE_*): every judged check passes and list/watch are observed allowed, exit 0", async () => {
    const dir = makeServiceAccountMount(namespace, readerToken);
    const { code, report, stderr } = await saprobeRun(["--in-cluster", "--sa-dir", dir], inClusterEnv());
    expect(stderr).toBe("");
    expect(statuses(report)).toEqual({
      "tls-system-ca": "pass",
      anonymous: "pass",
      version: "pass",
      whoami: "pass",
      token: "pass",
      "list-nodes": "info",
      "list-pods": "info",
      "list-pods-all": "info",
      "watch-nodes": "info",
      "watch-pods": "info",
    });
    expect(code).toBe(0);
    expect(report.target).toMatchObject({
      source: "in-cluster",
      identity: { username: `system:serviceaccount:${namespace}:reader`, source: "SelfSubjectReview" },
      serverVersion: testCluster().version,
    });
    const listPods = report.results.find((result) => result.id === "list-pods");
    expect(listPods).toMatchObject({ expected: "any", observed: "allowed", evidence: { httpStatus: 200, namespace } });
    expect(report.results.find((result) => result.id === "tls-system-ca")?.evidence.tlsCode).toMatch(/UNABLE_TO|SELF_SIGNED/);
    expect(report.results.find((result) => result.id === "token")?.evidence).toMatchObject({
      kind: "bound",
      namespaceClaim: namespace,
      mountNamespace: namespace,
      accepted: "accepted",
    });
    expect(JSON.stringify(report)).not.toContain(readerToken);
  });

  it("kubeconfig: the same verdicts", async () => {
    const kubeconfig = writeKubeconfig({ token: readerToken }, { namespace });
    const { code, report } = await saprobeRun(["--kubeconfig", kubeconfig]);
    expect(report.target.source).toBe("kubeconfig");
    expect(LIST_WATCH.map((id) => statuses(report)[id])).toEqual(["info", "info", "info", "info", "info"]);
    expect(code).toBe(0);
  });

  it("the real kubectl proxy --port=0: list and watch observed, TLS, anonymous and token checks are skipped", async () => {
    const proxy = await startKubectlProxy(writeKubeconfig({ token: readerToken }, { namespace }));
    proxies.push(proxy.process);
    const { code, report } = await saprobeRun(["--server", proxy.url, "--namespace", namespace]);
    expect(statuses(report)).toMatchObject({
      "tls-system-ca": "skip",
      anonymous: "skip",
      token: "skip",
      version: "pass",
      whoami: "pass",
      "list-pods": "info",
      "watch-nodes": "info",
      "watch-pods": "info",
    });
    expect(report.target.identity?.username).toBe(`system:serviceaccount:${namespace}:reader`);
    expect(code).toBe(0);
  });
});

describe("saprobe run, an SA that may not list or watch", () => {
  it("without an expectation, a least-privilege identity passes: each list and watch is observed denied, with the Status message", async () => {
    const dir = makeServiceAccountMount(namespace, nobodyToken);
    const { code, report } = await saprobeRun(["--in-cluster", "--sa-dir", dir], inClusterEnv());
    expect(code).toBe(0);
    for (const id of LIST_WATCH) {
      const result = report.results.find((candidate) => candidate.id === id);
      expect(result, id).toMatchObject({ status: "info", expected: "any", observed: "denied", evidence: { httpStatus: 403, reason: "Forbidden" } });
      expect(String(result?.evidence.statusMessage)).toContain(`User "system:serviceaccount:${namespace}:nobody" cannot`);
      // Titles say what was asked, never that the identity can do it.
      expect(result?.title).not.toMatch(/can /);
    }
    expect(statuses(report)).toMatchObject({ version: "pass", whoami: "pass", token: "pass" });
    expect(report.summary).toMatchObject({ fail: 0, info: LIST_WATCH.length, outcome: "passed" });
  });

  it("a check file that expects list nodes allowed still fails, with its own severity, and --fail-on high lets it through", async () => {
    const dir = makeServiceAccountMount(namespace, nobodyToken);
    const checks = join(mkdtempSync(join(tmpdir(), "saprobe-checks-")), "checks.yaml");
    writeFileSync(
      checks,
      "checks:\n  - id: list-nodes\n    title: List nodes\n    probe: list\n    resource: nodes\n    expect: allowed\n    severity: medium\n    remediation: Bind a ClusterRole with list on nodes.\n",
    );
    const failing = await saprobeRun(["--in-cluster", "--sa-dir", dir, "--checks", checks], inClusterEnv());
    expect(failing.code).toBe(1);
    expect(failing.report.results.find((result) => result.id === "list-nodes")).toMatchObject({ status: "fail", expected: "allowed", observed: "denied" });
    const { code, report } = await saprobeRun(["--in-cluster", "--sa-dir", dir, "--checks", checks, "--fail-on", "high"], inClusterEnv());
    expect(report.summary.outcome).toBe("passed");
    expect(report.warnings).toContain("--fail-on high: 1 check(s) did not pass but are below that level and do not fail the run: list-nodes (medium, fail)");
    expect(code).toBe(0);
  });

  it("passes when the checks expect the denial (--checks overrides by id)", async () => {
    const kubeconfig = writeKubeconfig({ token: nobodyToken }, { namespace });
    const { report } = await saprobeRun(["--kubeconfig", kubeconfig, "--checks", "fixtures/checks/override.yaml"]);
    expect(report.results.find((result) => result.id === "list-nodes")).toMatchObject({ status: "pass", expected: "denied", observed: "denied" });
    expect(report.warnings.some((warning) => warning.includes('check "list-nodes"'))).toBe(true);
  });
});

/** Expected RBAC that grants the reader list and watch on pods only (its live binding also grants nodes). */
function podsOnlyExpectation(): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-expect-"));
  const name = `pods-only-${namespace}`;
  writeFileSync(
    join(dir, "rbac.yaml"),
    [
      `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"${name}"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["list","watch"]}]}`,
      "---",
      `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"${name}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"${name}"},"subjects":[{"kind":"ServiceAccount","name":"reader","namespace":"${namespace}"}]}`,
    ].join("\n"),
  );
  return dir;
}

describe("saprobe run --expect", () => {
  it("fails list and watch on nodes as over-privileged when the expected RBAC only grants pods", async () => {
    const dir = podsOnlyExpectation();
    const { code, report } = await saprobeRun(["--in-cluster", "--sa-dir", makeServiceAccountMount(namespace, readerToken), "--expect", dir], inClusterEnv());
    expect(code).toBe(1);
    expect(statuses(report)).toMatchObject({
      "list-nodes": "fail",
      "watch-nodes": "fail",
      "list-pods": "pass",
      "list-pods-all": "pass",
      "watch-pods": "pass",
      version: "pass",
      whoami: "pass",
    });
    const nodes = report.results.find((result) => result.id === "list-nodes");
    expect(nodes).toMatchObject({ expected: "denied", expectedSource: "rbac", observed: "allowed" });
    expect(nodes?.message).toMatch(/^over-privileged: /);
    // The reader may not read RBAC objects: the live comparison is skipped, saying why, not failed.
    expect(report.drift.map((item) => item.change)).toEqual(["skipped", "skipped"]);
    expect(report.drift[0]?.detail).toContain("forbidden");
  });

  it("reports expected objects missing from the cluster as drift when the identity can read them", async () => {
    const { code, report } = await saprobeRun(["--kubeconfig", testCluster().adminKubeconfig, "--expect", podsOnlyExpectation()]);
    expect(report.drift.map((item) => [item.object.kind, item.change])).toEqual([
      ["ClusterRole", "missing"],
      ["ClusterRoleBinding", "missing"],
    ]);
    expect(report.summary.outcome).toBe("failed");
    expect(code).toBe(1);
  });

  it("names a broken expected manifest with exit 2 before touching the server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-expect-"));
    writeFileSync(join(dir, "bad.yaml"), "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x, namespace: y}\nrules: nope\n");
    const result = await runCli(["run", "--server", "https://127.0.0.1:1", "--expect", dir], { env: { PATH: process.env.PATH }, cwd: process.cwd() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bad.yaml:");
  });
});

describe("saprobe run cannot run", () => {
  it("a token the server never issued: 401, exit 3, report written", async () => {
    const forged = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmdlZCJ9.${Buffer.from(JSON.stringify({ iss: testCluster().issuer, sub: `system:serviceaccount:${namespace}:reader`, exp: Math.floor(Date.now() / 1000) + 3600, "kubernetes.io": { namespace } })).toString("base64url")}.Zm9yZ2Vk`;
    const dir = makeServiceAccountMount(namespace, forged);
    const { code, report, stdout } = await saprobeRun(["--in-cluster", "--sa-dir", dir], inClusterEnv());
    expect(code).toBe(3);
    expect(report.errors[0]?.code).toBe("unauthorized");
    expect(report.summary.outcome).toBe("could-not-run");
    expect(report.results.find((result) => result.id === "whoami")).toMatchObject({ status: "error", observed: "unauthorized" });
    expect(report.results.find((result) => result.id === "token")).toMatchObject({ status: "fail", observed: "rejected" });
    expect(stdout).not.toContain(forged);
  });

  it("a token whose ServiceAccount was deleted: the server no longer accepts it, exit 3", async () => {
    const revoked = await serviceAccountWithToken(namespace, "doomed");
    await adminRequest("DELETE", `/api/v1/namespaces/${namespace}/serviceaccounts/doomed`);
    const { code, report } = await saprobeRun(["--in-cluster", "--sa-dir", makeServiceAccountMount(namespace, revoked)], inClusterEnv());
    expect(code).toBe(3);
    expect(report.errors.map((error) => error.code)).toEqual(["unauthorized"]);
    // Its claims still look fine: only the server's 401 shows it is dead.
    expect(report.results.find((result) => result.id === "token")).toMatchObject({
      status: "fail",
      observed: "rejected",
      evidence: { kind: "bound", accepted: "rejected" },
    });
  });

  it("a server that accepts the connection but never answers: every probe is an error, exit 3", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const kubeconfig = writeKubeconfig({ token: readerToken }, { namespace });
      const started = Date.now();
      const { code, report } = await saprobeRun([
        "--kubeconfig",
        kubeconfig,
        "--server",
        `https://127.0.0.1:${port}`,
        "--certificate-authority",
        testCluster().caFile,
        "--request-timeout",
        "1s",
      ]);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(code).toBe(3);
      expect(report.errors[0]?.message).toBe(`the server at https://127.0.0.1:${port} accepted the connection but sent no response within 1s`);
      expect(report.results.filter((result) => result.status === "error").length).toBeGreaterThanOrEqual(8);
    } finally {
      silent.close();
    }
  });
});
