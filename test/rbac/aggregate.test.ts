import { describe, expect, it } from "vitest";
import { aggregateClusterRoles, bootstrapPolicy, compileLabelSelector } from "../../src/rbac/index.js";
import type { ClusterRole } from "../../src/rbac/index.js";

const rule = (verb: string) => ({ verbs: [verb], apiGroups: [""], resources: ["things"] });

function role(name: string, labels: Record<string, string>, rules = [rule(name)], selectors?: ClusterRole["aggregationRule"]): ClusterRole {
  return { kind: "ClusterRole", metadata: { name, labels }, rules, ...(selectors ? { aggregationRule: selectors } : {}) };
}

describe("aggregateClusterRoles", () => {
  it("converges nested aggregation (admin <- edit <- view), whatever the order", () => {
    const roles = [
      role("admin", {}, [], { clusterRoleSelectors: [{ matchLabels: { "to-admin": "true" } }] }),
      role("edit", { "to-admin": "true" }, [], { clusterRoleSelectors: [{ matchLabels: { "to-edit": "true" } }] }),
      role("view", { "to-edit": "true" }, [], { clusterRoleSelectors: [{ matchLabels: { "to-view": "true" } }] }),
      role("base-view", { "to-view": "true" }),
      role("base-edit", { "to-edit": "true" }),
    ];
    const result = aggregateClusterRoles(roles);
    const rulesOf = (name: string) => result.find((candidate) => candidate.metadata.name === name)?.rules.map((r) => r.verbs[0]);
    expect(rulesOf("view")).toEqual(["base-view"]);
    expect(rulesOf("edit")).toEqual(["base-edit", "base-view"]);
    expect(rulesOf("admin")).toEqual(["base-edit", "base-view"]);
    expect(roles[0]?.rules).toEqual([]);
  });

  it("matches matchExpressions (In, NotIn, Exists, DoesNotExist) ANDed with matchLabels", () => {
    const selector = compileLabelSelector({
      matchLabels: { a: "1" },
      matchExpressions: [
        { key: "b", operator: "In", values: ["x", "y"] },
        { key: "c", operator: "NotIn", values: ["no"] },
        { key: "d", operator: "Exists" },
        { key: "e", operator: "DoesNotExist" },
      ],
    });
    if (!selector.ok) throw new Error(selector.error);
    expect(selector.matches({ a: "1", b: "y", d: "" })).toBe(true);
    expect(selector.matches({ a: "1", b: "y", c: "ok", d: "" })).toBe(true);
    expect(selector.matches({ a: "1", b: "z", d: "" })).toBe(false);
    expect(selector.matches({ a: "1", b: "y", c: "no", d: "" })).toBe(false);
    expect(selector.matches({ a: "1", b: "y" })).toBe(false);
    expect(selector.matches({ a: "1", b: "y", d: "", e: "" })).toBe(false);
    expect(selector.matches({ a: "2", b: "y", d: "" })).toBe(false);
  });

  it("treats an empty selector as everything and an invalid one as leaving the role alone", () => {
    const everything = aggregateClusterRoles([role("all", {}, [], { clusterRoleSelectors: [{}] }), role("x", {}), role("y", {})]);
    expect(everything[0]?.rules.map((r) => r.verbs[0])).toEqual(["x", "y"]);
    const invalid = aggregateClusterRoles([
      role("all", {}, [rule("kept")], { clusterRoleSelectors: [{ matchExpressions: [{ key: "k", operator: "In", values: [] }] }] }),
      role("x", { k: "v" }),
    ]);
    expect(invalid[0]?.rules.map((r) => r.verbs[0])).toEqual(["kept"]);
  });

  it("turns the bootstrap admin/edit/view into their real contents", () => {
    const result = aggregateClusterRoles(bootstrapPolicy().clusterRoles);
    const find = (name: string) => result.find((candidate) => candidate.metadata.name === name);
    const canReadSecrets = (name: string) => find(name)?.rules.some((r) => r.resources?.includes("secrets") && r.verbs.includes("get")) ?? false;
    expect(canReadSecrets("edit")).toBe(true);
    expect(canReadSecrets("view")).toBe(false);
    expect(find("admin")?.rules.some((r) => r.resources?.includes("rolebindings"))).toBe(true);
  });
});
