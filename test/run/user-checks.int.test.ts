import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminRequest, applyObjects, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { saprobeRun, serviceAccountWithToken, statuses } from "./scenario.js";

let namespace: string;
let kubeconfig: string;
let token: string;

/** A ServiceAccount that may get pods, their logs and one ConfigMap in its namespace, nothing else. */
beforeAll(async () => {
  namespace = await uniqueNamespace("checks");
  token = await serviceAccountWithToken(namespace, "app");
  await applyObjects([
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "app", namespace },
      rules: [
        { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["configmaps"], resourceNames: ["app-config"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "app", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "app" },
      subjects: [{ kind: "ServiceAccount", name: "app", namespace }],
    },
  ]);
  // Pods never run here (no scheduler or kubelet): its log has nothing, but the request is authorized.
  await adminRequest("POST", `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-0", namespace },
    spec: { serviceAccountName: "app", automountServiceAccountToken: false, containers: [{ name: "web", image: "registry.invalid/web:1" }] },
  });
  kubeconfig = writeKubeconfig({ token }, { namespace });
});

function checkFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-checks-"));
  writeFileSync(join(dir, "checks.yaml"), text);
  return join(dir, "checks.yaml");
}

describe("user checks against the real server", () => {
  it("get, logs, access-review and raw probes give the verdicts RBAC implies", async () => {
    const file = checkFile(`checks:
  - {id: get-config, title: t, probe: get, resource: configmaps, name: app-config, expect: allowed, severity: low, remediation: x}
  - {id: get-other-config, title: t, probe: get, resource: configmaps, name: other, expect: denied, severity: low, remediation: x}
  - {id: pod-logs, title: t, probe: logs, name: web-0, container: web, expect: allowed, severity: low, remediation: x}
  - {id: pod-logs-follow, title: t, probe: logs, name: web-0, followSeconds: 1, expect: allowed, severity: low, remediation: x}
  - id: no-secrets
    title: t
    probe: access-review
    expect: denied
    severity: high
    remediation: x
    reviews:
      - {verb: get, resource: secrets}
      - {verb: list, resource: secrets, namespace: ""}
      - {verb: get, path: /metrics}
  - {id: healthz, title: t, probe: raw, path: /healthz, expect: allowed, severity: info, remediation: x}
  - {id: metrics, title: t, probe: raw, path: /metrics, expect: denied, severity: info, remediation: x}
`);
    const { code, report } = await saprobeRun(["--kubeconfig", kubeconfig, "--checks", file, "--replace-checks"]);
    expect(statuses(report)).toEqual({
      "get-config": "pass",
      "get-other-config": "pass",
      "pod-logs": "pass",
      "pod-logs-follow": "pass",
      "no-secrets": "pass",
      healthz: "pass",
      metrics: "pass",
    });
    expect(code).toBe(0);
    const config = report.results.find((result) => result.id === "get-config");
    expect(config?.evidence).toMatchObject({ httpStatus: 404, reason: "NotFound" });
    const logs = report.results.find((result) => result.id === "pod-logs");
    // A pod that never ran: the server answers without a log (204 on v1.37, 400 on older servers).
    expect([204, 400]).toContain(logs?.evidence.httpStatus);
    const review = report.results.find((result) => result.id === "no-secrets");
    expect(review?.evidence.answers).toHaveLength(3);
  });

  it("--system-ca-file that holds the cluster CA makes the certificate look publicly trusted: tls-system-ca fails", async () => {
    const { code, report } = await saprobeRun(["--kubeconfig", kubeconfig, "--system-ca-file", testCluster().caFile]);
    expect(report.results.find((result) => result.id === "tls-system-ca")).toMatchObject({
      status: "fail",
      expected: "tls-unknown-issuer",
      observed: "publicly-trusted",
    });
    expect(code).toBe(1);
  });

  it("-v logs each request to stderr, with method, URL and status, never the token", async () => {
    const { stderr } = await saprobeRun(["--kubeconfig", kubeconfig, "-v"]);
    expect(stderr).toMatch(/GET https:\/\/127\.0\.0\.1:\d+\/version 200 \(\d+ms\)/);
    expect(stderr).toMatch(/POST https:\/\/127\.0\.0\.1:\d+\/apis\/authentication\.k8s\.io\/v1\/selfsubjectreviews 201/);
    expect(stderr).not.toContain(token);
  });
});
