import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { podNodes, podServiceAccountOnly } from "../../../src/audit/live/objects.js";
import type { Finding } from "../../../src/model/report.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot } from "../../../src/rbac/types.js";
import { refText } from "../support.js";

// From a node's identity on to the ServiceAccounts of the pods bound to that node (the Node authorizer
// lets a node mint their tokens). Live, the pods' spec.nodeName decides which node reaches which
// ServiceAccount; offline, and live when pods could not be read, it stays a precondition.

const catalogue = loadCatalogue();
const RBAC = "rbac.authorization.k8s.io";

function granted(name: string, user: string, rules: PolicyRule[]): { role: RbacSnapshot["clusterRoles"][number]; binding: ClusterRoleBinding } {
  return {
    role: { kind: "ClusterRole", metadata: { name }, rules },
    binding: {
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name },
      subjects: [{ kind: "User", name: user, apiGroup: RBAC }],
    },
  };
}

// mallory: legacy impersonation of node n1 only; carol: any node, and as it create tokens; dave: any node, and as it only get Secrets.
const grants = [
  granted("cluster-admin", "-", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
  granted("as-n1", "mallory", [
    { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["system:node:n1"] },
    { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["system:nodes"] },
  ]),
  granted("as-any-node-tokens", "carol", [
    { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] },
    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:arbitrary-node:create"] },
  ]),
  granted("as-any-node-reads", "dave", [
    { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["impersonate-on:arbitrary-node:get"] },
  ]),
];
const snapshot: RbacSnapshot = {
  clusterRoles: grants.map((grant) => grant.role),
  clusterRoleBindings: [
    ...grants.slice(1).map((grant) => grant.binding),
    {
      kind: "ClusterRoleBinding",
      metadata: { name: "boss" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "boss", namespace: "prod" }],
    },
  ],
  roles: [],
  roleBindings: [],
  serviceAccounts: [
    { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
    { kind: "ServiceAccount", metadata: { name: "weak", namespace: "prod" } },
  ],
};

/** Path findings as `rule subject severity: edges`, with pods on nodes as `[namespace/serviceaccount, node]` (undefined: pods unread). */
function audit(pods: [string, string][] | undefined, mode: "live" | "offline" = "live", snap = snapshot): Finding[] {
  const nodes = pods && podNodes(pods.map(([account, node]) => podOn(account, node)));
  return auditSnapshot(snap, catalogue, { mode, pathFacts: { serviceAccountsListed: true, ...(nodes ? { podNodes: nodes } : {}) } }).filter((finding) =>
    finding.rule.endsWith("-path"),
  );
}
function podOn(account: string, node: string): Record<string, unknown> {
  const [namespace, name] = account.split("/");
  // What the live audit keeps of a pod (its projection), from a full pod.
  return podServiceAccountOnly({ metadata: { name: `${name}-pod`, namespace, uid: "u" }, spec: { nodeName: node, serviceAccountName: name, containers: [] } });
}
const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`);
const requestsOf = (finding: Finding | undefined): string[][] =>
  (finding?.path ?? []).map((hop) =>
    hop.requests.map((request) => `${refText(request.as)} ${request.verb} ${request.resource} ${request.name ?? "-"} ${request.namespace}`),
  );

describe("a node's identity reaches the ServiceAccounts of the pods bound to its node", () => {
  it("live, with cluster-admin prod/boss's pod on n1: node n1's impersonator and any node's token maker reach cluster-admin (critical)", () => {
    const findings = audit([
      ["prod/boss", "n1"],
      ["prod/weak", "n2"],
    ]);
    expect(summary(findings).sort()).toEqual([
      "cluster-admin-path User:carol critical: impersonate node-token holds",
      "cluster-admin-path User:mallory critical: impersonate node-token holds",
      "high-value-identity-path User:dave high: impersonate",
    ]);
    const mallory = findings.find((finding) => finding.subject?.name === "mallory");
    expect(requestsOf(mallory).slice(0, 2)).toEqual([
      ["User:mallory impersonate users system:node:n1 ", "User:mallory impersonate groups system:nodes "],
      ["Node:system:node:n1 create serviceaccounts boss prod"],
    ]);
    expect(mallory?.path?.[1]?.requests[0]?.subresource).toBe("token");
    expect(mallory?.path?.every((hop) => !hop.precondition)).toBe(true);
    const carol = findings.find((finding) => finding.subject?.name === "carol");
    // Constrained: the node is acted as only for the token, which impersonate-on allows (asked with it).
    expect(requestsOf(carol).slice(0, 2)).toEqual([
      ["User:carol impersonate:arbitrary-node nodes n1 "],
      ["User:carol impersonate-on:arbitrary-node:create serviceaccounts boss prod", "Node:system:node:n1 create serviceaccounts boss prod"],
    ]);
    expect(carol?.path?.[1]?.permission).toBe(
      'create serviceaccounts/token "boss" in prod as Node system:node:n1 (allowed by the Node authorizer: a pod bound to the node runs as it)',
    );
  });

  it("live, a pod on another node is not reached: only arbitrary-node's token maker goes there", () => {
    const findings = audit([
      ["prod/boss", "n2"],
      ["prod/weak", "n1"],
    ]);
    expect(summary(findings).sort()).toEqual([
      "cluster-admin-path User:carol critical: impersonate node-token holds",
      "high-value-identity-path User:dave high: impersonate",
      "high-value-identity-path User:mallory high: impersonate",
    ]);
    expect(requestsOf(findings.find((finding) => finding.subject?.name === "carol"))[1]?.[1]).toBe("Node:system:node:n2 create serviceaccounts boss prod");
  });

  it("live, a node route to an unprivileged ServiceAccount only, or to none, is no cluster-admin path", () => {
    for (const pods of [[["prod/weak", "n1"]] as [string, string][], []]) {
      expect(summary(audit(pods)).sort()).toEqual([
        "high-value-identity-path User:carol high: impersonate",
        "high-value-identity-path User:dave high: impersonate",
        "high-value-identity-path User:mallory high: impersonate",
      ]);
    }
  });

  it("offline, or live with pods unread, the pod on the node is a precondition (high), named on the hop", () => {
    for (const mode of ["offline", "live"] as const) {
      const findings = audit(undefined, mode);
      expect(summary(findings).sort()).toEqual([
        "cluster-admin-path User:carol high: impersonate node-token holds",
        "cluster-admin-path User:mallory high: impersonate node-token holds",
        "high-value-identity-path User:dave high: impersonate",
      ]);
      const hop = findings.find((finding) => finding.subject?.name === "mallory")?.path?.[1];
      expect(hop?.precondition).toBe("a pod that runs as ServiceAccount prod/boss is scheduled on the node");
      expect(hop?.permission).toMatch(/allowed by the Node authorizer/);
    }
  });

  it("podNodes keeps every node a ServiceAccount's pods are bound to, and no unscheduled pod", () => {
    const pods = [
      podOn("prod/boss", "n1"),
      podOn("prod/boss", "n2"),
      { metadata: { namespace: "prod" }, spec: { serviceAccountName: "weak" } },
      podOn("apps/default", "n3"),
    ];
    expect(podNodes(pods)).toEqual(
      new Map([
        ["prod/boss", new Set(["n1", "n2"])],
        ["apps/default", new Set(["n3"])],
      ]),
    );
  });

  it("arbitrary-node limited by resourceNames reaches only the nodes it names", () => {
    const limited: RbacSnapshot = {
      ...snapshot,
      clusterRoles: snapshot.clusterRoles.map((role) =>
        role.metadata.name === "as-any-node-tokens"
          ? { ...role, rules: role.rules.map((rule) => (rule.resources?.includes("nodes") ? { ...rule, resourceNames: ["n2"] } : rule)) }
          : role,
      ),
    };
    const carol = (node: string): Finding[] =>
      auditSnapshot(limited, catalogue, {
        mode: "live",
        pathFacts: { serviceAccountsListed: true, podNodes: podNodes([podOn("prod/boss", node), podOn("prod/weak", "n3")]) },
      }).filter((finding) => finding.subject?.name === "carol" && finding.rule === "cluster-admin-path");
    expect(carol("n1")).toEqual([]);
    const [found] = carol("n2");
    expect(requestsOf(found)[0]?.[0]).toBe("User:carol impersonate:arbitrary-node nodes n2 ");
    expect(found?.path?.[0]?.reaches).toEqual({ kind: "Node", name: "system:node:n2" });
  });
});

describe("as a node by constrained impersonation, only what impersonate-on allows goes on", () => {
  // A role for any node (arbitrary-node) with one impersonate-on rule, bound to `user` cluster-wide, or in `namespace` for the impersonate-on part.
  function asAnyNode(user: string, on: PolicyRule, namespace?: string): Pick<RbacSnapshot, "clusterRoles" | "clusterRoleBindings" | "roles" | "roleBindings"> {
    const node = granted(`${user}-as-node`, user, [{ apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] }]);
    const allowed = granted(`${user}-on`, user, [on]);
    if (!namespace) return { clusterRoles: [node.role, allowed.role], clusterRoleBindings: [node.binding, allowed.binding], roles: [], roleBindings: [] };
    return {
      clusterRoles: [node.role, allowed.role],
      clusterRoleBindings: [node.binding],
      roles: [],
      roleBindings: [{ ...allowed.binding, kind: "RoleBinding", metadata: { name: `${user}-on`, namespace } }],
    };
  }
  /** The first describe's snapshot, ops/root a cluster-admin ServiceAccount too, and these grants. */
  function withGrants(...parts: Pick<RbacSnapshot, "clusterRoles" | "clusterRoleBindings" | "roles" | "roleBindings">[]): RbacSnapshot {
    const root: ClusterRoleBinding = {
      kind: "ClusterRoleBinding",
      metadata: { name: "root" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "root", namespace: "ops" }],
    };
    return {
      serviceAccounts: [...snapshot.serviceAccounts, { kind: "ServiceAccount", metadata: { name: "root", namespace: "ops" } }],
      clusterRoles: [...snapshot.clusterRoles, ...parts.flatMap((part) => part.clusterRoles)],
      clusterRoleBindings: [...snapshot.clusterRoleBindings, root, ...parts.flatMap((part) => part.clusterRoleBindings)],
      roles: parts.flatMap((part) => part.roles),
      roleBindings: parts.flatMap((part) => part.roleBindings),
    };
  }
  const token: PolicyRule = { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:arbitrary-node:create"] };

  it("impersonate-on tokens in one namespace reach the ServiceAccounts of that namespace only", () => {
    const snap = withGrants(asAnyNode("fay", token, "prod"));
    const fay = (pods: [string, string][]): string[] => summary(audit(pods, "live", snap).filter((finding) => finding.subject?.name === "fay"));
    expect(fay([["prod/boss", "n1"]])).toEqual(["cluster-admin-path User:fay critical: impersonate node-token holds"]);
    // ops/root's pod is on a node too, but the token would be asked in ops.
    expect(fay([["ops/root", "n1"]])).toEqual(["high-value-identity-path User:fay high: impersonate"]);
  });

  it("what RBAC grants group system:nodes goes on where impersonate-on allows it", () => {
    // Group system:nodes may create pods in prod (so run as prod/boss).
    const nodesRun = granted("nodes-run", "-", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]);
    const nodesGrant = {
      clusterRoles: [nodesRun.role],
      clusterRoleBindings: [],
      roles: [],
      roleBindings: [
        {
          ...nodesRun.binding,
          kind: "RoleBinding" as const,
          metadata: { name: "nodes-run", namespace: "prod" },
          subjects: [{ kind: "Group", name: "system:nodes", apiGroup: RBAC }],
        },
      ],
    };
    const snap = withGrants(
      nodesGrant,
      asAnyNode("gil", { apiGroups: [""], resources: ["pods"], verbs: ["impersonate-on:arbitrary-node:create"] }),
      asAnyNode("hal", { apiGroups: [""], resources: ["pods"], verbs: ["impersonate-on:arbitrary-node:get"] }),
    );
    // A pod on a node (of an unprivileged ServiceAccount): that node's identity is the one acted as.
    const found = audit([["prod/weak", "n3"]], "live", snap).filter((finding) => ["gil", "hal"].includes(finding.subject?.name ?? ""));
    expect(summary(found).sort()).toEqual(["cluster-admin-path User:gil critical: impersonate pod-create holds"]);
  });
});
