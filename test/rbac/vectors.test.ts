import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aggregateClusterRoles, createAuthorizer, ruleAllows, subjectAppliesToUser } from "../../src/rbac/index.js";
import type { ClusterRole, PolicyRule, RbacSnapshot, RequestAttributes, Subject, UserInfo } from "../../src/rbac/index.js";

// One runner for every vector file in fixtures/rbac/vectors: *.upstream.json re-express Kubernetes'
// own unit-test tables, *.derived.json are cases derived from reading the code (labelled as such).

type Request = { verb: string; path: string } | { verb: string; apiGroup: string; resource: string; subresource?: string; name?: string; namespace: string };

const directory = new URL("../../fixtures/rbac/vectors/", import.meta.url);
const files = readdirSync(directory).filter((file) => file.endsWith(".json"));

function attributesOf(request: Request): RequestAttributes {
  if ("path" in request) return { resourceRequest: false, verb: request.verb, path: request.path };
  return { resourceRequest: true, ...request };
}

function describeRequest(request: Request): string {
  return "path" in request
    ? `${request.verb} ${request.path}`
    : `${request.verb} ${request.apiGroup}/${request.resource}${request.subresource ? `/${request.subresource}` : ""} ${request.name ?? ""} ns=${request.namespace}`;
}

interface Vectors {
  source: string;
  derived: boolean;
  kind: string;
  cases: Record<string, unknown>[];
}

const runners: Record<string, (testCase: never) => void> = {
  ruleMatches(testCase: { rule: PolicyRule; requests: { request: Request; allowed: boolean }[] }) {
    for (const { request, allowed } of testCase.requests) {
      expect(ruleAllows(testCase.rule, attributesOf(request)), describeRequest(request)).toBe(allowed);
    }
  },
  authorizer(testCase: {
    snapshot: RbacSnapshot;
    checks: { user: UserInfo; request: Request; allowed: boolean; reason?: string; nearMissContains?: string }[];
  }) {
    const authorizer = createAuthorizer(testCase.snapshot);
    for (const check of testCase.checks) {
      const decision = authorizer.authorize(check.user, attributesOf(check.request));
      const label = `${check.user.name} [${check.user.groups.join(",")}] ${describeRequest(check.request)}`;
      expect(decision.allowed, label).toBe(check.allowed);
      if (check.reason !== undefined) expect(decision.reason, label).toBe(check.reason);
      if (check.nearMissContains !== undefined) expect(decision.nearMisses.join("\n"), label).toContain(check.nearMissContains);
    }
  },
  appliesTo(testCase: { subjects: Subject[]; user: UserInfo; namespace: string; index: number }) {
    const index = testCase.subjects.findIndex((subject) => subjectAppliesToUser(testCase.user, subject, testCase.namespace));
    expect(index).toBe(testCase.index);
  },
  rulesFor(testCase: { snapshot: RbacSnapshot; user: UserInfo; namespace: string; rules: PolicyRule[] }) {
    const rules = createAuthorizer(testCase.snapshot)
      .rulesFor(testCase.user, testCase.namespace)
      .map((effective) => effective.rule);
    // Upstream compares as sets.
    const key = (rule: PolicyRule) => JSON.stringify(rule);
    expect(rules.map(key).sort()).toEqual(testCase.rules.map(key).sort());
  },
  whoCan(testCase: { snapshot: RbacSnapshot; superUser: string; request: Request; subjects: Subject[] }) {
    // Upstream lists its optional super-user right after system:masters; saprobe has no super-user
    // (kube-apiserver dropped it), so that one entry is left out of the comparison.
    const expected = testCase.subjects.filter((subject) => !(testCase.superUser && subject.kind === "User" && subject.name === testCase.superUser));
    const found = createAuthorizer(testCase.snapshot)
      .whoCan(attributesOf(testCase.request))
      .map((entry) => `${entry.subject.kind}:${entry.subject.name}`);
    expect(found).toEqual(expected.map((subject) => `${subject.kind}:${subject.name}`));
  },
  aggregation(testCase: { clusterRoles: ClusterRole[]; expected: PolicyRule[] }) {
    const combined = aggregateClusterRoles(testCase.clusterRoles).find((role) => role.metadata.name === "combined");
    expect(combined?.rules).toEqual(testCase.expected);
  },
};

describe.each(files)("vectors %s", (file) => {
  const vectors = JSON.parse(readFileSync(new URL(file, directory), "utf8")) as Vectors;

  it("is labelled upstream or derived, matching its file name", () => {
    expect(vectors.derived).toBe(file.endsWith(".derived.json"));
    expect(runners[vectors.kind]).toBeDefined();
  });

  it.each(vectors.cases.map((testCase) => [String(testCase.name), testCase] as const))("%s", (_name, testCase) => {
    (runners[vectors.kind] as (testCase: unknown) => void)(testCase);
  });
});
