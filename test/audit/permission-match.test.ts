import { describe, expect, it } from "vitest";
import { compilePatterns, GrantLevel, matchPermissionRule, PatternEvaluator, patternGrant } from "../../src/audit/permission-match.js";
import type { AuditRule, PermissionPattern } from "../../src/audit/rule-types.js";
import type { PolicyRule } from "../../src/rbac/types.js";

const exec: PermissionPattern = { verbs: ["create"], apiGroups: [""], resources: ["pods/exec"] };
const rule = (resources: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({ verbs: ["create"], apiGroups: [""], resources, ...extra });

describe("patternGrant follows the apiserver's matchers", () => {
  it.each([
    [["*"], GrantLevel.full, "* covers every subresource"],
    [["*/exec"], GrantLevel.full, "*/exec covers pods/exec"],
    [["pods/exec"], GrantLevel.full, "exact"],
    [["pods"], GrantLevel.none, "pods does not cover pods/exec"],
    [["pods/*"], GrantLevel.none, "pods/* is literal, not a wildcard"],
    [["*/*"], GrantLevel.none, "*/* only matches subresource *"],
  ] as [string[], GrantLevel, string][])("%j -> %i (%s)", (resources, expected) => {
    expect(patternGrant(rule(resources), exec)).toBe(expected);
  });

  it("is case-sensitive and needs a matching group", () => {
    expect(patternGrant({ verbs: ["CREATE"], apiGroups: [""], resources: ["pods/exec"] }, exec)).toBe(GrantLevel.none);
    expect(patternGrant({ verbs: ["create"], apiGroups: [], resources: ["pods/exec"] }, exec)).toBe(GrantLevel.none);
    expect(patternGrant({ verbs: ["create"], apiGroups: ["apps"], resources: ["pods/exec"] }, exec)).toBe(GrantLevel.none);
    expect(patternGrant({ verbs: ["*"], apiGroups: ["*"], resources: ["pods/exec"] }, exec)).toBe(GrantLevel.full);
  });

  it("reports a grant limited by resourceNames as restricted", () => {
    expect(patternGrant(rule(["pods/exec"], { resourceNames: ["debug-pod"] }), exec)).toBe(GrantLevel.restricted);
  });

  it("counts no create or deletecollection of whole objects limited by resourceNames: such a request has no name (a subresource's create has one)", () => {
    const createPods: PermissionPattern = { verbs: ["create"], apiGroups: [""], resources: ["pods"] };
    const named = { verbs: ["create"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] };
    expect(patternGrant(named, createPods)).toBe(GrantLevel.none);
    expect(patternGrant({ ...named, verbs: ["deletecollection"] }, { ...createPods, verbs: ["deletecollection"] })).toBe(GrantLevel.none);
    // Another verb of the same pattern still counts, restricted.
    expect(patternGrant({ ...named, verbs: ["*"] }, { ...createPods, verbs: ["create", "patch"] })).toBe(GrantLevel.restricted);
    expect(patternGrant({ ...named, resourceNames: undefined }, createPods)).toBe(GrantLevel.full);
    expect(patternGrant(rule(["pods/exec"], { resourceNames: ["web"] }), exec)).toBe(GrantLevel.restricted);
  });
});

describe("matchPermissionRule", () => {
  const auditRule = (match: AuditRule["match"]): AuditRule => ({
    id: "r",
    title: "t",
    severity: "high",
    rationale: "r",
    remediation: "r.",
    cis: "none",
    match,
  });
  const nodesProxy = auditRule({ kind: "permissions", anyOf: [{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"], scope: "cluster" }] });
  const approve = auditRule({
    kind: "permissions",
    allOf: [
      { verbs: ["update"], apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], scope: "cluster" },
      { verbs: ["approve"], apiGroups: ["certificates.k8s.io"], resources: ["signers"], scope: "cluster" },
    ],
  });
  const compiled = compilePatterns([nodesProxy, approve]);
  const evaluator = new PatternEvaluator(compiled);
  const levels = (rules: PolicyRule[]) => evaluator.roleLevels(rules);

  it("counts cluster-scoped permissions only for cluster-wide bindings", () => {
    const rules = [{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] }];
    expect(matchPermissionRule(compiled.rules[0]!, rules, levels(rules), "cluster")).toEqual({ grant: GrantLevel.full, matchedRules: rules });
    expect(matchPermissionRule(compiled.rules[0]!, rules, levels(rules), "apps").grant).toBe(GrantLevel.none);
  });

  it("needs every allOf pattern, takes the weakest of them, and lists only contributing rules", () => {
    const approval = { verbs: ["update"], apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"] };
    const signer = { verbs: ["approve"], apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/internal"] };
    const unrelated = { verbs: ["get"], apiGroups: [""], resources: ["configmaps"] };
    expect(matchPermissionRule(compiled.rules[1]!, [approval], levels([approval]), "cluster").grant).toBe(GrantLevel.none);
    const all = [approval, unrelated, signer];
    expect(matchPermissionRule(compiled.rules[1]!, all, levels(all), "cluster")).toEqual({ grant: GrantLevel.restricted, matchedRules: [approval, signer] });
  });
});
