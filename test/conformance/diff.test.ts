import { describe, expect, it } from "vitest";
import { diffRbac } from "../../src/conformance/index.js";
import type { ClusterRole, ClusterRoleBinding, RbacObject, RoleBinding, ServiceAccount } from "../../src/rbac/index.js";

const reader: ClusterRole = {
  kind: "ClusterRole",
  metadata: { name: "reader" },
  rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "services"] }],
};
const binding: RoleBinding = {
  kind: "RoleBinding",
  metadata: { name: "b", namespace: "team" },
  roleRef: { kind: "ClusterRole", name: "reader" },
  subjects: [
    { kind: "ServiceAccount", name: "bot" },
    { kind: "User", name: "alice" },
  ],
};

/** What the server returns for the same objects: defaults filled, server fields added, lists reordered. */
function asServerStores<T extends RbacObject>(object: T, changes: Partial<T> = {}): T {
  return { ...object, metadata: { ...object.metadata, uid: "1234", annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } }, ...changes };
}

describe("diffRbac", () => {
  it("finds nothing when only server-set fields, defaults and ordering differ", () => {
    const liveRole = asServerStores(reader, { rules: [{ verbs: ["list", "get"], apiGroups: [""], resources: ["services", "pods"], resourceNames: [] }] });
    const liveBinding = asServerStores(binding, {
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "reader" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
        { kind: "ServiceAccount", name: "bot", namespace: "team" },
      ],
    });
    expect(diffRbac([reader, binding], [liveBinding, liveRole])).toEqual([]);
  });

  it("reports missing objects, changed rules and roleRefs, missing and extra subjects", () => {
    const other: ClusterRoleBinding = {
      kind: "ClusterRoleBinding",
      metadata: { name: "gone" },
      roleRef: { kind: "ClusterRole", name: "reader" },
      subjects: [],
    };
    const liveRole = asServerStores(reader, {
      rules: [
        { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] },
        { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      ],
    });
    const liveBinding = asServerStores(binding, {
      roleRef: { kind: "ClusterRole", name: "admin" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "Group", name: "system:authenticated" },
      ],
    });
    expect(diffRbac([reader, binding, other], [liveRole, liveBinding])).toEqual([
      {
        object: { kind: "ClusterRole", name: "reader" },
        change: "changed",
        detail:
          'missing rule verbs=[get list] apiGroups=[""] resources=[pods services]; extra rule verbs=[get list] apiGroups=[""] resources=[pods]; extra rule verbs=[*] apiGroups=[*] resources=[*]',
      },
      { object: { kind: "RoleBinding", name: "b", namespace: "team" }, change: "changed", detail: "roleRef is ClusterRole admin, expected ClusterRole reader" },
      {
        object: { kind: "RoleBinding", name: "b", namespace: "team" },
        change: "missing-subject",
        detail: "ServiceAccount team/bot is expected but not bound on the server",
      },
      {
        object: { kind: "RoleBinding", name: "b", namespace: "team" },
        change: "extra-subject",
        detail: "Group system:authenticated is bound on the server but not expected",
      },
      {
        object: { kind: "ClusterRoleBinding", name: "gone" },
        change: "missing",
        detail: "ClusterRoleBinding gone is in the expected RBAC but not on the server",
      },
    ]);
  });

  it("compares an aggregated role's selectors, not the rules the controller wrote", () => {
    const aggregated: ClusterRole = {
      kind: "ClusterRole",
      metadata: { name: "agg" },
      rules: [],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "1", b: "2" } }] },
    };
    const live = asServerStores(aggregated, {
      rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { b: "2", a: "1" } }] },
    });
    expect(diffRbac([aggregated], [live])).toEqual([]);
    const changed = asServerStores(aggregated, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "1" } }] } });
    expect(diffRbac([aggregated], [changed])[0]?.change).toBe("changed");
  });

  it("compares a ServiceAccount's automount only when the expected file sets it", () => {
    const account: ServiceAccount = { kind: "ServiceAccount", metadata: { name: "bot", namespace: "team" } };
    expect(diffRbac([account], [asServerStores(account, { automountServiceAccountToken: false })])).toEqual([]);
    const locked: ServiceAccount = { ...account, automountServiceAccountToken: false };
    expect(diffRbac([locked], [asServerStores(account)])).toEqual([
      { object: { kind: "ServiceAccount", name: "bot", namespace: "team" }, change: "changed", detail: "automountServiceAccountToken is true, expected false" },
    ]);
  });
});
