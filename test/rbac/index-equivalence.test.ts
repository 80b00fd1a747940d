import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAuthorizer, ruleAllows, subjectAppliesToUser } from "../../src/rbac/index.js";
import type { PolicyRule, RbacSnapshot, RequestAttributes, UserInfo } from "../../src/rbac/index.js";
import { generateScenario } from "./scenario-generator.js";

// The authorizer's lookup tables are an optimisation: on any generated scenario it must answer
// exactly like a brute-force walk over every binding (upstream VisitRulesFor without indexes).

function bruteForceAllows(snapshot: RbacSnapshot, user: UserInfo, attrs: RequestAttributes): boolean {
  if (user.groups.includes("system:masters")) return true;
  const namespace = attrs.resourceRequest ? attrs.namespace : "";
  const rulesOf = (kind: string, name: string, bindingNamespace: string): PolicyRule[] => {
    if (kind === "ClusterRole") return snapshot.clusterRoles.find((role) => role.metadata.name === name)?.rules ?? [];
    if (kind === "Role")
      return snapshot.roles.find((role) => role.metadata.name === name && role.metadata.namespace === bindingNamespace && bindingNamespace !== "")?.rules ?? [];
    return [];
  };
  for (const binding of snapshot.clusterRoleBindings) {
    if (
      binding.subjects.some((subject) => subjectAppliesToUser(user, subject, "")) &&
      rulesOf(binding.roleRef.kind, binding.roleRef.name, "").some((rule) => ruleAllows(rule, attrs))
    )
      return true;
  }
  if (namespace === "") return false;
  for (const binding of snapshot.roleBindings) {
    if (binding.metadata.namespace !== namespace) continue;
    if (
      binding.subjects.some((subject) => subjectAppliesToUser(user, subject, namespace)) &&
      rulesOf(binding.roleRef.kind, binding.roleRef.name, namespace).some((rule) => ruleAllows(rule, attrs))
    )
      return true;
  }
  return false;
}

describe("indexed authorizer = brute force", () => {
  it("agrees on every question of generated scenarios", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const scenario = generateScenario(seed, "p", ["ns-a", "ns-b", "ns-c"], 300);
        const snapshot: RbacSnapshot = { ...scenario, serviceAccounts: [] };
        const authorizer = createAuthorizer(snapshot);
        for (const { user, attrs } of scenario.questions) {
          expect(authorizer.authorize(user, attrs).allowed).toBe(bruteForceAllows(snapshot, user, attrs));
        }
      }),
      { numRuns: 40 },
    );
  });
});
