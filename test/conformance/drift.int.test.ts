import { beforeAll, describe, expect, it } from "vitest";
import { checkDrift } from "../../src/conformance/index.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { createKubeClient } from "../../src/kube/client.js";
import type { KubeClient } from "../../src/kube/types.js";
import type { RbacObject } from "../../src/rbac/index.js";
import { adminRequest, createServiceAccount, mintToken, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";

// Drift between expected RBAC and what the real server stores, read with saprobe's own client.

async function clientWithToken(token: string): Promise<KubeClient> {
  const connection = await resolveConnection({
    overrides: {},
    env: { HOME: "/nonexistent" },
    cwd: "/",
    kubeconfig: writeKubeconfig({ token }),
    requestTimeoutMs: 15_000,
    serviceAccountDir: "/nonexistent",
  });
  return createKubeClient(connection);
}

let namespace: string;
let expected: RbacObject[];

beforeAll(async () => {
  namespace = await uniqueNamespace("drift");
  await createServiceAccount(namespace, "bot");
  await createServiceAccount(namespace, "outsider");
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}`;
  await adminRequest("POST", `${rbac}/roles`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
  });
  await adminRequest("POST", `${rbac}/rolebindings`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "bot-reader" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    subjects: [
      { kind: "ServiceAccount", name: "bot", namespace },
      { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
    ],
  });
  expected = [
    { kind: "ServiceAccount", metadata: { name: "bot", namespace }, automountServiceAccountToken: false },
    // Same rules, other order: no drift.
    { kind: "Role", metadata: { name: "reader", namespace }, rules: [{ verbs: ["list", "get"], apiGroups: [""], resources: ["pods"] }] },
    {
      kind: "RoleBinding",
      metadata: { name: "bot-reader", namespace },
      roleRef: { kind: "Role", name: "reader" },
      subjects: [
        { kind: "ServiceAccount", name: "bot" },
        { kind: "User", name: "carol" },
      ],
    },
    { kind: "Role", metadata: { name: "writer", namespace }, rules: [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }] },
  ];
});

describe("checkDrift against the real control plane", () => {
  it("reports changed, missing and extra, ignoring server-set fields, defaults and order", async () => {
    const client = await clientWithToken(testCluster().adminToken);
    try {
      const drift = await checkDrift(client, expected);
      expect(drift).toEqual([
        { object: { kind: "ServiceAccount", name: "bot", namespace }, change: "changed", detail: "automountServiceAccountToken is true, expected false" },
        {
          object: { kind: "RoleBinding", name: "bot-reader", namespace },
          change: "missing-subject",
          detail: "User carol is expected but not bound on the server",
        },
        {
          object: { kind: "RoleBinding", name: "bot-reader", namespace },
          change: "extra-subject",
          detail: "User alice is bound on the server but not expected",
        },
        {
          object: { kind: "Role", name: "writer", namespace },
          change: "missing",
          detail: `Role ${namespace}/writer is in the expected RBAC but not on the server`,
        },
      ]);
    } finally {
      await client.close();
    }
  });

  it("skips, with the reason, what the identity may not read", async () => {
    const client = await clientWithToken(await mintToken(namespace, "outsider"));
    try {
      const drift = await checkDrift(client, expected);
      expect(drift.map((item) => item.change)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
      expect(drift[0]?.detail).toMatch(/^could not compare ServiceAccount .*\/bot: reading it is forbidden \(HTTP 403: serviceaccounts "bot" is forbidden/);
    } finally {
      await client.close();
    }
  });
});
