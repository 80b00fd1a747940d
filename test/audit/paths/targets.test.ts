import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { HIGH_VALUE_TARGETS } from "../../../src/audit/paths/targets.js";
import type { Finding } from "../../../src/model/report.js";
import { createAuthorizer } from "../../../src/rbac/authorizer.js";
import { bootstrapPolicy, withBootstrapPolicy } from "../../../src/rbac/bootstrap.js";
import type { RbacSnapshot, RequestAttributes } from "../../../src/rbac/types.js";
import { userInfoFor } from "../../../src/rbac/users.js";

const catalogue = loadCatalogue();
const rbac = "rbac.authorization.k8s.io";

/** `escalate clusterroles.rbac.authorization.k8s.io` -> a cluster-wide request. */
function request(text: string): RequestAttributes {
  const [verb, resource] = text.split(" ") as [string, string];
  const dot = resource.indexOf(".");
  return {
    resourceRequest: true,
    verb,
    resource: dot < 0 ? resource : resource.slice(0, dot),
    apiGroup: dot < 0 ? "" : resource.slice(dot + 1),
    namespace: "",
  };
}

describe("the high-value targets say what the bootstrap policy gives them", () => {
  const policy = bootstrapPolicy();
  const authorizer = createAuthorizer(policy, { aggregate: true });
  for (const target of HIGH_VALUE_TARGETS) {
    it(`${target.ref.name}: bound to ${target.clusterRole}, allowed ${target.allows.join("; ")}`, () => {
      const binding = policy.clusterRoleBindings.find((candidate) => candidate.roleRef.name === target.clusterRole);
      expect(binding?.subjects).toContainEqual({ kind: "ServiceAccount", name: target.ref.name, namespace: "kube-system" });
      const user = userInfoFor(`system:serviceaccount:kube-system:${target.ref.name}`);
      for (const claim of target.allows) expect(authorizer.authorize(user, request(claim)).allowed, claim).toBe(true);
      // The claims can fail: no controller here may create ClusterRoleBindings.
      expect(authorizer.authorize(user, request(`create clusterrolebindings.${rbac}`)).allowed).toBe(false);
    });
  }
});

const mallory = { kind: "User", name: "mallory", apiGroup: rbac };
function minting(name: string, extra: Partial<RbacSnapshot> = {}): RbacSnapshot {
  return withBootstrapPolicy({
    roles: [
      {
        kind: "Role",
        metadata: { name: "mint", namespace: "kube-system" },
        rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [name], verbs: ["create"] }],
      },
    ],
    roleBindings: [
      {
        kind: "RoleBinding",
        metadata: { name: "mallory-mints", namespace: "kube-system" },
        roleRef: { apiGroup: rbac, kind: "Role", name: "mint" },
        subjects: [mallory],
      },
    ],
    clusterRoles: [],
    clusterRoleBindings: [],
    serviceAccounts: [],
    ...extra,
  });
}
const malloryFindings = (snapshot: RbacSnapshot, mode: "live" | "offline"): Finding[] =>
  // Live: no pod runs and no legacy token Secret exists (read, not unknown).
  auditSnapshot(
    snapshot,
    catalogue,
    mode === "live" ? { mode, podServiceAccounts: new Set(), pathFacts: { tokenSecrets: new Set(), workloads: new Set() } } : { mode },
  ).filter((finding) => finding.subject?.name === "mallory" && finding.rule.endsWith("-path"));

describe("high-value-identity-path", () => {
  it("reports a token for namespace-controller with its severity, the hop naming the grant", () => {
    // Live: the ServiceAccounts listed settle existence; no token Secret or pod exists, so no controller reaches cluster-admin.
    const accounts = HIGH_VALUE_TARGETS.map((target) => ({ kind: "ServiceAccount" as const, metadata: { name: target.ref.name, namespace: "kube-system" } }));
    const found = malloryFindings(minting("namespace-controller", { serviceAccounts: accounts }), "live");
    expect(found.map((finding) => `${finding.rule} ${finding.severity}`)).toEqual(["high-value-identity-path high"]);
    expect(found[0]?.path?.map((hop) => [hop.edge, hop.reaches.name])).toEqual([["serviceaccount-token", "namespace-controller"]]);
    expect(found[0]?.message).toMatch(/reads every object, Secrets included/);
  });

  it("leaves an identity that also reaches cluster-admin to cluster-admin-path (job-controller runs a pod as the aggregation controller, which escalates)", () => {
    const accounts = HIGH_VALUE_TARGETS.map((target) => ({ kind: "ServiceAccount" as const, metadata: { name: target.ref.name, namespace: "kube-system" } }));
    const found = malloryFindings(minting("job-controller", { serviceAccounts: accounts }), "live");
    expect(found.map((finding) => finding.rule)).toEqual(["cluster-admin-path"]);
    expect(found[0]?.path?.map((hop) => hop.edge)).toEqual(["serviceaccount-token", "pod-create", "escalate"]);
  });

  it("says both when the only path to cluster-admin needs what the audit could not see (high) but the controller reached surely is critical", () => {
    const accounts = HIGH_VALUE_TARGETS.map((target) => ({ kind: "ServiceAccount" as const, metadata: { name: target.ref.name, namespace: "kube-system" } }));
    // generic-garbage-collector reaches cluster-admin only through what a live audit cannot see (a workload
    // in kube-system to patch, or a pod created after a webhook change).
    const found = malloryFindings(minting("generic-garbage-collector", { serviceAccounts: accounts }), "live");
    expect(found.map((finding) => `${finding.rule} ${finding.severity}`).sort()).toEqual(["cluster-admin-path high", "high-value-identity-path critical"]);
    const admin = found.find((finding) => finding.rule === "cluster-admin-path")?.path ?? [];
    expect([admin[0]?.edge, admin[1]?.precondition !== undefined, admin.at(-1)?.edge]).toEqual(["serviceaccount-token", true, "escalate"]);
  });

  it("counts a controller live only where the server binds it, offline always (every cluster has its binding); nothing for a ServiceAccount of the same name elsewhere", () => {
    const offline = minting("namespace-controller");
    const unbound: RbacSnapshot = {
      ...offline,
      clusterRoleBindings: offline.clusterRoleBindings.filter((binding) => binding.roleRef.name !== "system:controller:namespace-controller"),
    };
    expect(malloryFindings(unbound, "live")).toEqual([]);
    // Offline the binding is there all the same: namespace-controller reads kube-system's Secrets, a legacy token
    // of clusterrole-aggregation-controller among them if one exists (high: not seen).
    expect(
      malloryFindings(unbound, "offline").map((finding) => `${finding.rule} ${finding.severity} ${finding.path?.map((hop) => hop.edge).join(">")}`),
    ).toEqual(["cluster-admin-path high serviceaccount-token>secret-read>escalate"]);
    const elsewhere = minting("namespace-controller");
    elsewhere.roles = elsewhere.roles.map((role) => ({ ...role, metadata: { ...role.metadata, namespace: "apps" } }));
    elsewhere.roleBindings = elsewhere.roleBindings.map((binding) =>
      binding.metadata.name === "mallory-mints" ? { ...binding, metadata: { ...binding.metadata, namespace: "apps" } } : binding,
    );
    expect(malloryFindings(elsewhere, "offline")).toEqual([]);
  });
});
