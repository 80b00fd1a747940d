import { describe, expect, it } from "vitest";
import { apiServerRefusals } from "../../src/manifests/api-rules.js";
import type { RbacObject } from "../../src/rbac/index.js";
import { apiRequest } from "../support/cluster.js";

// Each warning saprobe gives about an RBAC object must be one the real apiserver agrees with: it
// refuses the object (server-side dry run, nothing is created), and accepts the ones saprobe passes.

const rbac = "rbac.authorization.k8s.io";
const cases: { name: string; object: RbacObject }[] = [
  {
    name: "good ClusterRole",
    object: {
      kind: "ClusterRole",
      metadata: { name: "sp-rules-ok" },
      rules: [
        { apiGroups: [""], resources: ["pods", "secrets"], resourceNames: ["a"], verbs: ["get"] },
        { nonResourceURLs: ["/x*"], verbs: ["get"] },
      ],
    },
  },
  {
    name: "good RoleBinding with a namespace-less ServiceAccount",
    object: {
      kind: "RoleBinding",
      metadata: { name: "sp-rules-rb", namespace: "default" },
      roleRef: { apiGroup: rbac, kind: "Role", name: "x" },
      subjects: [
        { kind: "ServiceAccount", name: "bot" },
        { kind: "User", name: "u" },
      ],
    },
  },
  {
    name: "nonResourceURLs in a Role",
    object: { kind: "Role", metadata: { name: "sp-rules-r", namespace: "default" }, rules: [{ nonResourceURLs: ["/x"], verbs: ["get"] }] },
  },
  {
    name: "mixed rule",
    object: {
      kind: "ClusterRole",
      metadata: { name: "sp-rules-mixed" },
      rules: [{ apiGroups: [""], resources: ["pods"], nonResourceURLs: ["/x"], verbs: ["get"] }],
    },
  },
  { name: "no apiGroups", object: { kind: "ClusterRole", metadata: { name: "sp-rules-nogroup" }, rules: [{ resources: ["pods"], verbs: ["get"] }] } },
  { name: "no verbs", object: { kind: "ClusterRole", metadata: { name: "sp-rules-noverbs" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: [] }] } },
  {
    name: "namespace-less ServiceAccount in a ClusterRoleBinding",
    object: {
      kind: "ClusterRoleBinding",
      metadata: { name: "sp-rules-crb" },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "x" },
      subjects: [{ kind: "ServiceAccount", name: "bot" }],
    },
  },
  {
    name: "lower-case subject kind",
    object: {
      kind: "ClusterRoleBinding",
      metadata: { name: "sp-rules-kind" },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "x" },
      subjects: [{ kind: "user", name: "u" }],
    },
  },
  {
    name: "ClusterRoleBinding to a Role",
    object: { kind: "ClusterRoleBinding", metadata: { name: "sp-rules-ref" }, roleRef: { apiGroup: rbac, kind: "Role", name: "x" }, subjects: [] },
  },
  {
    name: "wrong subject apiGroups",
    object: {
      kind: "ClusterRoleBinding",
      metadata: { name: "sp-rules-groups" },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "x" },
      subjects: [
        { kind: "User", name: "u", apiGroup: "foo" },
        { kind: "ServiceAccount", name: "s", namespace: "n", apiGroup: rbac },
      ],
    },
  },
];

function pathOf(object: RbacObject): string {
  const plural = `${object.kind.toLowerCase()}s`;
  const namespaced = object.kind === "Role" || object.kind === "RoleBinding";
  return `/apis/${rbac}/v1${namespaced ? `/namespaces/${object.metadata.namespace}` : ""}/${plural}?dryRun=All`;
}

describe("apiServerRefusals agrees with the apiserver's validation", () => {
  it.each(cases)("$name", async ({ object }) => {
    const response = await apiRequest("POST", pathOf(object), { apiVersion: `${rbac}/v1`, ...object });
    const refusals = apiServerRefusals(object);
    expect(response.status === 422, `server said ${response.status}: ${response.text.slice(0, 300)}; saprobe said ${JSON.stringify(refusals)}`).toBe(
      refusals.length > 0,
    );
  });
});
