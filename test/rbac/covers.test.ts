import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atomAsRule, breakdownRule, ruleCoversAtom, uncoveredAtoms, type AtomicRule } from "../../src/rbac/covers.js";
import { ruleAllows } from "../../src/rbac/match.js";
import type { PolicyRule, RequestAttributes } from "../../src/rbac/types.js";

// Cases re-expressed from upstream's policy comparator (k8s.io/component-helpers auth/rbac/validation).
describe("covers, as the API server's escalation check compares rules", () => {
  it("breaks a rule into one verb, group, resource and name per atom, and URLs with verbs", () => {
    expect(breakdownRule({ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"], resourceNames: ["a", "b"] })).toHaveLength(4);
    expect(breakdownRule({ verbs: ["get"], nonResourceURLs: ["/healthz", "/version"] })).toEqual([
      { verb: "get", nonResourceURL: "/healthz" },
      { verb: "get", nonResourceURL: "/version" },
    ]);
  });

  it("a * in the owner covers anything; a * in the servant only a *", () => {
    const star: PolicyRule = { verbs: ["*"], apiGroups: ["*"], resources: ["*"] };
    expect(uncoveredAtoms([star], [{ verbs: ["get", "*"], apiGroups: ["apps"], resources: ["deployments"] }])).toEqual([]);
    expect(uncoveredAtoms([{ verbs: ["get", "list", "watch", "create", "update", "patch", "delete"], apiGroups: ["*"], resources: ["*"] }], [star])).toEqual([
      { verb: "*", apiGroup: "*", resource: "*" },
    ]);
  });

  it("subresources: exact, resource/* is not special, */sub covers every resource's sub", () => {
    expect(ruleCoversAtom({ verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { verb: "get", apiGroup: "", resource: "pods/log" })).toBe(false);
    expect(ruleCoversAtom({ verbs: ["get"], apiGroups: [""], resources: ["*/log"] }, { verb: "get", apiGroup: "", resource: "pods/log" })).toBe(true);
    expect(ruleCoversAtom({ verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, { verb: "get", apiGroup: "", resource: "pods/log" })).toBe(true);
  });

  it("resourceNames: an owner without names covers named atoms; named owners cover only their names", () => {
    const named: PolicyRule = { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] };
    expect(ruleCoversAtom(named, { verb: "get", apiGroup: "", resource: "secrets", resourceName: "a" })).toBe(true);
    expect(ruleCoversAtom(named, { verb: "get", apiGroup: "", resource: "secrets", resourceName: "b" })).toBe(false);
    expect(ruleCoversAtom(named, { verb: "get", apiGroup: "", resource: "secrets" })).toBe(false);
    expect(ruleCoversAtom({ ...named, resourceNames: [] }, { verb: "get", apiGroup: "", resource: "secrets", resourceName: "b" })).toBe(true);
  });

  it("non-resource URLs: exact, or a prefix that ends in *", () => {
    const owner: PolicyRule = { verbs: ["get"], nonResourceURLs: ["/apis/*", "/version"] };
    expect(ruleCoversAtom(owner, { verb: "get", nonResourceURL: "/apis/apps/v1" })).toBe(true);
    expect(ruleCoversAtom(owner, { verb: "get", nonResourceURL: "/version/x" })).toBe(false);
    expect(ruleCoversAtom({ verbs: ["get"], nonResourceURLs: ["/apis"] }, { verb: "get", nonResourceURL: "/apis/apps" })).toBe(false);
  });

  // For atoms without wildcards, covering an atom is allowing its request: the evaluator's own matchers agree.
  // (Except resourceNames [""]: upstream's authorizer lets it match a request without a name, its comparator
  // does not; the comparison confirms every difference with an access review, so the server decides.)
  it("agrees with the authorizer's rule matching on concrete requests", () => {
    const word = fc.constantFrom("get", "list", "pods", "apps", "", "secrets", "*", "deployments", "exec", "a", "b");
    const list = fc.array(word, { maxLength: 3 });
    const names = fc.array(
      word.filter((value) => value !== ""),
      { maxLength: 3 },
    );
    const rule = fc.record({
      verbs: list,
      apiGroups: list,
      resources: fc.array(fc.oneof(word, fc.constantFrom("*/exec", "pods/exec", "pods/*")), { maxLength: 3 }),
      resourceNames: names,
    });
    const concrete = fc.constantFrom("get", "list", "pods", "apps", "", "secrets", "deployments", "a", "b");
    const atom = fc.record({
      verb: concrete,
      apiGroup: concrete,
      resource: fc.oneof(concrete, fc.constantFrom("pods/exec")),
      resourceName: fc.option(concrete, { nil: undefined }),
    });
    fc.assert(
      fc.property(rule, atom, (policy, candidate) => {
        const clean: AtomicRule =
          candidate.resourceName === undefined ? { verb: candidate.verb, apiGroup: candidate.apiGroup, resource: candidate.resource } : candidate;
        const [resource, subresource] = (clean.resource ?? "").split("/");
        const attrs: RequestAttributes = {
          resourceRequest: true,
          verb: clean.verb,
          apiGroup: clean.apiGroup ?? "",
          resource: resource ?? "",
          namespace: "ns",
          ...(subresource ? { subresource } : {}),
          ...(clean.resourceName ? { name: clean.resourceName } : {}),
        };
        expect(ruleCoversAtom(policy, clean)).toBe(ruleAllows(policy, attrs));
      }),
      { numRuns: 2000 },
    );
  });

  it("an atom as a rule covers itself", () => {
    for (const atom of breakdownRule({ verbs: ["get", "*"], apiGroups: ["", "*"], resources: ["pods", "*/scale"], resourceNames: ["x"] })) {
      expect(ruleCoversAtom(atomAsRule(atom), atom)).toBe(true);
    }
  });
});
