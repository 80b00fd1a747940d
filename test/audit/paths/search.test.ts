import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot, type AuditOptions } from "../../../src/audit/engine.js";
import type { Finding } from "../../../src/model/report.js";
import type { PolicyRule, RbacSnapshot, RoleBinding, Subject } from "../../../src/rbac/types.js";

const catalogue = loadCatalogue();
const rbac = "rbac.authorization.k8s.io";

function snapshot(extra: { roles: [string, string, PolicyRule[], Subject][] }): RbacSnapshot {
  const roles = extra.roles.map(([namespace, name, rules]) => ({ kind: "Role" as const, metadata: { name, namespace }, rules }));
  const roleBindings: RoleBinding[] = extra.roles.map(([namespace, name, , subject]) => ({
    kind: "RoleBinding",
    metadata: { name, namespace },
    roleRef: { apiGroup: rbac, kind: "Role", name },
    subjects: [subject],
  }));
  return {
    roles,
    roleBindings,
    // Live snapshots are used as stored: cluster-admin must be there.
    clusterRoles: [{ kind: "ClusterRole", metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] }],
    clusterRoleBindings: [
      {
        kind: "ClusterRoleBinding",
        metadata: { name: "boss" },
        roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "boss", namespace: "prod" }],
      },
    ],
    serviceAccounts: [
      { kind: "ServiceAccount", metadata: { name: "boss", namespace: "prod" } },
      { kind: "ServiceAccount", metadata: { name: "relay", namespace: "mid" } },
    ],
  };
}

const mallory: Subject = { kind: "User", name: "mallory", apiGroup: rbac };
const paths = (snap: RbacSnapshot, options: Partial<AuditOptions> = {}): Finding[] =>
  auditSnapshot(snap, catalogue, { mode: "offline", ...options }).filter((finding) => finding.rule === "cluster-admin-path");

describe("shortest paths, without preconditions when one exists", () => {
  const both = snapshot({
    roles: [
      ["prod", "read-secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }], mallory],
      ["mid", "mint", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }], mallory],
      ["prod", "relay-runs", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }], { kind: "ServiceAccount", name: "relay", namespace: "mid" }],
    ],
  });

  it("takes a longer path that needs nothing over a shorter one that needs a token Secret offline", () => {
    const found = paths(both).find((finding) => finding.subject?.name === "mallory");
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["serviceaccount-token", "pod-create", "holds"]);
    expect(found?.severity).toBe("critical");
  });

  it("live, with the token Secret seen, takes the shorter path; with none seen, the Secret read is no edge at all", () => {
    const live = (tokenSecrets: string[]): Finding | undefined =>
      paths(both, { mode: "live", podServiceAccounts: new Set(), pathFacts: { tokenSecrets: new Set(tokenSecrets), serviceAccountsListed: true } }).find(
        (finding) => finding.subject?.name === "mallory",
      );
    expect(live(["prod/boss"])?.path?.map((hop) => hop.edge)).toEqual(["secret-read", "holds"]);
    expect(live([])?.path?.map((hop) => hop.edge)).toEqual(["serviceaccount-token", "pod-create", "holds"]);
  });

  it("live, a ServiceAccount that does not exist is reached by nothing", () => {
    const ghost = snapshot({ roles: [["prod", "mint", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }], mallory]] });
    ghost.serviceAccounts = ghost.serviceAccounts.filter((account) => account.metadata.name !== "boss");
    expect(paths(ghost)).toHaveLength(1);
    expect(paths(ghost)[0]?.path?.[0]?.precondition).toMatch(/ServiceAccount prod\/boss exists/);
    expect(paths(ghost, { mode: "live", pathFacts: { serviceAccountsListed: true } })).toEqual([]);
  });

  it("does not report a ServiceAccount whose first hop is its group's grant: the group has the finding", () => {
    const group = snapshot({
      roles: [
        [
          "prod",
          "everyone-runs",
          [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }],
          { kind: "Group", name: "system:serviceaccounts:mid", apiGroup: rbac },
        ],
      ],
    });
    expect(paths(group).map((finding) => `${finding.subject?.kind} ${finding.subject?.name}`)).toEqual(["Group system:serviceaccounts:mid"]);
  });

  it("a read of named Secrets is a path only live, through a token Secret of that name", () => {
    const named = snapshot({ roles: [["prod", "tls", [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["boss-token"], verbs: ["get"] }], mallory]] });
    expect(paths(named)).toEqual([]);
    const live = (owners: [string, string][]): Finding[] =>
      paths(named, {
        mode: "live",
        pathFacts: {
          serviceAccountsListed: true,
          tokenSecrets: new Set(owners.map(([secret, owner]) => `${secret.split("/")[0]}/${owner}`)),
          tokenSecretOwners: new Map(owners),
        },
      });
    expect(live([["prod/boss-token", "boss"]]).map((finding) => finding.path?.[0]?.permission)).toEqual(['get secrets "boss-token" in prod']);
    expect(live([["prod/other-token", "boss"]])).toEqual([]);
  });

  it("with --subject, reports only the identity asked about", () => {
    const narrowed = paths(both, {
      subject: { name: "system:serviceaccount:mid:relay", groups: ["system:serviceaccounts", "system:serviceaccounts:mid", "system:authenticated"] },
    });
    expect(narrowed.map((finding) => finding.subject?.name)).toEqual(["relay"]);
  });
});

describe("impersonation does not chain: an impersonator goes on only along a route that does not impersonate again", () => {
  const bee: Subject = { kind: "User", name: "bee", apiGroup: rbac };
  // mallory may impersonate user bee (a cluster-scoped grant: a ClusterRole bound cluster-wide).
  function withMalloryAsBee(snap: RbacSnapshot, beeClusterRules: PolicyRule[] = []): RbacSnapshot {
    const grants: [string, PolicyRule[], Subject][] = [
      ["as-bee", [{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["bee"] }], mallory],
      ...(beeClusterRules.length > 0 ? [["bee-cluster", beeClusterRules, bee] as [string, PolicyRule[], Subject]] : []),
    ];
    return {
      ...snap,
      clusterRoles: [...snap.clusterRoles, ...grants.map(([name, rules]) => ({ kind: "ClusterRole" as const, metadata: { name }, rules }))],
      clusterRoleBindings: [
        ...snap.clusterRoleBindings,
        ...grants.map(([name, , subject]) => ({
          kind: "ClusterRoleBinding" as const,
          metadata: { name },
          roleRef: { apiGroup: rbac, kind: "ClusterRole", name },
          subjects: [subject],
        })),
      ],
    };
  }
  const edgesOf = (findings: Finding[], name: string): string[][] =>
    findings.filter((finding) => finding.subject?.name === name).map((finding) => finding.path?.map((hop) => hop.edge) ?? []);
  const impersonateBoss: PolicyRule = { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] };

  it("bee's shortest route impersonates; mallory, impersonating bee, takes bee's longer route that does not", () => {
    // bee: impersonate prod/boss (2 hops), or a token for mid/relay, which creates pods in prod as boss (3 hops).
    const snap = withMalloryAsBee(
      snapshot({
        roles: [
          ["prod", "bee-as-boss", [impersonateBoss], bee],
          ["mid", "bee-mints", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }], bee],
          ["prod", "relay-runs", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }], { kind: "ServiceAccount", name: "relay", namespace: "mid" }],
        ],
      }),
    );
    const found = paths(snap);
    expect(edgesOf(found, "bee")).toEqual([["impersonate", "holds"]]);
    expect(edgesOf(found, "mallory")).toEqual([["impersonate", "serviceaccount-token", "pod-create", "holds"]]);
    const mallorys = found.find((finding) => finding.subject?.name === "mallory");
    expect(mallorys?.path?.map((hop) => `${hop.reaches.kind}:${hop.reaches.name}`)).toEqual([
      "User:bee",
      "ServiceAccount:relay",
      "ServiceAccount:boss",
      "Power:cluster-admin",
    ]);
    expect(mallorys?.severity).toBe("critical");
  });

  it("with only impersonation routes of bee's (legacy, or constrained with impersonate-on everything), mallory reaches nothing", () => {
    const legacy = withMalloryAsBee(snapshot({ roles: [["prod", "bee-as-boss", [impersonateBoss], bee]] }));
    expect(edgesOf(paths(legacy), "bee")).toEqual([["impersonate", "holds"]]);
    expect(edgesOf(paths(legacy), "mallory")).toEqual([]);
    const constrained = withMalloryAsBee(
      snapshot({
        roles: [
          [
            "prod",
            "bee-as-boss",
            [{ apiGroups: ["authentication.k8s.io"], resources: ["serviceaccounts"], verbs: ["impersonate:serviceaccount"], resourceNames: ["boss"] }],
            bee,
          ],
        ],
      }),
      [{ apiGroups: ["*"], resources: ["*"], verbs: ["impersonate-on:serviceaccount:create"] }],
    );
    expect(edgesOf(paths(constrained), "bee")).toEqual([["impersonate", "bind"]]);
    expect(edgesOf(paths(constrained), "mallory")).toEqual([]);
  });
});

describe("the conditional pass goes as deep as the first pass's routes", () => {
  it("finds an identity whose own first hop is conditional onto a ServiceAccount with a two-hop unconditional route", () => {
    const crb = (name: string, role: string, subject: RbacSnapshot["clusterRoleBindings"][number]["subjects"][number]) => ({
      kind: "ClusterRoleBinding" as const,
      metadata: { name },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: role },
      subjects: [subject],
    });
    const binding = (name: string, role: string, subject: RbacSnapshot["roleBindings"][number]["subjects"][number]) => ({
      ...crb(name, role, subject),
      kind: "RoleBinding" as const,
      metadata: { name, namespace: "prod" },
    });
    const snap: RbacSnapshot = {
      clusterRoles: [
        { kind: "ClusterRole", metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
        { kind: "ClusterRole", metadata: { name: "tokens" }, rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }] },
        // Exec limited to pods named x: a precondition no fact settles.
        { kind: "ClusterRole", metadata: { name: "exec-x" }, rules: [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"], resourceNames: ["x"] }] },
      ],
      clusterRoleBindings: [crb("boss", "cluster-admin", { kind: "ServiceAccount", name: "boss", namespace: "prod" })],
      roles: [],
      roleBindings: [
        binding("t", "tokens", { kind: "ServiceAccount", name: "tokenizer", namespace: "prod" }),
        binding("u", "exec-x", { kind: "User", name: "u", apiGroup: rbac }),
      ],
      serviceAccounts: ["boss", "tokenizer"].map((name) => ({ kind: "ServiceAccount", metadata: { name, namespace: "prod" } })),
    };
    // Live, pods read and none bound to a node: no node identity whose conditional route would keep the pass going.
    const findings = auditSnapshot(snap, loadCatalogue(), {
      mode: "live",
      podServiceAccounts: new Set(["prod/tokenizer"]),
      pathFacts: { serviceAccountsListed: true, podNodes: new Map() },
    });
    const paths = findings
      .filter((finding) => finding.rule === "cluster-admin-path")
      .map((finding) => `${finding.subject?.name} ${finding.severity} ${finding.path?.map((hop) => hop.edge).join(" ")}`);
    expect(paths.sort()).toEqual(["tokenizer critical serviceaccount-token holds", "u high pod-exec serviceaccount-token holds"]);
  });
});
