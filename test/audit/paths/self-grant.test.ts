import { describe, expect, it } from "vitest";
import type { IdentityGrant } from "../../../src/audit/paths/grants.js";
import { grantSource } from "../../../src/audit/paths/reach.js";
import { grownEdges, roleLookupOf } from "../../../src/audit/paths/self-grant.js";
import type { ObjectRef } from "../../../src/model/report.js";
import type { PolicyRule, RbacSnapshot, Role, RoleBinding } from "../../../src/rbac/types.js";

// Which self-grants are worth following. A holder of everything has nothing to gain, and a role that asks
// no edge's question leads nowhere when bound: on a large cluster, following every one of them (a holder's
// unrestricted bind reaches every Role of every namespace) cost an audit three times its memory.

const RBAC = "rbac.authorization.k8s.io";
const EVERYTHING: PolicyRule = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };
const mallory: ObjectRef = { kind: "User", name: "mallory" };

function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { kind: "Role", metadata: { name, namespace }, rules };
}

function grant(namespace: string, roleName: string, rules: PolicyRule[]): IdentityGrant {
  const binding: RoleBinding = {
    kind: "RoleBinding",
    metadata: { name: roleName, namespace },
    roleRef: { apiGroup: RBAC, kind: "Role", name: roleName },
    subjects: [{ kind: "User", name: "mallory", apiGroup: RBAC }],
  };
  return {
    binding,
    bindingRef: { kind: "RoleBinding", name: roleName, namespace },
    roleRef: { kind: "Role", name: roleName, namespace },
    subject: mallory,
    namespace,
    rules,
  };
}

const binder: PolicyRule[] = [
  { apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create"] },
  { apiGroups: [RBAC], resources: ["roles"], verbs: ["bind"] },
];

function edgesWith(grants: IdentityGrant[], roles: Role[]) {
  const snapshot: RbacSnapshot = { clusterRoles: [], roles, clusterRoleBindings: [], roleBindings: [], serviceAccounts: [] };
  return grownEdges(grantSource(mallory, grants), grants, roleLookupOf(snapshot), { adminRoles: new Set(["cluster-admin"]), boundClusterRoles: [] });
}

describe("self-grants worth following", () => {
  const readConfigMaps = role("prod", "read-configmaps", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]);
  const makePods = role("prod", "make-pods", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]);

  it("binding a Role that creates pods gives pod-create after a bind-self hop", () => {
    const edges = edgesWith([grant("prod", "binder", binder)], [readConfigMaps, makePods]);
    expect(edges.map((edge) => [edge.grantFirst?.kind, edge.grantFirst?.grantsRole?.name, edge.kind])).toEqual([["bind-self", "make-pods", "pod-create"]]);
  });

  it("a Role that asks no edge's question is not followed", () => {
    expect(edgesWith([grant("prod", "binder", binder)], [readConfigMaps])).toEqual([]);
  });

  it("nothing is gained where the identity already holds everything: there, or cluster-wide", () => {
    expect(edgesWith([grant("prod", "binder", binder), grant("prod", "all", [EVERYTHING])], [readConfigMaps, makePods])).toEqual([]);
    const clusterWide = { ...grant("", "all", [EVERYTHING]), bindingRef: { kind: "ClusterRoleBinding", name: "all" } };
    expect(edgesWith([grant("prod", "binder", binder), clusterWide], [readConfigMaps, makePods])).toEqual([]);
  });
});
