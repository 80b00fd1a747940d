import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CheckDefinition } from "../../src/checks/types.js";
import type { CheckResult } from "../../src/model/report.js";
import { baseResult } from "../../src/probes/observation.js";
import type { IdentityLookup } from "../../src/probes/types.js";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { expectedVerdict } from "../../src/conformance/expected.js";
import { applyExpectedRbac, expectedNamespaces, loadExpectedRbac } from "../../src/conformance/expectations.js";
import { SA_USER, fakeCheck } from "../probes/fake-client.js";

const identity: IdentityLookup = {
  state: "known",
  username: SA_USER.username,
  groups: SA_USER.groups,
  source: "SelfSubjectReview",
  message: "",
  evidence: {},
  durationMs: 1,
};

function observed(check: CheckDefinition, decision: "allowed" | "denied", namespace = ""): CheckResult {
  const status = check.expect === decision ? "pass" : "fail";
  return baseResult(check, {
    status,
    expected: check.expect,
    observed: decision,
    observation: `${check.id}: ${decision}`,
    message: `${check.id}: ${decision}${status === "fail" ? `, expected ${check.expect}` : ""}`,
    evidence: { namespace },
    durationMs: 1,
  });
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
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd(), defaultNamespace: "default" });
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
    expect(judged[2]?.message).toContain(
      "under-privileged: watch-pods: denied, but the expected RBAC allows it: RoleBinding team-b/builder-reads-pods of Role team-b/pod-reader",
    );
    expect(judged[2]?.message).toMatch(/that grant does not take effect on the server$/);
    expect(judged[0]?.evidence.expectedBecause).toContain("builder-reads-pods");
  });

  it("an over-privileged check takes the audit catalogue's severity and advises removing the grant, never adding one", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd(), defaultNamespace: "default" });
    const secrets = fakeCheck({ id: "list-secrets", probe: "list", resource: "secrets" });
    const outcome = applyExpectedRbac([secrets], [observed(secrets, "allowed", "team-b")], expected, identity, loadCatalogue());
    // secrets-read: high cluster-wide, medium (its namespacedSeverity) through a RoleBinding.
    expect(outcome.results[0]).toMatchObject({ status: "fail", severity: "medium" });
    const everywhere = applyExpectedRbac([secrets], [observed(secrets, "allowed", "")], expected, identity, loadCatalogue());
    expect(everywhere.results[0]).toMatchObject({ status: "fail", severity: "high" });
    expect(outcome.results[0]?.message).toMatch(/^over-privileged: .*Audit rule secrets-read\./);
    expect(outcome.results[0]?.remediation).toMatch(/^Remove or narrow the binding that lets this identity list secrets -n team-b /);
    const nodes = applyExpectedRbac([checks[1] as CheckDefinition], [observed(checks[1] as CheckDefinition, "allowed")], expected, identity, loadCatalogue());
    // No audit rule names "list nodes": the level an unexplained grant deserves.
    expect(nodes.results[0]).toMatchObject({ status: "fail", severity: "medium" });
    expect(nodes.results[0]?.remediation).not.toMatch(/^Bind/);
  });

  it("an under-privileged check advises applying the expected binding", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd(), defaultNamespace: "default" });
    const outcome = applyExpectedRbac(
      [checks[2] as CheckDefinition],
      [observed(checks[2] as CheckDefinition, "denied", "team-b")],
      expected,
      identity,
      loadCatalogue(),
    );
    expect(outcome.results[0]?.status).toBe("fail");
    expect(outcome.results[0]?.remediation).toMatch(/^Apply the expected binding that grants watch pods -n team-b /);
  });

  it("without the bootstrap policy, /version is over-privileged and a warning says why", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: false, cwd: process.cwd(), defaultNamespace: "default" });
    const outcome = applyExpectedRbac([checks[3] as CheckDefinition], [observed(checks[3] as CheckDefinition, "allowed")], expected, identity);
    expect(outcome.results[0]?.status).toBe("fail");
    expect(outcome.warnings[0]).toContain("--with-defaults=false");
  });

  it("keeps each check's expectation when the identity is unknown, and says so", async () => {
    const expected = await loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: true, cwd: process.cwd(), defaultNamespace: "default" });
    const results = [observed(checks[1] as CheckDefinition, "allowed")];
    const outcome = applyExpectedRbac([checks[1] as CheckDefinition], results, expected, {
      ...identity,
      state: "unknown",
      username: undefined,
      message: "no answer",
    });
    expect(outcome.results).toEqual(results);
    expect(outcome.warnings[0]).toContain("no answer");
  });
});

describe("loadExpectedRbac", () => {
  it("places objects that name no namespace in the default namespace given (kubectl apply -n), their ServiceAccount subjects too", async () => {
    const manifest =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: runner}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: [{apiGroups: [""], resources: [pods], verbs: [list]}]\n';
    const expected = await loadExpectedRbac(["-"], {
      withDefaults: true,
      cwd: process.cwd(),
      defaultNamespace: "team",
      stdin: Readable.from([Buffer.from(manifest)]),
    });
    expect(expected.snapshot.roleBindings[0]?.metadata.namespace).toBe("team");
    expect(expected.snapshot.roles[0]?.metadata.namespace).toBe("team");
    expect(expectedNamespaces(expected.snapshot)).toEqual(["team"]);
    const runner = { name: "system:serviceaccount:team:runner", groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"] };
    expect(
      expectedVerdict(
        expected.snapshot,
        runner,
        { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "team" },
        { withDefaults: true },
      ).expected,
    ).toBe("allowed");
  });

  const binding =
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: bot}\n";

  it("reads - from standard input, and passes on what the apiserver would refuse as --expect warnings", async () => {
    const expected = await loadExpectedRbac(["-"], {
      withDefaults: false,
      cwd: process.cwd(),
      defaultNamespace: "default",
      stdin: Readable.from([Buffer.from(binding)]),
    });
    expect(expected.snapshot.clusterRoleBindings.map((item) => item.metadata.name)).toEqual(["b"]);
    expect(expected.files).toEqual(["-"]);
    expect(expected.warnings).toEqual([
      "--expect: -:1: ClusterRoleBinding b: subjects[0]: a ServiceAccount subject of a ClusterRoleBinding needs a namespace (without one it matches nobody); the apiserver would refuse it",
    ]);
  });

  it("refuses a file over --max-file-bytes, naming it", async () => {
    await expect(
      loadExpectedRbac(["fixtures/checks/expected-rbac"], { withDefaults: false, cwd: process.cwd(), defaultNamespace: "default", maxFileBytes: 10 }),
    ).rejects.toThrow(/larger than the limit of 10 bytes \(raise it with --max-file-bytes\)/);
  });
});
