import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, RoleBinding, Subject } from "../../src/rbac/types.js";

/*
 * The engine answers each permissions rule once per role and scope and shares the answer between
 * the bindings of that role. Differential: a role shared by many bindings of both scopes must give
 * exactly the findings it gives when every binding has its own copy of the role.
 */

const catalogue = loadCatalogue();
const rules: PolicyRule[] = [
  { verbs: ["get", "create"], apiGroups: [""], resources: ["nodes/proxy"] },
  { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["tls", "db"] },
  { verbs: ["create"], apiGroups: [""], resources: ["pods", "pods/exec"] },
  { verbs: ["create"], apiGroups: [""], resources: ["persistentvolumes"] },
  { verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"] },
];
const subjects = (index: number): Subject[] => [
  { kind: "ServiceAccount", name: `sa-${index}`, namespace: `ns-${index % 3}` },
  { kind: "Group", name: index % 4 === 0 ? "system:authenticated" : `team-${index}` },
  { kind: "ServiceAccount", name: "default", namespace: `ns-${index % 3}` },
];
const clusterRole = (name: string): ClusterRole => ({ kind: "ClusterRole", metadata: { name }, rules });

/** Bindings of both kinds, interleaved so that either scope can be the first to ask. */
function snapshotWith(roleFor: (index: number) => string, roles: ClusterRole[]): RbacSnapshot {
  const roleBindings: RoleBinding[] = [];
  const clusterRoleBindings: ClusterRoleBinding[] = [];
  for (let index = 0; index < 12; index++) {
    const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleFor(index) };
    if (index % 3 === 1) clusterRoleBindings.push({ kind: "ClusterRoleBinding", metadata: { name: `b-${index}` }, roleRef, subjects: subjects(index) });
    else
      roleBindings.push({
        kind: "RoleBinding",
        metadata: { name: `b-${index}`, namespace: index % 2 ? "kube-system" : `ns-${index % 3}` },
        roleRef,
        subjects: subjects(index),
      });
  }
  return { roles: [], clusterRoles: roles, roleBindings, clusterRoleBindings, serviceAccounts: [] };
}

describe("findings of a role shared by many bindings", () => {
  it("equal the findings of one copy of the role per binding", () => {
    const shared = auditSnapshot(
      snapshotWith(() => "ops", [clusterRole("ops")]),
      catalogue,
      { mode: "offline" },
    );
    const copies = Array.from({ length: 12 }, (_, index) => clusterRole(`ops-${index}`));
    const separate = auditSnapshot(
      snapshotWith((index) => `ops-${index}`, copies),
      catalogue,
      { mode: "offline" },
    );
    const sameRoleName = (findings: typeof shared): string =>
      JSON.stringify(findings)
        .replace(/ops-\d+/g, "ops")
        .replace(/"role":\{"kind":"ClusterRole","name":"ops"\}/g, "ROLE");
    // The shared role is also reported once for its definition where the copies are reported twelve times.
    const withoutDefinitions = (findings: typeof shared) => findings.filter((finding) => finding.subject !== undefined);
    expect(withoutDefinitions(shared).length).toBeGreaterThan(40);
    expect(sameRoleName(withoutDefinitions(shared))).toBe(sameRoleName(withoutDefinitions(separate)));
    // Cluster-scoped permissions only through the ClusterRoleBindings (and kube-system RoleBindings).
    const nodesProxy = shared.filter((finding) => finding.rule === "nodes-proxy").map((finding) => finding.binding?.name);
    expect(new Set(nodesProxy)).toEqual(new Set(["b-1", "b-4", "b-7", "b-10"]));
  });
});
