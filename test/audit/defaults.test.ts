import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import { bootstrapPolicy } from "../../src/rbac/bootstrap.js";
import type { ClusterRole, ClusterRoleBinding, RbacSnapshot, RoleBinding } from "../../src/rbac/types.js";

const catalogue = loadCatalogue();
const snapshot = (parts: Partial<RbacSnapshot>): RbacSnapshot => ({
  roles: [],
  clusterRoles: [],
  roleBindings: [],
  clusterRoleBindings: [],
  serviceAccounts: [],
  ...parts,
});
const crb = (name: string, roleName: string, user: string): ClusterRoleBinding => ({
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { kind: "ClusterRole", name: roleName },
  subjects: [{ kind: "User", name: user }],
});
const lines = (input: RbacSnapshot, mode: "offline" | "live" = "offline"): string[] =>
  auditSnapshot(input, catalogue, { mode }).map(
    (finding) => `${finding.rule} ${finding.subject?.name ?? finding.role?.name ?? finding.binding?.name} ${finding.severity} ${finding.status}`,
  );
const narrowAdmin = (annotations?: Record<string, string>): ClusterRole => ({
  kind: "ClusterRole",
  metadata: { name: "cluster-admin", ...(annotations ? { annotations } : {}) },
  rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
});

describe("defaults count as expected only while they are unchanged", () => {
  it("reports a default binding of a default role given extra rules, and the change itself", () => {
    const defaults = structuredClone(bootstrapPolicy()); // its objects are shared and frozen: a test that changes one copies it
    const basicUser = defaults.clusterRoles.find((role) => role.metadata.name === "system:basic-user") as ClusterRole;
    basicUser.rules.push({ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] });
    const binding = defaults.clusterRoleBindings.find((entry) => entry.metadata.name === "system:basic-user") as ClusterRoleBinding;
    expect(lines(snapshot({ clusterRoles: [basicUser], clusterRoleBindings: [binding] }), "live")).toEqual([
      "broad-subject-binding system:authenticated high finding",
      "serviceaccount-token-create system:authenticated critical finding",
      "modified-default system:basic-user critical finding",
    ]);
  });

  it("leaves the shipped defaults as expected, live and offline", () => {
    const defaults = structuredClone(bootstrapPolicy()); // its objects are shared and frozen: a test that changes one copies it
    const live = auditSnapshot(defaults, catalogue, { mode: "live" }).filter((finding) => finding.status !== "expected");
    expect(live.map((finding) => finding.message)).toEqual([]);
    expect(lines({ ...bootstrapPolicy(), clusterRoles: [] }).filter((line) => !line.endsWith("expected"))).toEqual([]);
  });

  it("reports a subject added to a default binding", () => {
    const masters = structuredClone(bootstrapPolicy()).clusterRoleBindings.find((entry) => entry.metadata.name === "cluster-admin") as ClusterRoleBinding;
    masters.subjects.push({ kind: "User", name: "intruder" });
    expect(lines(snapshot({ clusterRoleBindings: [masters] })).filter((line) => line.startsWith("modified-default"))).toEqual([
      "modified-default cluster-admin high finding",
    ]);
  });

  it("audits a narrowed cluster-admin as the API server will restore it, unless autoupdate is false", () => {
    const restored = lines(snapshot({ clusterRoles: [narrowAdmin()], clusterRoleBindings: [crb("ops", "cluster-admin", "ops")] }));
    // The restored role has the default "*" again: listed as the default it then is.
    expect(restored).toEqual([
      "cluster-admin-binding ops critical finding",
      "wildcard-in-rules cluster-admin medium expected",
      "modified-default cluster-admin medium finding",
    ]);
    const kept = lines(
      snapshot({
        clusterRoles: [narrowAdmin({ "rbac.authorization.kubernetes.io/autoupdate": "false" })],
        clusterRoleBindings: [crb("ops", "cluster-admin", "ops")],
      }),
    );
    expect(kept).toEqual([]);
  });

  it("knows the bootstrap policy's kube-system Roles offline, as it knows its ClusterRoles", () => {
    const reader: RoleBinding = {
      kind: "RoleBinding",
      metadata: { name: "metrics-server-auth-reader", namespace: "kube-system" },
      roleRef: { kind: "Role", name: "extension-apiserver-authentication-reader" },
      subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: "kube-system" }],
    };
    expect(lines(snapshot({ roleBindings: [reader] }))).toEqual([]);
    const elsewhere = { ...reader, metadata: { ...reader.metadata, namespace: "monitoring" } };
    expect(lines(snapshot({ roleBindings: [elsewhere] }))).toEqual(["binding-missing-role extension-apiserver-authentication-reader low finding"]);
  });
});
