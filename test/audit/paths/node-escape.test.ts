import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { podNodes, podSecurityLevels, podServiceAccountOnly } from "../../../src/audit/live/objects.js";
import type { Finding } from "../../../src/model/report.js";
import type { PolicyRule, RbacSnapshot } from "../../../src/rbac/types.js";
import { refText } from "../support.js";

// A pod creator can run a privileged pod with the host's filesystem on a node it names (spec.nodeName)
// and take the node's identity, which mints the tokens of the node's pods: live, where Pod Security does
// not forbid it, a route from the creator's namespace to a cluster-admin ServiceAccount whose pod runs
// on some node, with that as its precondition (high).

const catalogue = loadCatalogue();
const RBAC = "rbac.authorization.k8s.io";

/** dev may `rules` in `namespace` ("" cluster-wide); prod/boss is cluster-admin. */
function snapshot(rules: PolicyRule[], namespace = "team"): RbacSnapshot {
  const devRole = { kind: "ClusterRole" as const, metadata: { name: "dev" }, rules };
  const devSubject = [{ kind: "User", name: "dev", apiGroup: RBAC }];
  return {
    clusterRoles: [{ kind: "ClusterRole", metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] }, devRole],
    clusterRoleBindings: [
      {
        kind: "ClusterRoleBinding",
        metadata: { name: "boss" },
        roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "boss", namespace: "prod" }],
      },
      ...(namespace === ""
        ? [
            {
              kind: "ClusterRoleBinding" as const,
              metadata: { name: "dev" },
              roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "dev" },
              subjects: devSubject,
            },
          ]
        : []),
    ],
    roles: [],
    roleBindings:
      namespace === ""
        ? []
        : [{ kind: "RoleBinding", metadata: { name: "dev", namespace }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "dev" }, subjects: devSubject }],
    serviceAccounts: [
      { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
      { kind: "ServiceAccount", metadata: { name: "app", namespace: "team" } },
    ],
  };
}
const createPods: PolicyRule[] = [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }];
const pod = (account: string, node: string) => {
  const [namespace, name] = account.split("/");
  return podServiceAccountOnly({ metadata: { name: `${name}-pod`, namespace }, spec: { nodeName: node, serviceAccountName: name, containers: [] } });
};
const namespaces = (levels: Record<string, string | undefined>) =>
  podSecurityLevels(
    Object.entries(levels).map(([name, level]) => ({ metadata: { name, ...(level ? { labels: { "pod-security.kubernetes.io/enforce": level } } : {}) } })),
  );

/** Path findings of a live audit; `levels` undefined: namespaces unread. */
function audit(snap: RbacSnapshot, pods: [string, string][], levels?: Record<string, string | undefined>, mode: "live" | "offline" = "live"): Finding[] {
  return auditSnapshot(snap, catalogue, {
    mode,
    pathFacts: {
      serviceAccountsListed: true,
      podNodes: podNodes(pods.map(([account, node]) => pod(account, node))),
      ...(levels ? { podSecurity: namespaces(levels) } : {}),
    },
  }).filter((finding) => finding.rule.endsWith("-path"));
}
const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`).sort();
const requestsOf = (finding: Finding | undefined): string[][] =>
  (finding?.path ?? []).map((hop) =>
    hop.requests.map((request) => `${refText(request.as)} ${request.verb} ${request.resource} ${request.name ?? "-"} ${request.namespace}`),
  );
const bossOnN1: [string, string][] = [
  ["prod/boss", "n1"],
  ["team/app", "n2"],
];

describe("a pod creator escapes to a node (live)", () => {
  it("where Pod Security sets no level: a cluster-admin-path (high) through the node of a cluster-admin pod", () => {
    const findings = audit(snapshot(createPods), bossOnN1, { team: undefined, prod: "privileged" });
    expect(summary(findings)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    const [escapeHop, token] = findings[0]?.path ?? [];
    expect(escapeHop?.reaches).toEqual({ kind: "Node", name: "system:node:n1" });
    expect(escapeHop?.precondition).toBe(
      "a privileged pod may run in team (it sets no Pod Security level: the cluster default applies, privileged unless configured) and no other admission policy forbids it",
    );
    expect(escapeHop?.permission).toBe("create pods (a privileged pod with the host's filesystem, on the node its spec.nodeName names) in team");
    expect(requestsOf(findings[0]).slice(0, 2)).toEqual([["User:dev create pods - team"], ["Node:system:node:n1 create serviceaccounts boss prod"]]);
    expect(token?.precondition).toBeUndefined();
  });

  it("a workload's pod template does the same; a cluster-wide grant picks a namespace that allows it", () => {
    const deployments: PolicyRule[] = [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }];
    expect(summary(audit(snapshot(deployments), bossOnN1, { team: "privileged" }))).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    const wide = audit(snapshot(createPods, ""), bossOnN1, { team: "baseline", prod: "restricted", tools: "privileged" });
    // Cluster-wide it reaches prod/boss by creating a pod as it (critical); the escape is not needed.
    expect(summary(wide)).toEqual(["cluster-admin-path User:dev critical: pod-create holds"]);
  });

  it("look-alikes: Pod Security baseline or restricted, no cluster-admin pod on a node, offline, no pod creation", () => {
    for (const level of ["baseline", "restricted"]) expect(summary(audit(snapshot(createPods), bossOnN1, { team: level }))).toEqual([]);
    // Only unprivileged pods are bound to nodes: no route, and the node is no goal of its own (workload-create reports pod creation).
    expect(summary(audit(snapshot(createPods), [["team/app", "n2"]], { team: undefined }))).toEqual([]);
    expect(summary(audit(snapshot(createPods), bossOnN1, undefined, "offline"))).toEqual([]);
    expect(summary(audit(snapshot([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]), bossOnN1, { team: undefined }))).toEqual([]);
  });

  it("namespaces unread: the level is unknown, said in the precondition", () => {
    const findings = audit(snapshot(createPods), bossOnN1);
    expect(summary(findings)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(findings[0]?.path?.[0]?.precondition).toBe(
      "a privileged pod may run in team (namespaces could not be read) and no other admission policy forbids it",
    );
  });
});
