import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import type { Finding } from "../../src/model/report.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RbacSnapshot, Role, RoleBinding, Subject } from "../../src/rbac/types.js";

const catalogue = loadCatalogue();
const controller: Subject = { kind: "ServiceAccount", name: "controller", namespace: "tools" };
const snapshot = (parts: Partial<RbacSnapshot>): RbacSnapshot => ({
  roles: [],
  clusterRoles: [],
  roleBindings: [],
  clusterRoleBindings: [],
  serviceAccounts: [],
  ...parts,
});
const clusterRole = (name: string, rules: PolicyRule[]): ClusterRole => ({ kind: "ClusterRole", metadata: { name }, rules });
const role = (name: string, namespace: string, rules: PolicyRule[]): Role => ({ kind: "Role", metadata: { name, namespace }, rules });
const crb = (name: string, roleName: string): ClusterRoleBinding => ({
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { kind: "ClusterRole", name: roleName },
  subjects: [controller],
});
const rb = (name: string, namespace: string, roleName: string, kind = "Role"): RoleBinding => ({
  kind: "RoleBinding",
  metadata: { name, namespace },
  roleRef: { kind, name: roleName },
  subjects: [controller],
});
const audit = (input: RbacSnapshot): Finding[] => auditSnapshot(input, catalogue, { mode: "offline" });
const only = (findings: Finding[], rule: string): Finding[] => findings.filter((finding) => finding.rule === rule);

describe("findings on real install manifests say exactly what is granted", () => {
  it("gives one finding per subject and rule, listing every binding (cert-manager read Secrets through five)", () => {
    const reader = [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["secrets"] }];
    const findings = audit(
      snapshot({
        clusterRoles: [clusterRole("issuers", reader), clusterRole("certificates", reader)],
        roles: [role("leader", "kube-system", reader), role("local", "tools", reader)],
        clusterRoleBindings: [crb("issuers", "issuers"), crb("certificates", "certificates")],
        roleBindings: [rb("leader", "kube-system", "leader"), rb("local", "tools", "local")],
      }),
    );
    const secrets = only(findings, "secrets-read");
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.grants?.map((grant) => `${grant.binding.kind} ${grant.binding.name} ${grant.scope} ${grant.severity}`)).toEqual([
      "ClusterRoleBinding issuers cluster high",
      "ClusterRoleBinding certificates cluster high",
      "RoleBinding leader kube-system high",
      "RoleBinding local tools medium",
    ]);
    expect(secrets[0]?.message).toContain("Also through ClusterRoleBinding certificates of ClusterRole certificates cluster-wide; ");
  });

  it("says that * on secrets grants every verb, writes included", () => {
    const [finding] = only(
      audit(
        snapshot({
          clusterRoles: [clusterRole("all-secrets", [{ verbs: ["*"], apiGroups: [""], resources: ["secrets"] }])],
          clusterRoleBindings: [crb("all-secrets", "all-secrets")],
        }),
      ),
      "secrets-read",
    );
    expect(finding?.message).toContain('(verb "*": every verb, writes and deletes included)');
  });

  it("names the role in the remediation, and advises resourceNames only where none are set", () => {
    const open = only(
      audit(
        snapshot({
          clusterRoles: [clusterRole("tokens", [{ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] }])],
          clusterRoleBindings: [crb("tokens", "tokens")],
        }),
      ),
      "serviceaccount-token-create",
    );
    expect(open[0]?.remediation).toBe(
      "In ClusterRole tokens: Remove create on serviceaccounts/token. Or restrict it with resourceNames to the ServiceAccounts the subject must issue tokens for.",
    );
    const named = only(
      audit(
        snapshot({
          clusterRoles: [clusterRole("tokens", [{ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: ["builder"] }])],
          clusterRoleBindings: [crb("tokens", "tokens")],
        }),
      ),
      "serviceaccount-token-create",
    );
    expect([named[0]?.severity, named[0]?.remediation]).toEqual(["medium", "In ClusterRole tokens: Remove create on serviceaccounts/token."]);
  });

  it("does not count resourceNames that name the most powerful target as a restriction (bind on cluster-admin)", () => {
    const bind = (names: string[]) =>
      only(
        audit(
          snapshot({
            clusterRoles: [
              clusterRole("binder", [{ verbs: ["bind"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: names }]),
            ],
            clusterRoleBindings: [crb("binder", "binder")],
          }),
        ),
        "rbac-bind-escalate",
      );
    expect(bind(["cluster-admin"]).map((finding) => finding.severity)).toEqual(["critical"]);
    expect(bind(["cluster-admin"])[0]?.message).toContain("resourceNames cluster-admin: the most powerful targets, so no restriction");
    expect(bind(["pod-reader"]).map((finding) => finding.severity)).toEqual(["high"]);
  });

  it("reports nothing else for a subject that holds cluster-admin power, whichever binding gives the rest", () => {
    const findings = audit(
      snapshot({
        clusterRoles: [clusterRole("tokens", [{ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] }])],
        clusterRoleBindings: [crb("tokens", "tokens"), crb("admin", "cluster-admin")],
      }),
    );
    expect(findings.map((finding) => finding.rule)).toEqual(["cluster-admin-binding"]);
  });

  it("treats every REST verb listed one by one on every resource as cluster-admin power", () => {
    const verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
    const spelled = audit(
      snapshot({ clusterRoles: [clusterRole("spelled", [{ verbs, apiGroups: ["*"], resources: ["*"] }])], clusterRoleBindings: [crb("spelled", "spelled")] }),
    );
    expect(spelled.filter((finding) => finding.status === "finding").map((finding) => `${finding.rule} ${finding.severity}`)).toEqual([
      "cluster-admin-binding critical",
      "wildcard-in-rules medium",
    ]);
    const readOnly = audit(
      snapshot({
        clusterRoles: [clusterRole("reader", [{ verbs: verbs.slice(0, 3), apiGroups: ["*"], resources: ["*"] }])],
        clusterRoleBindings: [crb("reader", "reader")],
      }),
    );
    expect(only(readOnly, "cluster-admin-binding")).toEqual([]);
  });

  it("says which server version an exec finding assumes", () => {
    const [finding] = only(
      audit(
        snapshot({
          roles: [role("debug", "tools", [{ verbs: ["create"], apiGroups: [""], resources: ["pods/exec"] }])],
          roleBindings: [rb("debug", "tools", "debug")],
        }),
      ),
      "pods-exec",
    );
    expect(finding?.message).toContain("Assumes Kubernetes 1.35 or later, where get alone no longer opens exec.");
  });
});
