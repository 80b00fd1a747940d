import { describe, expect, it } from "vitest";
import {
  adminRequest,
  apiRequest,
  createServiceAccount,
  kubectl,
  mintToken,
  signClientCertificate,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";

describe("the real control plane", () => {
  it("is reached by real kubectl with the admin kubeconfig", async () => {
    const version = await kubectl(["get", "--raw", "/version"]);
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout).gitVersion).toBe(testCluster().version);
    const list = await kubectl(["auth", "can-i", "--list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  it("serves the TLS certificate of our own CA, which the system bundle does not trust", async () => {
    const anonymous = await kubectl([
      "get",
      "--raw",
      "/version",
      "--server",
      testCluster().server,
      "--certificate-authority",
      "/etc/ssl/certs/ca-certificates.crt",
      "--token",
      "not-sent",
    ]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/certificate signed by unknown authority/);
  });

  it("lets anonymous read /version but not /api", async () => {
    expect((await apiRequest("GET", "/version", undefined, null)).status).toBe(200);
    const api = await apiRequest("GET", "/api", undefined, null);
    expect(api.status).toBe(403);
    expect(api.json.message).toContain('User "system:anonymous" cannot get path "/api"');
  });

  it("accepts a TokenRequest token, authorizes it while bound, and forbids it once the binding is removed", async () => {
    const ns = await uniqueNamespace("smoke");
    await createServiceAccount(ns, "reader");
    const token = await mintToken(ns, "reader");
    const kubeconfig = writeKubeconfig({ token }, { namespace: ns });

    const whoami = await kubectl(["auth", "whoami", "-o", "json"], { kubeconfig });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout).status.userInfo.username).toBe(`system:serviceaccount:${ns}:reader`);
    expect((await kubectl(["get", "pods"], { kubeconfig })).code).not.toBe(0);

    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
    });
    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: "pod-reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace: ns }],
    });
    const allowed = await kubectl(["get", "pods"], { kubeconfig });
    expect(allowed.code, allowed.stderr).toBe(0);

    await adminRequest("DELETE", `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/pod-reader`);
    const denied = await kubectl(["get", "pods"], { kubeconfig });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`User "system:serviceaccount:${ns}:reader" cannot list resource "pods"`);
  });

  it("rejects a token that was never valid with 401", async () => {
    expect((await apiRequest("GET", "/api", undefined, "not-a-real-token")).status).toBe(401);
  });

  it("accepts client certificates signed by the cluster CA", async () => {
    const { certFile, keyFile } = signClientCertificate("cert-user", ["team-a"]);
    const kubeconfig = writeKubeconfig({ "client-certificate": certFile, "client-key": keyFile });
    const whoami = await kubectl(["auth", "whoami", "-o", "json"], { kubeconfig });
    expect(whoami.code, whoami.stderr).toBe(0);
    const info = JSON.parse(whoami.stdout).status.userInfo;
    expect(info.username).toBe("cert-user");
    expect(info.groups).toContain("team-a");
  });
});
