import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import { bootstrapPolicy } from "../../src/rbac/bootstrap.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from "../../src/rbac/types.js";
import { userInfoFor } from "../../src/rbac/users.js";

const catalogue = loadCatalogue();
const sa = (name: string, namespace?: string): Subject => ({ kind: "ServiceAccount", name, ...(namespace ? { namespace } : {}) });
const role = (name: string, namespace: string, rules: PolicyRule[]): Role => ({ kind: "Role", metadata: { name, namespace }, rules });
const rb = (name: string, namespace: string, roleName: string, subjects: Subject[], kind = "Role"): RoleBinding => ({
  kind: "RoleBinding",
  metadata: { name, namespace },
  roleRef: { kind, name: roleName },
  subjects,
});
const crb = (name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding => ({
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { kind: "ClusterRole", name: roleName },
  subjects,
});
const snapshot = (parts: Partial<RbacSnapshot>): RbacSnapshot => ({
  roles: [],
  clusterRoles: [],
  roleBindings: [],
  clusterRoleBindings: [],
  serviceAccounts: [],
  ...parts,
});
const readSecrets: PolicyRule[] = [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }];

function summary(input: RbacSnapshot, options: Parameters<typeof auditSnapshot>[2] = { mode: "offline" }): string[] {
  return auditSnapshot(input, catalogue, options).map(
    (finding) => `${finding.rule} ${finding.subject?.name ?? finding.binding?.name} ${finding.scope} ${finding.severity} ${finding.status}`,
  );
}

describe("auditSnapshot severity and scope", () => {
  it("treats a RoleBinding in kube-system as cluster-wide, elsewhere as namespaced", () => {
    const input = snapshot({
      roles: [role("r", "kube-system", readSecrets), role("r", "apps", readSecrets)],
      roleBindings: [rb("b", "kube-system", "r", [sa("x")]), rb("b", "apps", "r", [sa("x")])],
    });
    // Reading kube-system's Secrets is also a path (a legacy token of clusterrole-aggregation-controller, a controller every cluster binds).
    expect(summary(input)).toEqual([
      "secrets-read x kube-system high finding",
      "secrets-read x apps medium finding",
      "cluster-admin-path x kube-system high finding",
    ]);
  });

  it("does not repeat permission rules for a subject that holds cluster-admin through the same binding", () => {
    const input = snapshot({ clusterRoleBindings: [crb("admins", "cluster-admin", [{ kind: "User", name: "root" }])] });
    expect(summary(input)).toEqual(["cluster-admin-binding root cluster critical finding"]);
  });

  it("skips a ServiceAccount without namespace in a ClusterRoleBinding (it matches nobody)", () => {
    const input = snapshot({ clusterRoleBindings: [crb("nobody", "cluster-admin", [sa("lost")])] });
    expect(summary(input)).toEqual([]);
  });

  it("lists the bootstrap policy as expected, but an extra subject on a default binding as a finding", () => {
    const defaults = structuredClone(bootstrapPolicy()); // its objects are shared and frozen: a test that changes one copies it
    const masters = defaults.clusterRoleBindings.find((binding) => binding.metadata.name === "cluster-admin") as ClusterRoleBinding;
    masters.subjects.push({ kind: "User", name: "intruder" });
    const findings = summary(snapshot({ clusterRoles: defaults.clusterRoles, clusterRoleBindings: [masters] }));
    expect(findings.filter((line) => line.startsWith("cluster-admin-binding"))).toEqual([
      "cluster-admin-binding system:masters cluster critical expected",
      "cluster-admin-binding intruder cluster critical finding",
    ]);
  });

  it("narrows to one identity with --subject, including the groups it is in", () => {
    const input = snapshot({
      roles: [role("r", "apps", readSecrets)],
      roleBindings: [
        rb("mine", "apps", "r", [sa("app")]),
        rb("all-sa", "apps", "r", [{ kind: "Group", name: "system:serviceaccounts:apps" }]),
        rb("other", "apps", "r", [sa("other")]),
      ],
    });
    const lines = summary(input, { mode: "offline", subject: userInfoFor("system:serviceaccount:apps:app") });
    expect(lines).toEqual([
      "secrets-read app apps medium finding",
      "secrets-read system:serviceaccounts:apps apps medium finding",
      "effective-permissions app apps info finding",
      "effective-permissions system:serviceaccounts:apps apps info finding",
    ]);
  });

  it("live mode uses stored rules: an aggregated role is not re-aggregated", () => {
    const aggregated = {
      kind: "ClusterRole" as const,
      metadata: { name: "agg" },
      rules: [],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "b" } }] },
    };
    const part = { kind: "ClusterRole" as const, metadata: { name: "part", labels: { a: "b" } }, rules: readSecrets };
    const input = snapshot({ clusterRoles: [aggregated, part], clusterRoleBindings: [crb("agg", "agg", [{ kind: "User", name: "u" }])] });
    expect(summary(input, { mode: "live" })).toEqual([]);
    expect(summary(input, { mode: "offline" })).toEqual(["secrets-read u cluster high finding", "cluster-admin-path u kube-system high finding"]);
  });
});
