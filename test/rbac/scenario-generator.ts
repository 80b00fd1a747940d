import { aggregateClusterRoles } from "../../src/rbac/aggregate.js";
import { seededRandom } from "../connect/kubeconfig-generator.js";
import { userInfoFor } from "../../src/rbac/users.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RequestAttributes, Role, RoleBinding, Subject, UserInfo } from "../../src/rbac/types.js";

/*
 * Seeded generator of RBAC scenarios for the differential test: roles, cluster roles, aggregated
 * cluster roles (nested), role and cluster role bindings with every subject kind (User, Group,
 * ServiceAccount with and without namespace, bindings to missing roles), subresources,
 * resourceNames and nonResourceURLs, plus identities and requests to ask about. Everything is
 * named from `prefix` so it cannot touch other tests' objects.
 */

/** A generated scenario: objects to apply, and who asks what. */
export interface Scenario {
  /** The ClusterRoles as written: the aggregated ones with no rules, for the controller to fill. */
  declaredClusterRoles: ClusterRole[];
  /** The same after saprobe's offline aggregation: what the server should hold once the controller has run. */
  clusterRoles: ClusterRole[];
  roles: Role[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  questions: { user: UserInfo; attrs: RequestAttributes }[];
}

const RULE_VERBS = ["get", "list", "watch", "create", "update", "delete", "deletecollection", "impersonate", "*"];
const RULE_GROUPS = ["", "apps", "batch", "*"];
const RULE_RESOURCES = [
  "pods",
  "pods/log",
  "pods/exec",
  "deployments",
  "deployments/scale",
  "*/scale",
  "*",
  "secrets",
  "nodes",
  "namespaces",
  "jobs",
  "configmaps",
  "pods/*",
];
const RULE_URLS = ["/healthz", "/metrics", "/logs/*", "/api*", "*", "/version/", "/openapi/*"];
const REQUEST_VERBS = ["get", "list", "watch", "create", "update", "delete", "deletecollection", "patch", "impersonate", "*"];
const REQUEST_GROUPS = ["", "", "apps", "batch", "other.example.com"];
const REQUEST_RESOURCES = ["pods", "pods", "deployments", "secrets", "nodes", "namespaces", "jobs", "configmaps"];
const REQUEST_SUBRESOURCES = [undefined, undefined, undefined, "log", "exec", "scale", "status", "*"];
const REQUEST_URLS = [
  "/healthz",
  "/healthz/etcd",
  "/metrics",
  "/logs/",
  "/logs/x",
  "/api",
  "/apis/apps",
  "/version",
  "/version/",
  "/openapi/v2",
  "/livez",
  "/apifoo",
];

/** Builds a scenario in `namespaces` (which must exist) with cluster-scoped names starting with `prefix`. */
export function generateScenario(seed: number, prefix: string, namespaces: string[], questionCount: number): Scenario {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const some = <T>(items: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items)))];
  const chance = (p: number) => random() < p;

  const resourceRule = (): PolicyRule => {
    const resources = some(RULE_RESOURCES, 2);
    const rule: PolicyRule = { verbs: some(RULE_VERBS, 3), apiGroups: some(RULE_GROUPS, 2), resources };
    if (chance(0.3)) rule.resourceNames = some(["a", "b"], 2);
    return rule;
  };
  const urlRule = (): PolicyRule => ({ verbs: some(["get", "post", "*"], 2), nonResourceURLs: some(RULE_URLS, 2) });
  const labelA = `agg-a-${prefix}`;
  const labelB = `agg-b-${prefix}`;

  const plain: ClusterRole[] = Array.from({ length: 10 }, (_, index) => {
    const labels: Record<string, string> = {};
    if (chance(0.4)) labels[labelA] = "true";
    if (chance(0.3)) labels[labelB] = pick(["x", "y"]);
    return {
      kind: "ClusterRole",
      metadata: { name: `${prefix}-cr-${index}`, labels },
      rules: Array.from({ length: 1 + Math.floor(random() * 3) }, () => (chance(0.25) ? urlRule() : resourceRule())),
    };
  });
  // Nested: agg-b-all also selects agg-a (labelled with labelB), whose rules are themselves aggregated.
  const aggregated: ClusterRole[] = [
    {
      kind: "ClusterRole",
      metadata: { name: `${prefix}-agg-a`, labels: { [labelB]: "z" } },
      rules: [],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [labelA]: "true" } }] },
    },
    {
      kind: "ClusterRole",
      metadata: { name: `${prefix}-agg-b-all` },
      rules: [],
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: labelB, operator: "In", values: ["x", "z"] }] }] },
    },
  ];
  const declaredClusterRoles = [...plain, ...aggregated];
  const clusterRoles = aggregateClusterRoles(declaredClusterRoles);
  const roles: Role[] = namespaces.flatMap((namespace) =>
    [0, 1].map((index): Role => ({ kind: "Role", metadata: { name: `role-${index}`, namespace }, rules: [resourceRule(), resourceRule()] })),
  );

  const users = Array.from({ length: 4 }, (_, index) => `${prefix}-user-${index}`);
  const groups = Array.from({ length: 3 }, (_, index) => `${prefix}-group-${index}`);
  const accounts = namespaces.flatMap((namespace) => ["sa-0", "sa-1"].map((name) => ({ namespace, name })));
  const subject = (bindingNamespace: string | undefined): Subject => {
    const kind = pick(["User", "Group", "ServiceAccount", "ServiceAccount", "NamespaceGroup"]);
    if (kind === "User") return { kind, apiGroup: "rbac.authorization.k8s.io", name: pick(users) };
    if (kind === "Group") return { kind, apiGroup: "rbac.authorization.k8s.io", name: pick(groups) };
    if (kind === "NamespaceGroup") return { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `system:serviceaccounts:${pick(namespaces)}` };
    const account = pick(accounts);
    // In a RoleBinding a ServiceAccount subject may omit its namespace (meaning the binding's).
    if (bindingNamespace && chance(0.4)) return { kind: "ServiceAccount", name: account.name };
    return { kind: "ServiceAccount", name: account.name, namespace: account.namespace };
  };
  const clusterRoleNames = clusterRoles.map((role) => role.metadata.name);
  const roleBindings: RoleBinding[] = namespaces.flatMap((namespace) =>
    Array.from({ length: 4 }, (_, index): RoleBinding => {
      const target = random();
      const roleRef =
        target < 0.4
          ? { kind: "Role", name: `role-${index % 2}` }
          : target < 0.9
            ? { kind: "ClusterRole", name: pick(clusterRoleNames) }
            : { kind: pick(["Role", "ClusterRole"]), name: `${prefix}-missing` };
      return {
        kind: "RoleBinding",
        metadata: { name: `rb-${index}`, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
        subjects: Array.from({ length: 1 + Math.floor(random() * 3) }, () => subject(namespace)),
      };
    }),
  );
  const clusterRoleBindings: ClusterRoleBinding[] = Array.from({ length: 6 }, (_, index) => ({
    kind: "ClusterRoleBinding",
    metadata: { name: `${prefix}-crb-${index}` },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: chance(0.1) ? `${prefix}-missing` : pick(clusterRoleNames) },
    subjects: Array.from({ length: 1 + Math.floor(random() * 2) }, () => subject(undefined)),
  }));

  const identities: UserInfo[] = [
    ...users.map((name) => ({ name, groups: [...some(groups, 2), ...(chance(0.5) ? ["system:authenticated"] : [])] })),
    ...accounts.map((account) => userInfoFor(`system:serviceaccount:${account.namespace}:${account.name}`)),
    { name: `${prefix}-nobody`, groups: [pick(groups)] },
    // Allowed before RBAC by the privileged-group authorizer, whatever the bindings say.
    { name: `${prefix}-master`, groups: ["system:masters"] },
  ];
  const requestNamespaces = [...namespaces, "", `${prefix}-elsewhere`];
  const allRules = [...clusterRoles, ...roles].flatMap((role) => role.rules);
  // Half the questions are built from a rule that exists (then perhaps nudged), so answers sit near
  // the boundary between allowed and denied instead of being almost all "no".
  const nearRule = (): RequestAttributes => {
    const rule = pick(allRules);
    const concrete = (value: string, vocabulary: readonly string[]) => (value === "*" ? pick(vocabulary) : value);
    if (rule.nonResourceURLs)
      return {
        resourceRequest: false,
        verb: concrete(pick(rule.verbs), ["get", "post"]),
        path: pick(rule.nonResourceURLs).replace(/\*$/, chance(0.5) ? "x" : "") || "/",
      };
    const [resource = "pods", subresource] = concrete(pick(rule.resources ?? ["*"]), REQUEST_RESOURCES).split("/");
    const attrs: RequestAttributes = {
      resourceRequest: true,
      verb: concrete(pick(rule.verbs), REQUEST_VERBS),
      apiGroup: concrete(pick(rule.apiGroups ?? ["*"]), REQUEST_GROUPS),
      resource: resource === "*" ? pick(REQUEST_RESOURCES) : resource,
      namespace: pick(requestNamespaces),
    };
    if (subresource) attrs.subresource = subresource === "*" && chance(0.5) ? pick(["log", "status"]) : subresource;
    if (rule.resourceNames && chance(0.8)) attrs.name = pick(rule.resourceNames);
    if (chance(0.3)) attrs.verb = pick(REQUEST_VERBS);
    return attrs;
  };
  const questions = Array.from({ length: questionCount }, () => {
    const user = pick(identities);
    if (chance(0.5)) return { user, attrs: nearRule() };
    if (chance(0.2)) return { user, attrs: { resourceRequest: false as const, verb: pick(["get", "post", "put", "delete", "*"]), path: pick(REQUEST_URLS) } };
    const attrs: RequestAttributes = {
      resourceRequest: true,
      verb: pick(REQUEST_VERBS),
      apiGroup: pick(REQUEST_GROUPS),
      resource: pick(REQUEST_RESOURCES),
      namespace: pick(requestNamespaces),
    };
    const subresource = pick(REQUEST_SUBRESOURCES);
    if (subresource) attrs.subresource = subresource;
    const name = pick([undefined, undefined, "a", "b", "c"]);
    if (name) attrs.name = name;
    return { user, attrs };
  });
  return { declaredClusterRoles, clusterRoles, roles, roleBindings, clusterRoleBindings, questions };
}
