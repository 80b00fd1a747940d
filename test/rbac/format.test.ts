import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createAuthorizer } from "../../src/rbac/index.js";
import { describeGrant, explainDecision } from "../../src/rbac/format.js";
import { grantFromServerReason } from "../../src/rbac/resolve.js";
import type { RbacSnapshot, RequestAttributes, UserInfo } from "../../src/rbac/index.js";

// What can-i prints under its yes/no writes every object as the reports do (`Kind namespace/name`),
// never in the authorizer's upstream spelling (`RoleBinding "name/namespace"`), which only the
// decision's `reason` field keeps, for comparison with the server. The derived vectors reach every
// kind of near miss (confined RoleBinding, resourceNames, ServiceAccount namespace, dangling roleRef).

type Request = { verb: string; path: string } | { verb: string; apiGroup: string; resource: string; subresource?: string; name?: string; namespace: string };
interface AuthorizerCase {
  snapshot: RbacSnapshot;
  checks: { user: UserInfo; request: Request }[];
}

const vectors = JSON.parse(readFileSync(new URL("../../fixtures/rbac/vectors/authorizer.derived.json", import.meta.url), "utf8")) as {
  cases: AuthorizerCase[];
};
const UPSTREAM_SPELLING = /\b(ClusterRoleBinding|RoleBinding|ClusterRole|Role|ServiceAccount|Group|User) "/;

function attributesOf(request: Request): RequestAttributes {
  return "path" in request ? { resourceRequest: false, verb: request.verb, path: request.path } : { resourceRequest: true, ...request };
}

describe("can-i's explanation", () => {
  const explained = vectors.cases.flatMap((testCase) => {
    const authorizer = createAuthorizer(testCase.snapshot);
    return testCase.checks.map((check) => ({ decision: authorizer.authorize(check.user, attributesOf(check.request)) }));
  });

  it("writes objects as Kind namespace/name in every line, yes and no", () => {
    expect(explained.filter(({ decision }) => decision.grant).length).toBeGreaterThan(5);
    expect(explained.filter(({ decision }) => decision.nearMisses.length > 0).length).toBeGreaterThan(5);
    for (const { decision } of explained) {
      for (const line of explainDecision(decision)) expect(line).not.toMatch(UPSTREAM_SPELLING);
    }
  });

  it("names the binding, role and subject of a grant in that form, while the reason field stays the server's", () => {
    const { decision } =
      explained.find(({ decision }) => decision.grant?.binding.kind === "RoleBinding" && decision.grant.subject.kind === "ServiceAccount") ?? {};
    const grant = decision?.grant;
    if (!decision || !grant) throw new Error("the vectors have no RoleBinding grant to a ServiceAccount");
    const namespace = grant.binding.namespace as string;
    expect(decision.reason).toMatch(UPSTREAM_SPELLING);
    expect(explainDecision(decision)[0]).toBe(
      `RBAC: allowed by RoleBinding ${namespace}/${grant.binding.name} of ${grant.role.kind} ${grant.role.namespace ? `${grant.role.namespace}/` : ""}${grant.role.name} to ServiceAccount ${grant.subject.namespace || namespace}/${grant.subject.name}`,
    );
  });

  it("reads the server's RBAC reason back into the same binding, role and subject (live can-i writes them so)", () => {
    const granted = explained.filter(({ decision }) => decision.grant);
    for (const { decision } of granted) {
      const parsed = grantFromServerReason(decision.reason);
      expect({ reason: decision.reason, parsed: parsed && describeGrant(parsed) }).toEqual({
        reason: decision.reason,
        parsed: describeGrant(decision.grant as NonNullable<typeof decision.grant>),
      });
    }
    // A name with a quote in it, as Go's %q escapes it.
    expect(grantFromServerReason('RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "a\\"b"')).toEqual({
      binding: { kind: "ClusterRoleBinding", name: "b" },
      role: { kind: "ClusterRole", name: "r" },
      subject: { kind: "User", name: 'a"b' },
    });
    // Anything else stays the server's words.
    for (const other of [
      "",
      "allowed by webhook",
      'RBAC: allowed by RoleBinding "no-namespace" of Role "r" to User "u"',
      'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to User "u" and more',
    ]) {
      expect(grantFromServerReason(other)).toBeUndefined();
    }
  });
});
