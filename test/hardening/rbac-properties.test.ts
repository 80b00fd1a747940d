import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAuthorizer, ruleAllows } from "../../src/rbac/index.js";
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  RbacSnapshot,
  RequestAttributes,
  Role,
  RoleBinding,
  Subject,
  UserInfo,
} from "../../src/rbac/index.js";

// Properties of the RBAC evaluator over arbitrary (and malformed) objects and requests. Tokens come
// mostly from a small vocabulary so that rules, subjects and requests actually meet; the rest are
// arbitrary strings. Runs are bounded so the whole file takes a few seconds.

const RUNS = { numRuns: 1000 };

/** Mostly `common` values (so rules, subjects and requests meet), sometimes an arbitrary string. */
function token(...common: string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
}
const list = (item: fc.Arbitrary<string>): fc.Arbitrary<string[]> => fc.array(item, { minLength: 1, maxLength: 3 });
const sometimes = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(value, { nil: undefined, freq: 3 });

const verb = token("get", "list", "*");
const group = token("", "apps", "*");
const resource = token("pods", "pods/log", "*/log", "*", "secrets");
const subresource = token("log", "exec");
const objectName = token("a", "b", "");
const url = token("/healthz", "/healthz*", "/api*", "*", "/metrics");
const namespace = fc.constantFrom("default", "team-a");
const userName = token("alice", "system:serviceaccount:default:app", "system:serviceaccount:team-a:app");
const groupName = token("system:authenticated", "system:serviceaccounts", "devs");
const name = fc.constantFrom("r1", "r2");
const bindingName = fc.constantFrom("b1", "b2", "b3", "b4", "b5", "b6");

const rule: fc.Arbitrary<PolicyRule> = fc.oneof(
  fc.record({ verbs: list(verb), apiGroups: list(group), resources: list(resource), resourceNames: fc.option(list(objectName), { nil: undefined, freq: 1 }) }),
  fc.record({ verbs: list(verb), nonResourceURLs: list(url) }),
  // Malformed, as a live object or a careless manifest can be: any field missing or empty.
  fc.record(
    {
      verbs: fc.array(verb),
      apiGroups: sometimes(fc.array(group)),
      resources: sometimes(fc.array(resource)),
      resourceNames: sometimes(fc.array(objectName)),
      nonResourceURLs: sometimes(fc.array(url)),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<PolicyRule>,
);

const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.record({ kind: fc.constant("User"), name: userName, apiGroup: fc.constant("rbac.authorization.k8s.io") }),
  fc.record({ kind: fc.constant("Group"), name: groupName, apiGroup: fc.constant("rbac.authorization.k8s.io") }),
  fc.record({ kind: fc.constant("ServiceAccount"), name: token("app", "other"), namespace: sometimes(namespace) }),
  fc.record({ kind: token("user", "Robot", ""), name: userName, namespace: sometimes(namespace), apiGroup: sometimes(token("x", "")) }),
);
const roleRef = fc.record({
  kind: fc.oneof({ weight: 9, arbitrary: fc.constantFrom("Role", "ClusterRole") }, { weight: 1, arbitrary: fc.constant("Secret") }),
  name,
  apiGroup: fc.constant("rbac.authorization.k8s.io"),
});

const role: fc.Arbitrary<Role> = fc.record({
  kind: fc.constant("Role" as const),
  metadata: fc.record({ name, namespace }),
  rules: fc.array(rule, { maxLength: 3 }),
});
const clusterRole: fc.Arbitrary<ClusterRole> = fc.record({
  kind: fc.constant("ClusterRole" as const),
  metadata: fc.record({ name }),
  rules: fc.array(rule, { maxLength: 3 }),
});
const roleBinding = (prefix: string): fc.Arbitrary<RoleBinding> =>
  fc.record({
    kind: fc.constant("RoleBinding" as const),
    metadata: fc.record({ name: bindingName.map((n) => `${prefix}${n}`), namespace }),
    subjects: fc.array(subject, { maxLength: 3 }),
    roleRef,
  });
const clusterRoleBinding = (prefix: string): fc.Arbitrary<ClusterRoleBinding> =>
  fc.record({
    kind: fc.constant("ClusterRoleBinding" as const),
    metadata: fc.record({ name: bindingName.map((n) => `${prefix}${n}`) }),
    subjects: fc.array(subject, { maxLength: 3 }),
    roleRef,
  });

const snapshot: fc.Arbitrary<RbacSnapshot> = fc.record({
  roles: fc.uniqueArray(role, { maxLength: 4, selector: (r) => `${r.metadata.namespace}/${r.metadata.name}` }),
  clusterRoles: fc.uniqueArray(clusterRole, { maxLength: 4, selector: (r) => r.metadata.name }),
  roleBindings: fc.uniqueArray(roleBinding(""), { maxLength: 6, selector: (b) => `${b.metadata.namespace}/${b.metadata.name}` }),
  clusterRoleBindings: fc.uniqueArray(clusterRoleBinding(""), { maxLength: 6, selector: (b) => b.metadata.name }),
  serviceAccounts: fc.constant([]),
});

const user: fc.Arbitrary<UserInfo> = fc.record({ name: userName, groups: fc.subarray(["system:authenticated", "system:serviceaccounts", "devs"]) });

const attrs: fc.Arbitrary<RequestAttributes> = fc.oneof(
  fc.record(
    {
      resourceRequest: fc.constant(true as const),
      verb,
      apiGroup: group,
      resource,
      subresource,
      name: objectName,
      namespace: fc.oneof(fc.constant(""), namespace),
    },
    { requiredKeys: ["resourceRequest", "verb", "apiGroup", "resource", "namespace"] },
  ),
  fc.record({ resourceRequest: fc.constant(false as const), verb, path: url }),
);

const aggregate = fc.boolean();

describe("RBAC evaluator properties", () => {
  it("never throws, whatever the objects, user and request", () => {
    fc.assert(
      fc.property(snapshot, user, attrs, aggregate, (objects, who, request, aggregated) => {
        const authorizer = createAuthorizer(objects, { aggregate: aggregated });
        expect(typeof authorizer.authorize(who, request).allowed).toBe("boolean");
        authorizer.rulesReview(who, request.resourceRequest ? request.namespace : "");
        authorizer.whoCan(request);
      }),
      RUNS,
    );
  });

  it("a ClusterRole of * rules bound to the user allows every request", () => {
    const star: ClusterRole = {
      kind: "ClusterRole",
      metadata: { name: "property-star" },
      rules: [
        { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
        { verbs: ["*"], nonResourceURLs: ["*"] },
      ],
    };
    fc.assert(
      fc.property(snapshot, user, attrs, (objects, who, request) => {
        const binding: ClusterRoleBinding = {
          kind: "ClusterRoleBinding",
          metadata: { name: "property-star" },
          subjects: [{ kind: "User", name: who.name, apiGroup: "rbac.authorization.k8s.io" }],
          roleRef: { kind: "ClusterRole", name: "property-star", apiGroup: "rbac.authorization.k8s.io" },
        };
        const withStar = { ...objects, clusterRoles: [...objects.clusterRoles, star], clusterRoleBindings: [...objects.clusterRoleBindings, binding] };
        expect(createAuthorizer(withStar).authorize(who, request).allowed).toBe(true);
      }),
      RUNS,
    );
  });

  it("is additive: adding bindings never removes a permission", () => {
    const extra = fc.record({
      roleBindings: fc.uniqueArray(roleBinding("extra-"), { maxLength: 3, selector: (b) => `${b.metadata.namespace}/${b.metadata.name}` }),
      clusterRoleBindings: fc.uniqueArray(clusterRoleBinding("extra-"), { maxLength: 3, selector: (b) => b.metadata.name }),
    });
    fc.assert(
      fc.property(snapshot, extra, user, attrs, aggregate, (objects, more, who, request, aggregated) => {
        const before = createAuthorizer(objects, { aggregate: aggregated }).authorize(who, request).allowed;
        const grown = {
          ...objects,
          roleBindings: [...objects.roleBindings, ...more.roleBindings],
          clusterRoleBindings: [...objects.clusterRoleBindings, ...more.clusterRoleBindings],
        };
        const after = createAuthorizer(grown, { aggregate: aggregated }).authorize(who, request).allowed;
        expect(before && !after).toBe(false);
      }),
      RUNS,
    );
  });

  it("RoleBindings grant only inside their namespace, never cluster-wide or non-resource URLs", () => {
    const starRules: PolicyRule[] = [
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["*"], nonResourceURLs: ["*"] },
    ];
    fc.assert(
      fc.property(snapshot, user, attrs, fc.constantFrom("Role", "ClusterRole"), (objects, who, request, refKind) => {
        const grant: RoleBinding = {
          kind: "RoleBinding",
          metadata: { name: "property-star", namespace: "team-a" },
          subjects: [{ kind: "User", name: who.name, apiGroup: "rbac.authorization.k8s.io" }],
          roleRef: { kind: refKind, name: "property-star", apiGroup: "rbac.authorization.k8s.io" },
        };
        const onlyRoleBindings: RbacSnapshot = {
          ...objects,
          roles: [...objects.roles, { kind: "Role", metadata: { name: "property-star", namespace: "team-a" }, rules: starRules }],
          clusterRoles: [...objects.clusterRoles, { kind: "ClusterRole", metadata: { name: "property-star" }, rules: starRules }],
          clusterRoleBindings: [],
          roleBindings: [...objects.roleBindings.filter((binding) => binding.metadata.namespace === "team-a"), grant],
        };
        const allowed = createAuthorizer(onlyRoleBindings).authorize(who, request).allowed;
        expect(allowed).toBe(request.resourceRequest && request.namespace === "team-a");
      }),
      RUNS,
    );
  });

  it("with one rule bound to the user, the authorizer agrees with ruleAllows", () => {
    fc.assert(
      fc.property(rule, user, attrs, (only, who, request) => {
        const objects: RbacSnapshot = {
          roles: [],
          roleBindings: [],
          serviceAccounts: [],
          clusterRoles: [{ kind: "ClusterRole", metadata: { name: "only" }, rules: [only] }],
          clusterRoleBindings: [
            {
              kind: "ClusterRoleBinding",
              metadata: { name: "only" },
              subjects: [{ kind: "User", name: who.name, apiGroup: "rbac.authorization.k8s.io" }],
              roleRef: { kind: "ClusterRole", name: "only", apiGroup: "rbac.authorization.k8s.io" },
            },
          ],
        };
        expect(createAuthorizer(objects).authorize(who, request).allowed).toBe(ruleAllows(only, request));
      }),
      RUNS,
    );
  });

  it("members of system:masters are allowed everything before RBAC", () => {
    fc.assert(
      fc.property(snapshot, user, attrs, (objects, who, request) => {
        const master = { ...who, groups: [...who.groups, "system:masters"] };
        expect(createAuthorizer(objects).authorize(master, request).allowed).toBe(true);
      }),
      RUNS,
    );
  });
});
