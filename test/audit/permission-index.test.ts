import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { compilePatterns, PatternEvaluator, patternGrant } from "../../src/audit/permission-match.js";
import type { PolicyRule } from "../../src/rbac/types.js";

// The evaluator only asks the patterns its resource index picks; this checks, on random rules, that
// the answer is the same as asking every pattern of the real catalogue with the RBAC matchers.
const compiled = compilePatterns(loadCatalogue().rules);
const evaluator = new PatternEvaluator(compiled);
const names = [...new Set(compiled.patterns.flatMap((pattern) => pattern.resources))];
const resource = fc.oneof(
  fc.constantFrom(...names, "*", "*/exec", "*/status", "*/*", "pods/*", "configmaps", "nodes", "secrets/x"),
  fc.string({ maxLength: 6 }),
);
const rule = fc.record(
  {
    verbs: fc.array(fc.constantFrom("get", "list", "create", "update", "patch", "impersonate", "bind", "approve", "sign", "*", "GET"), { maxLength: 4 }),
    apiGroups: fc.array(
      fc.constantFrom("", "*", "apps", "batch", "rbac.authorization.k8s.io", "certificates.k8s.io", "admissionregistration.k8s.io", "authentication.k8s.io"),
      { maxLength: 3 },
    ),
    resources: fc.array(resource, { maxLength: 4 }),
    resourceNames: fc.array(fc.constantFrom("a", "b"), { maxLength: 2 }),
  },
  { requiredKeys: ["verbs"] },
) as fc.Arbitrary<PolicyRule>;

describe("PatternEvaluator", () => {
  it("gives the same levels as asking every pattern", () => {
    fc.assert(
      fc.property(rule, (policyRule) => {
        expect([...evaluator.levels(policyRule)]).toEqual(compiled.patterns.map((pattern) => patternGrant(policyRule, pattern)));
      }),
      { numRuns: 2000 },
    );
  });
});
