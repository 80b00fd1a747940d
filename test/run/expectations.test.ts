import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CheckDefinition } from "../../src/checks/types.js";
import type { CheckResult } from "../../src/model/report.js";
import { baseResult } from "../../src/probes/observation.js";
import type { IdentityLookup } from "../../src/probes/types.js";
import { applyExpectedRbac, loadExpectedRbac } from "../../src/run/expectations.js";
import { SA_USER, fakeCheck } from "../probes/fake-client.js";

const identity: IdentityLookup = { state: "known", username: SA_USER.username, groups: SA_USER.groups, source: "SelfSubjectReview", message: "", evidence: {}, durationMs: 1 };

function observed(check: CheckDefinition, decision: "allowed" | "denied", namespace = ""): CheckResult {
  const status = check.expect === decision ? "pass" : "fail";
  return baseResult(check, { status, expected: check.expect, observed: decision, message: `${check.id}: ${decision}${status === "fail" ? `, expected ${check.expect}` : ""}`, evidence: { namespace }, durationMs: 1 });
}

describe("applyExpectedRbac", () => {
  const checks = [
    fakeCheck({ id: "list-pods", probe: "list", resource: "pods" }),
    fakeCheck({ id: "list-nodes", probe: "list", resource: "nodes" }),
    fakeCheck({ id: "watch-pods", probe: "watch", resource: "pods" }),
    fakeCheck({ id: "version", probe: "version" }),
    fakeCheck({ id: "whoami", probe: "whoami" }),
    fakeCheck({ id: "anonymous", probe: "anonymous", expect: "denied" }),
  ];

  it("judges each RBAC question by the expected RBAC plus the bootstrap policy", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd() });
    const results = [
      observed(checks[0] as CheckDefinition, "allowed", "team-b"),
      observed(checks[1] as CheckDefinition, "allowed"),
      observed(checks[2] as CheckDefinition, "denied", "team-b"),
      observed(checks[3] as CheckDefinition, "allowed"),
      observed(checks[4] as CheckDefinition, "allowed"),
      observed(checks[5] as CheckDefinition, "denied"),
    ];
    const judged = applyExpectedRbac(checks, results, expected, identity).results;
    expect(judged.map((result) => [result.id, result.status, result.expected, result.expectedSource])).toEqual([
      ["list-pods", "pass", "allowed", "rbac"],
      ["list-nodes", "fail", "denied", "rbac"],
      ["watch-pods", "fail", "allowed", "rbac"],
      ["version", "pass", "allowed", "rbac"],
      ["whoami", "pass", "allowed", "rbac"],
      ["anonymous", "pass", "denied", "check"],
    ]);
    expect(judged[1]?.message).toMatch(/^over-privileged: list-nodes: allowed, but the expected RBAC denies it \(no rule in the expected RBAC grants it/);
    expect(judged[2]?.message).toContain('under-privileged: watch-pods: denied, but the expected RBAC allows it: RoleBinding "builder-reads-pods/team-b" of Role "pod-reader"');
    expect(judged[2]?.message).toMatch(/that grant does not take effect on the server$/);
    expect(judged[0]?.evidence.expectedBecause).toContain("builder-reads-pods");
  });

  it("without the bootstrap policy, /version is over-privileged and a warning says why", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: false, cwd: process.cwd() });
    const outcome = applyExpectedRbac([checks[3] as CheckDefinition], [observed(checks[3] as CheckDefinition, "allowed")], expected, identity);
    expect(outcome.results[0]?.status).toBe("fail");
    expect(outcome.warnings[0]).toContain("--with-defaults=false");
  });

  it("keeps each check's expectation when the identity is unknown, and says so", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd() });
    const results = [observed(checks[1] as CheckDefinition, "allowed")];
    const outcome = applyExpectedRbac([checks[1] as CheckDefinition], results, expected, { ...identity, state: "unknown", username: undefined, message: "no answer" });
    expect(outcome.results).toEqual(results);
    expect(outcome.warnings[0]).toContain("no answer");
  });
});

describe("loadExpectedRbac", () => {
  const binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: bot}\n";

  it("reads - from standard input, and passes on what the apiserver would refuse as --expect warnings", async () => {
    const expected = await loadExpectedRbac(["-"], { withDefaults: false, cwd: process.cwd(), stdin: Readable.from([Buffer.from(binding)]) });
    expect(expected.snapshot.clusterRoleBindings.map((item) => item.metadata.name)).toEqual(["b"]);
    expect(expected.files).toEqual(["-"]);
    expect(expected.warnings).toEqual(["--expect: -:1: ClusterRoleBinding b: subjects[0]: a ServiceAccount subject of a ClusterRoleBinding needs a namespace (without one it matches nobody); the apiserver would refuse it"]);
  });

  it("refuses a file over --max-file-bytes, naming it", async () => {
    await expect(loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: false, cwd: process.cwd(), maxFileBytes: 10 })).rejects.toThrow(/larger than the limit of 10 bytes \(raise it with --max-file-bytes\)/);
  });
});
