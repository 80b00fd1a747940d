import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { routeNamespaces } from "../../../src/audit/paths/scope.js";
import { prepareSnapshot } from "../../../src/audit/prepare.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from "../../../src/rbac/types.js";

const rbac = "rbac.authorization.k8s.io";
const runPods: PolicyRule[] = [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }];
const readConfigMaps: PolicyRule[] = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }];
const account = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", name, namespace });

/** One Role and its RoleBinding per entry: [namespace, rules, subject]. */
function snapshot(grants: [string, PolicyRule[], Subject][], clusterRoleBindings: ClusterRoleBinding[] = []): RbacSnapshot {
  const roles: Role[] = grants.map(([namespace, rules], index) => ({ kind: "Role", metadata: { name: `r${index}`, namespace }, rules }));
  const roleBindings: RoleBinding[] = grants.map(([namespace, , subject], index) => ({
    kind: "RoleBinding",
    metadata: { name: `b${index}`, namespace },
    roleRef: { apiGroup: rbac, kind: "Role", name: `r${index}` },
    subjects: [subject],
  }));
  return { roles, roleBindings, clusterRoles: [], clusterRoleBindings, serviceAccounts: [] };
}

const admin = (subject: Subject): ClusterRoleBinding => ({
  kind: "ClusterRoleBinding",
  metadata: { name: "admin" },
  roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "cluster-admin" },
  subjects: [subject],
});

const namespacesOf = (input: RbacSnapshot): string[] | undefined => {
  const found = routeNamespaces(prepareSnapshot(input, true), () => true, false);
  return found ? [...found].sort() : undefined;
};

describe("the namespaces whose RoleBindings can be on a route", () => {
  it("starts where a ClusterRoleBinding's subject lives and follows RoleBindings that ask an edge's question, not one that asks none", () => {
    const input = snapshot(
      [
        // prod/boss holds the power; mid/relay runs pods in prod; edge/ci runs pods in mid: a chain of namespaces.
        ["prod", runPods, account("mid", "relay")],
        ["mid", runPods, account("edge", "ci")],
        // Nothing reaches team's ServiceAccounts: its own RoleBindings stay out, and so does where they lead.
        ["team", runPods, account("elsewhere", "app")],
        // A read of ConfigMaps is no edge: quiet stays out.
        ["prod", readConfigMaps, account("quiet", "reader")],
        // A namespace's ServiceAccounts as a group.
        ["mid", runPods, { kind: "Group", name: "system:serviceaccounts:grouped", apiGroup: rbac }],
      ],
      [admin(account("prod", "boss"))],
    );
    expect(namespacesOf(input)).toEqual(["edge", "grouped", "mid", "prod"]);
  });

  it("is every namespace when a grant that matters goes to every ServiceAccount", () => {
    const input = snapshot([["prod", runPods, { kind: "Group", name: "system:serviceaccounts", apiGroup: rbac }]], [admin(account("prod", "boss"))]);
    expect(namespacesOf(input)).toBeUndefined();
  });

  it("leaves the paths as they were: a three-hop chain is found, a namespace nobody reaches gives none", () => {
    const input = snapshot(
      [
        ["prod", runPods, account("mid", "relay")],
        ["mid", runPods, { kind: "User", name: "mallory", apiGroup: rbac }],
        ["team", runPods, { kind: "User", name: "eve", apiGroup: rbac }],
      ],
      [admin(account("prod", "boss"))],
    );
    input.serviceAccounts = [
      { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
      { kind: "ServiceAccount", metadata: { name: "relay", namespace: "mid" } },
    ];
    // team enforces Pod Security baseline: eve's pods cannot escape to a node either.
    const podSecurity = new Map([["team", "baseline"]]);
    const found = auditSnapshot(input, loadCatalogue(), { mode: "offline", pathFacts: { podSecurity } }).filter(
      (finding) => finding.rule === "cluster-admin-path",
    );
    expect(found.map((finding) => `${finding.subject?.name}: ${finding.path?.map((hop) => hop.edge).join(">")}`).sort()).toEqual([
      "mallory: pod-create>pod-create>holds",
      "relay: pod-create>holds",
    ]);
  });
});
