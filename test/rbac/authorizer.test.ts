import { describe, expect, it } from "vitest";
import { createAuthorizer, emptySnapshot, userInfoFor } from "../../src/rbac/index.js";
import type { ClusterRoleBinding, RbacSnapshot, RequestAttributes, RoleBinding } from "../../src/rbac/index.js";

const readPods = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] };
const pods = (verb: string, namespace: string, name?: string): RequestAttributes => ({
  resourceRequest: true,
  verb,
  apiGroup: "",
  resource: "pods",
  namespace,
  ...(name ? { name } : {}),
});

function clusterBinding(name: string, role: string, subjects: ClusterRoleBinding["subjects"]): ClusterRoleBinding {
  return { kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }, subjects };
}

function roleBinding(namespace: string, name: string, kind: string, role: string, subjects: RoleBinding["subjects"]): RoleBinding {
  return { kind: "RoleBinding", metadata: { name, namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role }, subjects };
}

function snapshot(parts: Partial<RbacSnapshot>): RbacSnapshot {
  return { ...emptySnapshot(), ...parts };
}

describe("createAuthorizer", () => {
  const world = snapshot({
    clusterRoles: [{ kind: "ClusterRole", metadata: { name: "pod-reader" }, rules: [readPods] }],
    roles: [{ kind: "Role", metadata: { name: "local", namespace: "team" }, rules: [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }] }],
    roleBindings: [
      roleBinding("team", "readers", "ClusterRole", "pod-reader", [{ kind: "ServiceAccount", name: "bot" }]),
      roleBinding("team", "deleters", "Role", "local", [{ kind: "Group", name: "system:serviceaccounts:team" }]),
    ],
    clusterRoleBindings: [clusterBinding("dangling", "gone", [{ kind: "User", name: "carol" }])],
  });
  const authorizer = createAuthorizer(world);
  const bot = userInfoFor("system:serviceaccount:team:bot");

  it("allows through a RoleBinding with the upstream reason and the grant path", () => {
    const decision = authorizer.authorize(bot, pods("list", "team"));
    expect(decision.allowed).toBe(true);
    expect(decision.reason).toBe('RBAC: allowed by RoleBinding "readers/team" of ClusterRole "pod-reader" to ServiceAccount "bot/team"');
    expect(decision.grant?.binding).toEqual({ kind: "RoleBinding", name: "readers", namespace: "team" });
    expect(decision.grant?.role).toEqual({ kind: "ClusterRole", name: "pod-reader" });
    expect(decision.grant?.scope).toBe("team");
    expect(decision.grant?.rule).toEqual(readPods);
  });

  it("resolves a Role in the binding's namespace and matches ServiceAccount groups", () => {
    const decision = authorizer.authorize(bot, pods("delete", "team", "p"));
    expect(decision.reason).toBe('RBAC: allowed by RoleBinding "deleters/team" of Role "local" to Group "system:serviceaccounts:team"');
    expect(decision.grant?.role).toEqual({ kind: "Role", name: "local", namespace: "team" });
  });

  it("denies elsewhere and explains that the RoleBinding is confined", () => {
    const decision = authorizer.authorize(bot, pods("list", "other"));
    expect(decision).toMatchObject({ allowed: false, reason: "", errors: [] });
    expect(decision.nearMisses.join("\n")).toMatch(/RoleBinding team\/readers of ClusterRole pod-reader .*confined to its namespace team, not other/);
  });

  it("reports a binding to a missing role in the reason, upstream wording", () => {
    const decision = authorizer.authorize(userInfoFor("carol"), pods("get", "team", "p"));
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
    expect(decision.nearMisses[0]).toBe("ClusterRoleBinding dangling applies to this user but grants nothing: ClusterRole gone does not exist");
  });

  it("joins several resolution errors like Go's aggregate, deduplicated", () => {
    const twice = createAuthorizer(
      snapshot({
        clusterRoleBindings: [
          clusterBinding("a", "x", [{ kind: "User", name: "u" }]),
          clusterBinding("b", "y", [{ kind: "User", name: "u" }]),
          clusterBinding("c", "y", [{ kind: "User", name: "u" }]),
        ],
      }),
    );
    expect(twice.authorize(userInfoFor("u"), pods("get", "", "p")).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "x" not found, clusterrole.rbac.authorization.k8s.io "y" not found]',
    );
  });

  it("lists effective rules with their sources, cluster bindings first", () => {
    const rules = authorizer.rulesFor(bot, "team");
    expect(rules.map((rule) => rule.grant.binding.name)).toEqual(["readers", "deleters"]);
    expect(authorizer.rulesFor(bot, "")).toEqual([]);
    expect(authorizer.rulesReview(userInfoFor("carol"), "").errors).toEqual(['clusterrole.rbac.authorization.k8s.io "gone" not found']);
  });

  it("lets system:masters do anything, and can be told other privileged groups", () => {
    expect(createAuthorizer(emptySnapshot()).authorize({ name: "x", groups: ["system:masters"] }, pods("delete", "", "p")).allowed).toBe(true);
    const custom = createAuthorizer(emptySnapshot(), { privilegedGroups: ["ops"] });
    expect(custom.authorize({ name: "x", groups: ["system:masters"] }, pods("delete", "", "p")).allowed).toBe(false);
    expect(custom.authorize({ name: "x", groups: ["ops"] }, pods("delete", "", "p")).allowed).toBe(true);
  });

  it("answers who can, with every subject of allowing bindings and its path", () => {
    const subjects = authorizer.whoCan(pods("get", "team", "p"));
    expect(subjects.map((entry) => `${entry.subject.kind}:${entry.subject.name}`)).toEqual(["Group:system:masters", "ServiceAccount:bot"]);
    expect(subjects[1]?.grant?.binding.name).toBe("readers");
  });

  it("resolves aggregated roles only when asked to", () => {
    const aggregated = snapshot({
      clusterRoles: [
        { kind: "ClusterRole", metadata: { name: "umbrella" }, rules: [], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: "yes" } }] } },
        { kind: "ClusterRole", metadata: { name: "piece", labels: { agg: "yes" } }, rules: [readPods] },
      ],
      clusterRoleBindings: [clusterBinding("b", "umbrella", [{ kind: "User", name: "u" }])],
    });
    expect(createAuthorizer(aggregated).authorize(userInfoFor("u"), pods("get", "x")).allowed).toBe(false);
    expect(createAuthorizer(aggregated, { aggregate: true }).authorize(userInfoFor("u"), pods("get", "x")).allowed).toBe(true);
  });
});
