import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { cronJobOnly, futurePods, futureTokenSecrets, nodeNameOnly, nodeNames } from "../../../src/audit/live/future-pods.js";
import { podNodes, podSecurityLevels, podServiceAccountOnly } from "../../../src/audit/live/objects.js";
import type { Finding } from "../../../src/model/report.js";
import type { PolicyRule, RbacSnapshot } from "../../../src/rbac/types.js";
import { refText } from "../support.js";

// Pods the scheduler binds later: a pod creator who may pin a privileged pod to any node (spec.nodeName,
// where Pod Security allows it) owns every node, so every pod the scheduler binds later too: a Pending pod
// of a cluster-admin ServiceAccount, the next pod of a CronJob that runs as one. Live, a route through
// node-escape and node-token with that as the token hop's precondition (high), its request not asked.

const catalogue = loadCatalogue();
const RBAC = "rbac.authorization.k8s.io";

/** dev may create pods in team; prod/boss is cluster-admin, prod/app holds nothing. */
const snapshot: RbacSnapshot = {
  clusterRoles: [
    { kind: "ClusterRole", metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
    { kind: "ClusterRole", metadata: { name: "dev" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }] as PolicyRule[] },
  ],
  clusterRoleBindings: [
    {
      kind: "ClusterRoleBinding",
      metadata: { name: "boss" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "boss", namespace: "prod" }],
    },
  ],
  roles: [],
  roleBindings: [
    {
      kind: "RoleBinding",
      metadata: { name: "dev", namespace: "team" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "dev" },
      subjects: [{ kind: "User", name: "dev", apiGroup: RBAC }],
    },
  ],
  serviceAccounts: [
    { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
    { kind: "ServiceAccount", metadata: { name: "app", namespace: "prod" } },
    { kind: "ServiceAccount", metadata: { name: "app", namespace: "team" } },
  ],
};

/** A pod as the live audit keeps it (its projection), from a full pod: bound to `node`, else in `phase`; mounting Secret `secret`. */
function pod(account: string, node?: string, phase = "Pending", secret?: string): Record<string, unknown> {
  const [namespace, name] = account.split("/");
  return podServiceAccountOnly({
    metadata: { name: `${name}-pod`, namespace },
    spec: {
      serviceAccountName: name,
      containers: [],
      ...(node ? { nodeName: node } : {}),
      ...(secret ? { volumes: [{ name: "t", secret: { secretName: secret } }] } : {}),
    },
    status: { phase: node ? "Running" : phase },
  });
}

/** A CronJob as the live audit keeps it, from a full one. */
function cronJob(name: string, namespace: string, podSpec: Record<string, unknown>, suspend?: boolean): Record<string, unknown> {
  return cronJobOnly({
    metadata: { name, namespace, uid: "u", managedFields: [{}] },
    spec: {
      schedule: "0 3 * * *",
      ...(suspend !== undefined ? { suspend } : {}),
      jobTemplate: { spec: { template: { spec: { containers: [], ...podSpec } } } },
    },
  });
}

/** prod/boss-token is a legacy token Secret of prod/boss (what the live audit reads of token Secrets). */
const OWNERS = new Map([["prod/boss-token", "boss"]]);

interface Cluster {
  pods?: Record<string, unknown>[];
  cronJobs?: Record<string, unknown>[];
  /** The nodes listed; undefined: nodes could not be listed. */
  nodes?: string[];
  /** Pod Security level of team (undefined: none). */
  level?: string;
}

/** `snapshot` plus a ClusterRole `name` of `rules` for user `user`, bound cluster-wide, or in `namespace` for `namespaced` rules. */
function withGrant(user: string, rules: PolicyRule[], namespaced?: { namespace: string; rules: PolicyRule[] }): RbacSnapshot {
  const subjects = [{ kind: "User", name: user, apiGroup: RBAC }];
  const role = (name: string, roleRules: PolicyRule[]) => ({ kind: "ClusterRole" as const, metadata: { name }, rules: roleRules });
  const roleRef = (name: string) => ({ apiGroup: RBAC, kind: "ClusterRole", name });
  return {
    ...snapshot,
    clusterRoles: [...snapshot.clusterRoles, role(user, rules), ...(namespaced ? [role(`${user}-ns`, namespaced.rules)] : [])],
    clusterRoleBindings: [...snapshot.clusterRoleBindings, { kind: "ClusterRoleBinding", metadata: { name: user }, roleRef: roleRef(user), subjects }],
    roleBindings: [
      ...snapshot.roleBindings,
      ...(namespaced
        ? [{ kind: "RoleBinding" as const, metadata: { name: user, namespace: namespaced.namespace }, roleRef: roleRef(`${user}-ns`), subjects }]
        : []),
    ],
  };
}

/** Path findings of a live audit of `snapshot` with these pods, CronJobs and nodes. */
function audit(cluster: Cluster, snap = snapshot): Finding[] {
  const pods = cluster.pods ?? [];
  const levels = podSecurityLevels([
    { metadata: { name: "team", ...(cluster.level ? { labels: { "pod-security.kubernetes.io/enforce": cluster.level } } : {}) } },
  ]);
  return auditSnapshot(snap, catalogue, {
    mode: "live",
    pathFacts: {
      serviceAccountsListed: true,
      podNodes: podNodes(pods),
      podSecurity: levels,
      futurePods: futurePods(pods, cluster.cronJobs ?? []),
      futureTokenSecrets: futureTokenSecrets(pods, cluster.cronJobs ?? [], OWNERS),
      ...(cluster.nodes ? { nodes: nodeNames(cluster.nodes.map((name) => nodeNameOnly({ metadata: { name, labels: { a: "b" } }, status: {} }))) } : {}),
    },
  }).filter((finding) => finding.rule.endsWith("-path"));
}

const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`).sort();

describe("pods the scheduler binds later (live)", () => {
  it("a cluster-admin ServiceAccount whose only pod is Pending: high, through node-escape and node-token, naming the pod", () => {
    const findings = audit({ pods: [pod("prod/boss"), pod("team/app", "n2")], nodes: ["n1", "n2"] });
    expect(summary(findings)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    const [escapeHop, token] = findings[0]?.path ?? [];
    expect(escapeHop?.precondition).toMatch(/^a privileged pod may run in team \(it sets no Pod Security level/);
    expect(token?.reaches).toEqual({ kind: "ServiceAccount", name: "boss", namespace: "prod" });
    expect(token?.precondition).toBe(`pod prod/boss-pod (Pending) is scheduled on node ${escapeHop?.reaches.name.slice("system:node:".length)}`);
    // The Node authorizer denies the token until the pod is bound: the request says so and is not asked.
    expect(token?.requests).toEqual([
      expect.objectContaining({ verb: "create", resource: "serviceaccounts", name: "boss", awaits: "pod prod/boss-pod is bound to the node" }),
    ]);
    expect(escapeHop?.requests.map((request) => request.awaits)).toEqual([undefined]);
  });

  it("the same through a CronJob that runs as it (said as its next pod; suspended: once it is resumed), serviceAccount spelled either way", () => {
    const nightly = audit({ cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "boss" })], nodes: ["n1"] });
    expect(summary(nightly)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(nightly[0]?.path?.[1]?.precondition).toBe("the next pod of CronJob prod/nightly is scheduled on node n1");
    expect(nightly[0]?.path?.[1]?.requests[0]?.awaits).toBe("a pod of CronJob prod/nightly is bound to the node");
    const suspended = audit({ cronJobs: [cronJob("old", "prod", { serviceAccount: "boss" }, true)], nodes: ["n1"] });
    expect(suspended[0]?.path?.[1]?.precondition).toBe("the next pod of CronJob prod/old is scheduled on node n1 once it is resumed");
  });

  it("a pod bound to the node now wins: no precondition, the request asked", () => {
    const [found] = audit({
      pods: [pod("prod/boss"), pod("prod/boss", "n1")],
      cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "boss" })],
      nodes: ["n1"],
    });
    expect(found?.severity).toBe("high");
    expect(found?.path?.[1]?.precondition).toBeUndefined();
    expect(found?.path?.[1]?.requests[0]?.awaits).toBeUndefined();
  });

  it("look-alikes: the escape closed (baseline), a finished pod, a CronJob of a ServiceAccount that holds nothing, no node at all", () => {
    expect(summary(audit({ pods: [pod("prod/boss")], nodes: ["n1"], level: "baseline" }))).toEqual([]);
    expect(summary(audit({ cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "boss" })], nodes: ["n1"], level: "restricted" }))).toEqual([]);
    for (const phase of ["Succeeded", "Failed"]) expect(summary(audit({ pods: [pod("prod/boss", undefined, phase)], nodes: ["n1"] }))).toEqual([]);
    expect(summary(audit({ cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "app" }), cronJob("empty", "prod", {})], nodes: ["n1"] }))).toEqual([]);
    // Nodes listed and there are none (a control plane alone): no node to take, whatever is Pending.
    expect(summary(audit({ pods: [pod("prod/boss")], cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "boss" })], nodes: [] }))).toEqual([]);
  });

  it("nodes unlisted and no pod bound: a node may exist, said in the precondition; with a pod bound, the nodes pods are bound to", () => {
    const [unlisted] = audit({ pods: [pod("prod/boss")] });
    expect(unlisted?.path?.map((hop) => hop.edge)).toEqual(["node-escape", "node-token", "holds"]);
    expect(unlisted?.path?.[1]?.precondition).toBe(
      "pod prod/boss-pod (Pending) is scheduled on a node (nodes could not be listed, and no pod is bound to one)",
    );
    const [bound] = audit({ pods: [pod("prod/boss"), pod("team/app", "n7")] });
    expect(bound?.path?.[0]?.reaches).toEqual({ kind: "Node", name: "system:node:n7" });
    expect(bound?.path?.[1]?.precondition).toBe("pod prod/boss-pod (Pending) is scheduled on node n7");
  });

  it("a Pending pod of another ServiceAccount that refers to a cluster-admin token Secret: the node reads it once the pod is bound there", () => {
    const [found] = audit({ pods: [pod("prod/app", undefined, "Pending", "boss-token")], nodes: ["n1"] });
    expect(summary(found ? [found] : [])).toEqual(["cluster-admin-path User:dev high: node-escape node-secret holds"]);
    const secret = found?.path?.[1];
    expect(secret?.reaches).toEqual({ kind: "ServiceAccount", name: "boss", namespace: "prod" });
    expect(secret?.precondition).toBe("pod prod/app-pod (Pending) is scheduled on node n1");
    expect(secret?.permission).toMatch(/allowed by the Node authorizer: pod prod\/app-pod refers to the Secret, once it is bound to the node\)$/);
    expect(secret?.requests).toEqual([
      expect.objectContaining({ verb: "get", resource: "secrets", name: "boss-token", awaits: "pod prod/app-pod is bound to the node" }),
    ]);
    // The same through a CronJob's pod template; and nothing once the pod has finished.
    const template = audit({
      cronJobs: [cronJob("nightly", "prod", { serviceAccountName: "app", volumes: [{ name: "t", secret: { secretName: "boss-token" } }] })],
      nodes: ["n1"],
    });
    expect(template[0]?.path?.[1]?.precondition).toBe("the next pod of CronJob prod/nightly is scheduled on node n1");
    expect(summary(audit({ pods: [pod("prod/app", undefined, "Succeeded", "boss-token")], nodes: ["n1"] }))).toEqual([]);
  });

  it("a node reached by name (impersonation) reaches them too; constrained impersonation only in the namespaces impersonate-on allows", () => {
    const cluster = { pods: [pod("prod/boss"), pod("team/app", "n2")], nodes: ["n1", "n2"] };
    const asN1 = withGrant("mallory", [
      { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["system:node:n1"] },
      { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["system:nodes"] },
    ]);
    const [named] = audit(cluster, asN1).filter((finding) => finding.subject?.name === "mallory");
    expect(named).toMatchObject({ rule: "cluster-admin-path", severity: "high" });
    expect(named?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "node-token", "holds"]);
    expect(named?.path?.[1]?.precondition).toBe("pod prod/boss-pod (Pending) is scheduled on node n1");
    // Any node, and as it create tokens only where a RoleBinding allows: prod (boss's namespace), or team (not).
    const anyNode = (namespace: string) =>
      withGrant("carol", [{ apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] }], {
        namespace,
        rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:arbitrary-node:create"] }],
      });
    const carol = (namespace: string) =>
      audit(cluster, anyNode(namespace)).filter((finding) => finding.subject?.name === "carol" && finding.rule === "cluster-admin-path");
    expect(carol("prod").map((finding) => finding.path?.map((hop) => hop.edge).join(" "))).toEqual(["impersonate node-token holds"]);
    expect(carol("prod")[0]?.path?.[1]?.precondition).toMatch(/^pod prod\/boss-pod \(Pending\) is scheduled on node n[12]$/);
    expect(carol("team")).toEqual([]);
  });

  it("keeps only what it reads of a CronJob and a node; the first future pod of each ServiceAccount", () => {
    expect(cronJob("nightly", "prod", { serviceAccount: "old", serviceAccountName: "" }, false)).toEqual({
      metadata: { name: "nightly", namespace: "prod" },
      spec: { serviceAccountName: "old" },
    });
    expect(cronJob("nightly", "prod", {}, true)).toEqual({
      metadata: { name: "nightly", namespace: "prod" },
      spec: { serviceAccountName: "default", suspend: true },
    });
    expect(nodeNameOnly({ metadata: { name: "n1", labels: { a: "b" } }, status: { capacity: {} } })).toEqual({ metadata: { name: "n1" } });
    expect(pod("prod/boss", "n1")).not.toHaveProperty("status");
    const found = futurePods(
      [pod("prod/boss", "n1"), pod("prod/boss", undefined, "Succeeded"), pod("prod/app")],
      [cronJob("a", "prod", { serviceAccountName: "app" }), cronJob("b", "prod", { serviceAccountName: "boss" })],
    );
    expect([...found]).toEqual([
      ["prod/app", { kind: "Pod", name: "prod/app-pod" }],
      ["prod/boss", { kind: "CronJob", name: "prod/b" }],
    ]);
  });
});
