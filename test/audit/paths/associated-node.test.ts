import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { podNodes, podServiceAccountOnly } from "../../../src/audit/live/objects.js";
import type { Finding } from "../../../src/model/report.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot } from "../../../src/rbac/types.js";
import { refText } from "../support.js";

// Constrained impersonation, mode associated-node: a ServiceAccount whose pod is bound to a node may act
// as that node (its pod-bound token names it) for what impersonate-on:associated-node:<verb> allows. With
// create serviceaccounts/token that is every token the Node authorizer gives the node: the ServiceAccounts
// of the other pods bound to it.

const catalogue = loadCatalogue();
const RBAC = "rbac.authorization.k8s.io";

const agentRules = (names?: string[]): PolicyRule[] => [
  { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:associated-node"], ...(names ? { resourceNames: names } : {}) },
  { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["impersonate-on:associated-node:create"] },
];
function binding(name: string, role: string, subject: ClusterRoleBinding["subjects"][number]): ClusterRoleBinding {
  return { kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: role }, subjects: [subject] };
}
function snapshot(
  rules: PolicyRule[],
  subject: ClusterRoleBinding["subjects"][number] = { kind: "ServiceAccount", name: "agent", namespace: "ops" },
): RbacSnapshot {
  return {
    clusterRoles: [
      { kind: "ClusterRole", metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
      { kind: "ClusterRole", metadata: { name: "agent" }, rules },
    ],
    clusterRoleBindings: [binding("boss", "cluster-admin", { kind: "ServiceAccount", name: "boss", namespace: "prod" }), binding("agent", "agent", subject)],
    roles: [],
    roleBindings: [],
    serviceAccounts: [
      { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
      { kind: "ServiceAccount", metadata: { name: "agent", namespace: "ops" } },
    ],
  };
}
const pod = (account: string, node: string) => {
  const [namespace, name] = account.split("/");
  return podServiceAccountOnly({ metadata: { name: `${name}-pod`, namespace }, spec: { nodeName: node, serviceAccountName: name, containers: [] } });
};
/** Path findings; `pods` as [namespace/serviceaccount, node], undefined offline. */
function audit(snap: RbacSnapshot, pods?: [string, string][]): Finding[] {
  const options = pods
    ? { mode: "live" as const, pathFacts: { serviceAccountsListed: true, podNodes: podNodes(pods.map(([account, node]) => pod(account, node))) } }
    : { mode: "offline" as const };
  return auditSnapshot(snap, catalogue, options).filter((finding) => finding.rule.endsWith("-path"));
}
const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`).sort();
const requestsOf = (finding: Finding | undefined): string[][] =>
  (finding?.path ?? []).map((hop) =>
    hop.requests.map((request) => `${refText(request.as)} ${request.verb} ${request.resource} ${request.name ?? "-"} ${request.namespace}`),
  );

describe("constrained impersonation of the node a ServiceAccount's pod runs on (associated-node)", () => {
  it("live, its pod on the node of a cluster-admin pod: a critical cluster-admin-path through that node's token", () => {
    const findings = audit(snapshot(agentRules()), [
      ["ops/agent", "n1"],
      ["prod/boss", "n1"],
    ]);
    expect(summary(findings)).toEqual(["cluster-admin-path ServiceAccount:ops/agent critical: impersonate node-token holds"]);
    expect(requestsOf(findings[0]).slice(0, 2)).toEqual([
      ["ServiceAccount:ops/agent impersonate:associated-node nodes * "],
      ["ServiceAccount:ops/agent impersonate-on:associated-node:create serviceaccounts boss prod", "Node:system:node:n1 create serviceaccounts boss prod"],
    ]);
    expect(findings[0]?.path?.[0]?.reaches).toEqual({ kind: "Node", name: "system:node:n1" });
    expect(findings[0]?.path?.every((hop) => !hop.precondition)).toBe(true);
  });

  it("look-alikes: its pod on another node, no pod, a rule limited to the node's name, a user with the same rules", () => {
    const other = audit(snapshot(agentRules()), [
      ["ops/agent", "n2"],
      ["prod/boss", "n1"],
    ]);
    // It still reaches its own node's identity (a goal: high-value-identity-path), not cluster-admin.
    expect(summary(other)).toEqual(["high-value-identity-path ServiceAccount:ops/agent high: impersonate"]);
    expect(requestsOf(other[0])[0]).toEqual([
      "ServiceAccount:ops/agent impersonate:associated-node nodes * ",
      "ServiceAccount:ops/agent impersonate-on:associated-node:create serviceaccounts - ",
    ]);
    expect(summary(audit(snapshot(agentRules()), [["prod/boss", "n1"]]))).toEqual([]);
    // The server asks on name "*": resourceNames naming the node allow nothing.
    expect(
      summary(
        audit(snapshot(agentRules(["n1"])), [
          ["ops/agent", "n1"],
          ["prod/boss", "n1"],
        ]),
      ),
    ).toEqual([]);
    // Only a ServiceAccount's pod-bound token names a node.
    const user = snapshot(agentRules(), { kind: "User", name: "agent", apiGroup: RBAC });
    expect(summary(audit(user, [["prod/boss", "n1"]]))).toEqual([]);
  });

  it("offline, the pod on the node is the hop's precondition (high)", () => {
    const findings = audit(snapshot(agentRules()));
    expect(summary(findings)).toEqual(["cluster-admin-path ServiceAccount:ops/agent high: impersonate node-token holds"]);
    expect(findings[0]?.path?.[0]?.precondition).toBe("a pod that runs as ops/agent is bound to the node (its pod-bound token names the node)");
  });
});
