import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { podNodes, podSecurityLevels, podServiceAccountOnly } from "../../../src/audit/live/objects.js";
import { hasHostAccess, hostPodNodes } from "../../../src/audit/live/pod-host-access.js";
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
    expect(findings[0]?.remediation).toMatch(
      /^Enforce Pod Security level baseline or restricted in team \(kubectl label namespace team pod-security.kubernetes.io\/enforce=baseline\)/,
    );
  });

  it("a workload's pod template does the same; a cluster-wide grant picks a namespace that allows it", () => {
    const deployments: PolicyRule[] = [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }];
    expect(summary(audit(snapshot(deployments), bossOnN1, { team: "privileged" }))).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    const wide = audit(snapshot(createPods, ""), bossOnN1, { team: "baseline", prod: "restricted", tools: "privileged" });
    // Cluster-wide it reaches prod/boss by creating a pod as it (critical); the escape is not needed.
    expect(summary(wide)).toEqual(["cluster-admin-path User:dev critical: pod-create holds"]);
  });

  it("re-templating an existing workload, or a privileged ephemeral container on its pod's node", () => {
    const patch: PolicyRule[] = [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }];
    const [templated] = audit(snapshot(patch), bossOnN1, { team: undefined });
    expect(templated?.path?.map((hop) => hop.edge)).toEqual(["node-escape", "node-token", "holds"]);
    expect(templated?.path?.[0]?.precondition).toMatch(/; a deployment exists in team$/);
    const ephemeral: PolicyRule[] = [{ apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] }];
    // team's pod shares n1 with boss's: the container lands on n1.
    const shared = audit(snapshot(ephemeral), [
      ["prod/boss", "n1"],
      ["team/app", "n1"],
    ]);
    expect(summary(shared)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(shared[0]?.path?.[0]?.permission).toBe(
      "update pods/ephemeralcontainers (a privileged ephemeral container in a running pod, on that pod's node) in team",
    );
    // team's only pod is on n2, where no cluster-admin pod runs.
    expect(summary(audit(snapshot(ephemeral), bossOnN1, { team: undefined }))).toEqual([]);
  });

  it("at baseline, once it relabels team (patch namespaces by a RoleBinding there): the ephemeral container on its pod's node only", () => {
    const relabelAndDebug: PolicyRule[] = [
      { apiGroups: [""], resources: ["namespaces"], verbs: ["patch"] },
      { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
    ];
    const shared = audit(
      snapshot(relabelAndDebug),
      [
        ["prod/boss", "n1"],
        ["team/app", "n1"],
      ],
      { team: "baseline", prod: "restricted" },
    );
    expect(summary(shared)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(shared[0]?.path?.[0]?.reaches).toEqual({ kind: "Node", name: "system:node:n1" });
    expect(shared[0]?.path?.[0]?.permission).toBe(
      "update pods/ephemeralcontainers (a privileged ephemeral container in a running pod, once patch namespaces relabels team privileged, on that pod's node) in team",
    );
    expect(requestsOf(shared[0])[0]).toEqual(["User:dev update pods - team", "User:dev patch namespaces team team"]);
    // team's only pod is on n2, where no cluster-admin pod runs; without the relabel, baseline stops it.
    expect(summary(audit(snapshot(relabelAndDebug), bossOnN1, { team: "baseline", prod: "restricted" }))).toEqual([]);
    expect(
      summary(
        audit(
          snapshot(relabelAndDebug.slice(1)),
          [
            ["prod/boss", "n1"],
            ["team/app", "n1"],
          ],
          { team: "baseline" },
        ),
      ),
    ).toEqual([]);
  });

  it("look-alikes: Pod Security baseline or restricted, no cluster-admin pod on a node, no pod creation (offline: a conditional path)", () => {
    for (const level of ["baseline", "restricted"]) expect(summary(audit(snapshot(createPods), bossOnN1, { team: level }))).toEqual([]);
    // Only unprivileged pods are bound to nodes: no route, and the node is no goal of its own (workload-create reports pod creation).
    expect(summary(audit(snapshot(createPods), [["team/app", "n2"]], { team: undefined }))).toEqual([]);
    // Offline the pods read live are not used: any node, with the preconditions offline-escape.test.ts checks.
    expect(summary(audit(snapshot(createPods), bossOnN1, undefined, "offline"))).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(summary(audit(snapshot([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]), bossOnN1, { team: undefined }))).toEqual([]);
  });

  it("pods unread: any node may run a cluster-admin pod, and any pod may have host access; both said as preconditions", () => {
    const unread = (rules: PolicyRule[]) =>
      auditSnapshot(snapshot(rules), catalogue, {
        mode: "live",
        pathFacts: { serviceAccountsListed: true, podSecurity: namespaces({ team: undefined }) },
      }).filter((finding) => finding.rule === "cluster-admin-path");
    const created = unread(createPods);
    expect(summary(created)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(created[0]?.path?.[1]?.precondition).toBe("a pod that runs as ServiceAccount prod/boss is scheduled on the node");
    const exec = unread([{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }]);
    expect(summary(exec)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(exec[0]?.path?.[0]?.precondition).toBe("a pod with a privileged container or the node's credentials mounted runs in team (pods could not be read)");
  });

  it("namespaces unread: the level is unknown, said in the precondition", () => {
    const findings = audit(snapshot(createPods), bossOnN1);
    expect(summary(findings)).toEqual(["cluster-admin-path User:dev high: node-escape node-token holds"]);
    expect(findings[0]?.path?.[0]?.precondition).toBe(
      "a privileged pod may run in team (namespaces could not be read) and no other admission policy forbids it",
    );
  });
});

describe("code run in a pod with host access reaches its node (live)", () => {
  /** A pod of infra/agent on `node` with `spec` merged in, as the live audit keeps it. */
  const agentPod = (node: string, spec: Record<string, unknown>) =>
    podServiceAccountOnly({
      metadata: { name: "agent", namespace: "infra" },
      spec: { nodeName: node, serviceAccountName: "agent", containers: [{ name: "c" }], ...spec },
    });
  const privileged = { containers: [{ name: "c", securityContext: { privileged: true } }] };
  const execInInfra: PolicyRule[] = [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }];
  function hostAudit(pods: Record<string, unknown>[]): Finding[] {
    const all = [pod("prod/boss", "n1"), ...pods];
    return auditSnapshot(snapshot(execInInfra, "infra"), catalogue, {
      mode: "live",
      podServiceAccounts: new Set(["prod/boss", "infra/agent"]),
      // infra enforces baseline: the pod is there already, Pod Security no longer matters.
      pathFacts: {
        serviceAccountsListed: true,
        podNodes: podNodes(all),
        hostPodNodes: hostPodNodes(all),
        podSecurity: namespaces({ infra: "baseline", prod: "baseline" }),
      },
    }).filter((finding) => finding.rule.endsWith("-path"));
  }

  it("exec into a privileged pod on the node of a cluster-admin pod: critical, no precondition", () => {
    const findings = hostAudit([agentPod("n1", privileged)]);
    expect(summary(findings)).toEqual(["cluster-admin-path User:dev critical: node-escape node-token holds"]);
    expect(findings[0]?.path?.[0]?.permission).toBe(
      "create pods/exec (into a pod with host access: a privileged container, or the node's credentials mounted; on that pod's node) in infra",
    );
    expect(findings[0]?.path?.every((hop) => !hop.precondition)).toBe(true);
    // The node's credentials mounted count as much as a privileged container.
    const mounted = { volumes: [{ name: "k", hostPath: { path: "/var/lib/kubelet/" } }] };
    expect(summary(hostAudit([agentPod("n1", mounted)]))).toEqual(["cluster-admin-path User:dev critical: node-escape node-token holds"]);
  });

  it("look-alikes: the privileged pod on another node, an unprivileged pod, a hostPath onto logs", () => {
    expect(summary(hostAudit([agentPod("n2", privileged)]))).toEqual([]);
    expect(summary(hostAudit([agentPod("n1", {})]))).toEqual([]);
    expect(summary(hostAudit([agentPod("n1", { volumes: [{ name: "l", hostPath: { path: "/var/log" } }] })]))).toEqual([]);
  });

  it("hasHostAccess: privileged containers of every kind, the credentials' directories and runtime sockets", () => {
    const spec = (value: Record<string, unknown>) => hasHostAccess({ spec: value });
    expect(spec({ initContainers: [{ securityContext: { privileged: true } }] })).toBe(true);
    expect(spec({ ephemeralContainers: [{ securityContext: { privileged: true } }] })).toBe(true);
    expect(spec({ containers: [{ securityContext: { privileged: false, allowPrivilegeEscalation: true } }] })).toBe(false);
    for (const path of [
      "/",
      "/etc/kubernetes",
      "/var/lib/kubelet",
      "/var/lib/kubelet/pods",
      "/run/containerd/containerd.sock",
      "/var/run/docker.sock",
      "/var/run",
    ])
      expect(spec({ volumes: [{ hostPath: { path } }] }), path).toBe(true);
    for (const path of ["/var/log", "/proc", "/var/lib/kubelet/plugins_registry", "/etc/ssl/certs"])
      expect(spec({ volumes: [{ hostPath: { path } }] }), path).toBe(false);
  });
});
