import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { comparePermissions } from "../../src/conformance/compare-permissions.js";
import { permissionResults, ratingLookup } from "../../src/conformance/permission-results.js";
import { ratePermissions } from "../../src/conformance/permission-severity.js";
import type { RequestOptions } from "../../src/kube/types.js";
import { createAuthorizer } from "../../src/rbac/authorizer.js";
import { withBootstrapPolicy } from "../../src/rbac/bootstrap.js";
import type { RbacSnapshot, RequestAttributes, UserInfo } from "../../src/rbac/types.js";
import { FakeClient } from "../probes/fake-client.js";

/*
 * The comparison over a server whose reviews are answered by the evaluator on a "live" snapshot: what
 * the real server does is the integration test's (test/conformance/permissions.int.test.ts) to show.
 */

const runner: UserInfo = {
  name: "system:serviceaccount:team:runner",
  groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"],
};
const subject = { kind: "ServiceAccount", name: "runner", namespace: "team" };
const RBAC = "rbac.authorization.k8s.io";

function snapshot(extra: Partial<RbacSnapshot> = {}): RbacSnapshot {
  return {
    roles: [
      {
        kind: "Role",
        metadata: { name: "reader", namespace: "team" },
        rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "configmaps"] }],
      },
    ],
    roleBindings: [
      { kind: "RoleBinding", metadata: { name: "reader", namespace: "team" }, roleRef: { apiGroup: RBAC, kind: "Role", name: "reader" }, subjects: [subject] },
    ],
    clusterRoles: [],
    clusterRoleBindings: [],
    serviceAccounts: [],
    ...extra,
  };
}

/** A client whose access reviews are answered as `live` (plus the bootstrap policy) would answer them. */
function serverOf(live: RbacSnapshot, namespaces: string[] | undefined): FakeClient {
  const authorizer = createAuthorizer(withBootstrapPolicy(live), { aggregate: true });
  const spec = (options: RequestOptions) => (options.body as { spec: Record<string, any> }).spec;
  const attrsOf = (options: RequestOptions): RequestAttributes => {
    const { resourceAttributes: r, nonResourceAttributes: n } = spec(options);
    return r
      ? {
          resourceRequest: true,
          verb: r.verb,
          apiGroup: r.group,
          resource: r.resource,
          namespace: r.namespace,
          ...(r.subresource ? { subresource: r.subresource } : {}),
          ...(r.name ? { name: r.name } : {}),
        }
      : { resourceRequest: false, verb: n.verb, path: n.path };
  };
  return new FakeClient({
    "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": (options) => {
      const decision = authorizer.authorize(runner, attrsOf(options));
      return { status: 201, json: { status: { allowed: decision.allowed, reason: decision.reason } } };
    },
    "POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews": (options) => {
      const rules = authorizer.rulesFor(runner, spec(options).namespace as string).map((effective) => effective.rule);
      return {
        status: 201,
        json: {
          status: {
            resourceRules: rules.filter((rule) => !rule.nonResourceURLs),
            nonResourceRules: rules.filter((rule) => rule.nonResourceURLs),
            incomplete: false,
          },
        },
      };
    },
    "GET /api/v1/namespaces": namespaces
      ? { status: 200, json: { items: namespaces.map((name) => ({ metadata: { name } })), metadata: {} } }
      : { status: 403, json: {} },
  });
}

async function compare(live: RbacSnapshot, namespaces?: string[]) {
  const expected = createAuthorizer(withBootstrapPolicy(snapshot()), { aggregate: true });
  return comparePermissions({ client: serverOf(live, namespaces), user: runner, expected, namespaces: ["team", "default", "kube-system"] });
}

/** The runner's live RBAC plus a Role in ops that mints tokens, bound by `bindings`. */
function withMint(bindings: RbacSnapshot["roleBindings"]): RbacSnapshot {
  return snapshot({
    roles: [
      ...snapshot().roles,
      { kind: "Role", metadata: { name: "mint", namespace: "ops" }, rules: [{ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] }] },
    ],
    roleBindings: [...snapshot().roleBindings, ...bindings],
  });
}

/** A second client (the impersonating identity) that may only list namespaces. */
function readerOf(namespaces: string[]): FakeClient {
  return new FakeClient({ "GET /api/v1/namespaces": { status: 200, json: { items: namespaces.map((name) => ({ metadata: { name } })), metadata: {} } } });
}

describe("comparePermissions", () => {
  it("finds nothing when the server grants exactly what was declared (bootstrap defaults on both sides), but could not see every namespace", async () => {
    const comparison = await compare(snapshot());
    expect(comparison.differences).toEqual([]);
    expect(comparison.compared).toEqual(["team", "default", "kube-system"]);
    expect(comparison.clusterCompared).toBe(true);
    // The runner may not list namespaces and nobody else was given to: incomplete, and says why.
    expect(comparison.incomplete).toEqual([
      "not every namespace was compared: the identity may not list namespaces, and no other identity was given to list them (the run does not impersonate)",
    ]);
  });

  it("is complete when the identity may list namespaces, and compares each one", async () => {
    const live = snapshot({
      clusterRoles: [{ kind: "ClusterRole", metadata: { name: "ns" }, rules: [{ verbs: ["list"], apiGroups: [""], resources: ["namespaces"] }] }],
      clusterRoleBindings: [
        { kind: "ClusterRoleBinding", metadata: { name: "ns" }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "ns" }, subjects: [subject] },
      ],
    });
    const comparison = await compare(live, ["team", "ops"]);
    expect(comparison.incomplete).toEqual([]);
    expect(comparison.compared).toEqual(["team", "default", "kube-system", "ops"]);
    expect(comparison.namespacesFrom).toBe("every namespace on the server");
  });

  it("with a reader (the impersonating identity), a RoleBinding in a namespace the runner cannot see is found", async () => {
    const live = withMint([
      { kind: "RoleBinding", metadata: { name: "mint", namespace: "ops" }, roleRef: { apiGroup: RBAC, kind: "Role", name: "mint" }, subjects: [subject] },
    ]);
    const expected = createAuthorizer(withBootstrapPolicy(snapshot()), { aggregate: true });
    const without = await comparePermissions({ client: serverOf(live, undefined), user: runner, expected, namespaces: ["team", "default", "kube-system"] });
    expect(without.differences).toEqual([]);
    expect(without.incomplete).toHaveLength(1);
    const withReader = await comparePermissions({
      client: serverOf(live, undefined),
      reader: readerOf(["team", "ops"]),
      user: runner,
      expected,
      namespaces: ["team", "default", "kube-system"],
    });
    expect(withReader.incomplete).toEqual([]);
    expect(withReader.namespacesFrom).toContain("listed by the impersonating identity");
    expect(withReader.differences.map((difference) => [difference.direction, difference.scope, difference.atom.resource])).toEqual([
      ["extra", "ops", "serviceaccounts/token"],
    ]);
  });

  it("an extra Role rule on secrets is over-privileged in its namespace, nowhere else", async () => {
    const live = snapshot();
    (live.roles[0] as { rules: unknown[] }).rules.push({ verbs: ["get", "list"], apiGroups: [""], resources: ["secrets"] });
    const comparison = await compare(live);
    expect(comparison.differences.map((d) => [d.direction, d.scope, d.atom.verb, d.atom.resource])).toEqual([
      ["extra", "team", "get", "secrets"],
      ["extra", "team", "list", "secrets"],
    ]);
  });

  it("cluster-admin through a ClusterRoleBinding is one cluster-wide difference, not one per namespace; critical", async () => {
    const live = snapshot({
      clusterRoles: [
        {
          kind: "ClusterRole",
          metadata: { name: "cluster-admin" },
          rules: [
            { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
            { verbs: ["*"], nonResourceURLs: ["*"] },
          ],
        },
      ],
      clusterRoleBindings: [
        {
          kind: "ClusterRoleBinding",
          metadata: { name: "oops" },
          roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
          subjects: [subject],
        },
      ],
    });
    const comparison = await compare(live, ["team", "default", "kube-system", "other"]);
    expect(comparison.compared).toContain("other");
    const extra = comparison.differences.filter((d) => d.direction === "extra");
    expect(extra.map((d) => [d.scope, d.atom.verb, d.atom.resource ?? d.atom.nonResourceURL])).toEqual([
      ["cluster", "*", "*"],
      ["cluster", "*", "*"],
    ]);
    const catalogue = loadCatalogue();
    const ratings = new Map([
      [
        "cluster",
        ratePermissions(
          catalogue,
          "cluster",
          extra.map((d) => d.atom),
        ),
      ],
    ]);
    const results = permissionResults(
      comparison,
      runner.name,
      { rating: ratingLookup(ratings), liveGrant: () => "ClusterRoleBinding oops -> ClusterRole cluster-admin" },
      1,
    );
    const failed = results.filter((result) => result.status === "fail");
    expect(failed[0]).toMatchObject({ severity: "critical", id: "over-privileged/cluster/all.all" });
    expect(failed[0]?.title).toContain("cluster-admin power");
    expect(failed[0]?.remediation).toMatch(/^Remove or narrow ClusterRoleBinding oops -> ClusterRole cluster-admin/);
    expect(results[0]).toMatchObject({ id: "rbac-permissions", status: "info" });
  });

  it("a deleted RoleBinding is under-privileged, naming the expected binding", async () => {
    const comparison = await compare(snapshot({ roleBindings: [] }));
    expect(comparison.differences.every((d) => d.direction === "missing" && d.scope === "team")).toBe(true);
    expect(comparison.differences.map((d) => `${d.atom.verb} ${d.atom.resource}`).sort()).toEqual([
      "get configmaps",
      "get pods",
      "list configmaps",
      "list pods",
    ]);
    expect(comparison.differences[0]?.expectedGrant).toContain("RoleBinding team/reader");
    const results = permissionResults(comparison, runner.name, { rating: () => ({ severity: "medium", rules: [] }), liveGrant: () => undefined }, 1);
    expect(
      results
        .filter((result) => result.status === "fail")
        .map((result) => result.id)
        .sort(),
    ).toEqual(["under-privileged/team/configmaps", "under-privileged/team/pods"]);
    expect(results.find((result) => result.id === "under-privileged/team/pods")?.message).toMatch(
      /^under-privileged: the expected RBAC grants get, list pods in namespace team/,
    );
  });

  it("a namespace whose rules cannot be read is named with the reason, and the rest is compared", async () => {
    const client = serverOf(snapshot(), undefined);
    const failing = new FakeClient({
      "POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews": async (options) => {
        if ((options.body as { spec: { namespace: string } }).spec.namespace === "kube-system")
          return { status: 500, json: { kind: "Status", message: "etcd is down" } };
        return (await client.request(options)).ok
          ? { status: 201, json: ((await client.request(options)) as { response: { json: unknown } }).response.json }
          : { status: 500 };
      },
      "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": async (options) => ({
        status: 201,
        json: ((await client.request(options)) as { response: { json: unknown } }).response.json,
      }),
    });
    const expected = createAuthorizer(withBootstrapPolicy(snapshot()), { aggregate: true });
    const comparison = await comparePermissions({ client: failing, user: runner, expected, namespaces: ["team", "kube-system"] });
    expect(comparison.compared).toEqual(["team"]);
    expect(comparison.notCompared).toEqual([{ namespace: "kube-system", reason: expect.stringContaining("etcd is down") }]);
    expect(comparison.incomplete).toContainEqual(expect.stringMatching(/^namespace kube-system could not be compared: .*etcd is down/));
    // Incomplete is never a pass: could not tell, at a level no --fail-on lets through.
    const [coverage] = permissionResults(comparison, runner.name, { rating: () => ({ severity: "medium", rules: [] }), liveGrant: () => undefined }, 1);
    expect(coverage).toMatchObject({
      id: "rbac-permissions",
      status: "error",
      severity: "critical",
      observed: "incomplete",
      error: { code: "comparison-incomplete" },
    });
  });

  it("reviews only the namespaces whose RoleBindings name the identity or a group of it (and the given ones); the others hold the cluster-wide rules", async () => {
    const live = withMint([
      // Through a group the runner is in: the namespace is reviewed, and the extra permission found.
      {
        kind: "RoleBinding",
        metadata: { name: "mint", namespace: "ops" },
        roleRef: { apiGroup: RBAC, kind: "Role", name: "mint" },
        subjects: [{ kind: "Group", name: "system:serviceaccounts:team" }],
      },
      // Someone else's: no review needed there.
      {
        kind: "RoleBinding",
        metadata: { name: "other", namespace: "quiet" },
        roleRef: { apiGroup: RBAC, kind: "Role", name: "mint" },
        subjects: [{ kind: "ServiceAccount", name: "other", namespace: "quiet" }],
      },
    ]);
    const server = serverOf(live, undefined);
    const bindings = new FakeClient({
      "GET /api/v1/namespaces": { status: 200, json: { items: ["team", "ops", "quiet", "empty"].map((name) => ({ metadata: { name } })), metadata: {} } },
      "GET /apis/rbac.authorization.k8s.io/v1/rolebindings": { status: 200, json: { items: live.roleBindings, metadata: {} } },
    });
    const expected = createAuthorizer(withBootstrapPolicy(snapshot()), { aggregate: true });
    const comparison = await comparePermissions({ client: server, reader: bindings, user: runner, expected, namespaces: ["team", "default", "kube-system"] });
    const reviewed = server.requests
      .filter((request) => request.path.endsWith("selfsubjectrulesreviews"))
      .map((request) => (request.body as { spec: { namespace: string } }).spec.namespace)
      .sort();
    expect(reviewed).toEqual(["default", "kube-system", "ops", "team"]);
    expect(comparison.reviewed).toBe(4);
    expect([...comparison.compared].sort()).toEqual(["default", "empty", "kube-system", "ops", "quiet", "team"]);
    expect(comparison.incomplete).toEqual([]);
    expect(comparison.differences.map((difference) => [difference.direction, difference.scope, difference.atom.resource])).toEqual([
      ["extra", "ops", "serviceaccounts/token"],
    ]);
  });

  it("rules the server says are incomplete (a webhook authorizer) make the comparison incomplete: it may grant what they do not show", async () => {
    const client = serverOf(snapshot(), ["team"]);
    const webhook = new FakeClient({
      "POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews": async (options) => {
        const answer = (await client.request(options)) as { response: { json: { status: Record<string, unknown> } } };
        return {
          status: 201,
          json: { status: { ...answer.response.json.status, incomplete: true, evaluationError: "webhook authorizer does not support rules" } },
        };
      },
      "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews": async (options) => ({
        status: 201,
        json: ((await client.request(options)) as { response: { json: unknown } }).response.json,
      }),
    });
    const expected = createAuthorizer(withBootstrapPolicy(snapshot()), { aggregate: true });
    const comparison = await comparePermissions({ client: webhook, reader: readerOf(["team"]), user: runner, expected, namespaces: ["team"] });
    expect(comparison.compared).toEqual(["team"]);
    expect(comparison.differences).toEqual([]);
    expect(comparison.incomplete).toEqual([expect.stringContaining("the server's rules are incomplete in team (webhook authorizer does not support rules)")]);
  });

  it("a complete comparison is an info result that says what it covered", async () => {
    const [coverage] = permissionResults(
      {
        compared: ["team"],
        reviewed: 1,
        notCompared: [],
        clusterCompared: true,
        namespacesFrom: "every namespace on the server",
        incomplete: [],
        liveRules: new Map(),
        differences: [],
        warnings: [],
      },
      runner.name,
      { rating: () => ({ severity: "medium", rules: [] }), liveGrant: () => undefined },
      1,
    );
    expect(coverage).toMatchObject({ status: "info", observed: "equal" });
    expect(coverage?.error).toBeUndefined();
  });
});

describe("defaultBindingNamespaces", () => {
  it("names the namespaces where a default RoleBinding names the user (kube-public for the bootstrap signer), none for others or without the defaults", async () => {
    const { defaultBindingNamespaces } = await import("../../src/conformance/permission-check.js");
    const signer: UserInfo = { name: "system:serviceaccount:kube-system:bootstrap-signer", groups: ["system:serviceaccounts", "system:authenticated"] };
    expect([...new Set(defaultBindingNamespaces(signer, true))].sort()).toEqual(["kube-public", "kube-system"]);
    expect(defaultBindingNamespaces(signer, false)).toEqual([]);
    expect(defaultBindingNamespaces(runner, true)).toEqual([]);
  });
});
