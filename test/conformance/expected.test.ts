import { describe, expect, it } from "vitest";
import { expectedVerdict } from "../../src/conformance/index.js";
import { emptySnapshot, userInfoFor } from "../../src/rbac/index.js";
import type { RbacSnapshot } from "../../src/rbac/index.js";

const expected: RbacSnapshot = {
  ...emptySnapshot(),
  roles: [{ kind: "Role", metadata: { name: "reader", namespace: "team" }, rules: [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }] }],
  roleBindings: [
    {
      kind: "RoleBinding",
      metadata: { name: "bot-reader", namespace: "team" },
      roleRef: { kind: "Role", name: "reader" },
      subjects: [{ kind: "ServiceAccount", name: "bot" }],
    },
  ],
};
const bot = userInfoFor("system:serviceaccount:team:bot");

describe("expectedVerdict", () => {
  it("expects what the expected bindings grant, naming the binding", () => {
    const verdict = expectedVerdict(
      expected,
      bot,
      { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "team" },
      { withDefaults: true },
    );
    expect(verdict.expected).toBe("allowed");
    expect(verdict.because).toBe("expected RBAC allows it: RoleBinding team/bot-reader of Role team/reader to ServiceAccount team/bot");
  });

  it("expects discovery and /version only with the default policy", () => {
    const version = { resourceRequest: false as const, verb: "get", path: "/version" };
    expect(expectedVerdict(expected, bot, version, { withDefaults: true }).expected).toBe("allowed");
    expect(expectedVerdict(expected, bot, version, { withDefaults: false }).expected).toBe("denied");
  });

  it("explains a denial with the near misses", () => {
    const verdict = expectedVerdict(
      expected,
      bot,
      { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "other" },
      { withDefaults: true },
    );
    expect(verdict.expected).toBe("denied");
    expect(verdict.because).toContain("confined to its namespace");
  });
});
