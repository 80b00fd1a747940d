import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR, loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import { MATCHERS } from "../../src/audit/matchers/registry.js";
import { severityOfPermission } from "../../src/audit/permission-severity.js";
import type { AuditRule, Catalogue, MatcherKind } from "../../src/audit/rule-types.js";
import type { RbacSnapshot } from "../../src/rbac/types.js";

const schema = JSON.parse(readFileSync(join(BUILTIN_RULES_DIR, "schema.json"), "utf8")) as {
  definitions: { matcher: { properties: { kind: { enum: string[] } } } };
};

function twin(rule: AuditRule): AuditRule {
  return { ...rule, id: `${rule.id}-again` };
}

describe("the matcher registry", () => {
  it("has one module for every kind the schema accepts, and no other", () => {
    expect(Object.keys(MATCHERS).sort()).toEqual([...schema.definitions.matcher.properties.kind.enum].sort());
  });

  it("runs every rule of a kind, not only the first (a second rule loaded with --rules)", () => {
    const builtin = loadCatalogue();
    const kinds: MatcherKind[] = ["missing-role", "unused-serviceaccount", "system-masters", "cluster-admin", "wildcard"];
    const originals = kinds.map((kind) => builtin.rules.find((rule) => rule.match.kind === kind) as AuditRule);
    const catalogue: Catalogue = { rules: [...builtin.rules, ...originals.map(twin)] };
    const snapshot: RbacSnapshot = {
      roles: [],
      clusterRoles: [{ kind: "ClusterRole", metadata: { name: "everything" }, rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }] }],
      roleBindings: [
        {
          kind: "RoleBinding",
          metadata: { name: "dangling", namespace: "apps" },
          roleRef: { kind: "Role", name: "gone" },
          subjects: [{ kind: "User", name: "u" }],
        },
      ],
      clusterRoleBindings: [
        {
          kind: "ClusterRoleBinding",
          metadata: { name: "ops" },
          roleRef: { kind: "ClusterRole", name: "everything" },
          subjects: [{ kind: "ServiceAccount", name: "idle", namespace: "apps" }],
        },
      ],
      serviceAccounts: [{ kind: "ServiceAccount", metadata: { name: "idle", namespace: "apps" } }],
    };
    const findings = auditSnapshot(snapshot, catalogue, {
      mode: "live",
      podServiceAccounts: new Set(),
      mastersEvidence: [
        {
          kind: "certificate-signing-request",
          name: "csr-1",
          commonName: "root",
          organizations: ["system:masters"],
          approved: true,
          signerName: "kubernetes.io/kube-apiserver-client",
        },
      ],
    });
    for (const rule of originals) {
      const ids = new Set(findings.map((finding) => finding.rule));
      expect([rule.id, ids.has(rule.id)]).toEqual([rule.id, true]);
      expect([twin(rule).id, ids.has(twin(rule).id)]).toEqual([twin(rule).id, true]);
    }
  });
});

describe("severityOfPermission", () => {
  const catalogue = loadCatalogue();
  it("gives one permission the rule and severity the audit would", () => {
    expect(severityOfPermission(catalogue, { verb: "create", apiGroup: "", resource: "serviceaccounts/token", scope: "cluster" })).toEqual({
      rule: "serviceaccount-token-create",
      severity: "high",
    });
    expect(severityOfPermission(catalogue, { verb: "create", apiGroup: "", resource: "serviceaccounts/token", scope: "apps" })).toEqual({
      rule: "serviceaccount-token-create",
      severity: "medium",
    });
    expect(severityOfPermission(catalogue, { verb: "create", apiGroup: "", resource: "serviceaccounts/token", scope: "kube-system" })).toEqual({
      rule: "serviceaccount-token-create",
      severity: "high",
    });
    expect(severityOfPermission(catalogue, { verb: "*", apiGroup: "*", resource: "*", scope: "cluster" })).toEqual({
      rule: "cluster-admin-binding",
      severity: "critical",
    });
    expect(severityOfPermission(catalogue, { verb: "get", apiGroup: "", resource: "nodes/proxy", scope: "apps" })).toBeUndefined();
    expect(severityOfPermission(catalogue, { verb: "get", apiGroup: "", resource: "configmaps", scope: "cluster" })).toBeUndefined();
  });
});
