import { describe, expect, it } from "vitest";
import { BOOTSTRAP_POLICY_VERSION, bootstrapPolicy, createAuthorizer, emptySnapshot, userInfoFor, withBootstrapPolicy } from "../../src/rbac/index.js";

describe("bootstrap policy", () => {
  const authorizer = createAuthorizer(bootstrapPolicy(), { aggregate: true });

  it("says which Kubernetes version it comes from", () => {
    expect(BOOTSTRAP_POLICY_VERSION).toMatch(/^v1\.\d+\.\d+/);
  });

  it("lets anonymous users read /version and /healthz but not discovery", () => {
    const anonymous = userInfoFor("system:anonymous");
    expect(authorizer.authorize(anonymous, { resourceRequest: false, verb: "get", path: "/version" }).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
    );
    expect(authorizer.authorize(anonymous, { resourceRequest: false, verb: "get", path: "/apis" }).allowed).toBe(false);
  });

  it("gives any ServiceAccount discovery and self reviews, and nothing else", () => {
    const account = userInfoFor("system:serviceaccount:default:app");
    expect(authorizer.authorize(account, { resourceRequest: false, verb: "get", path: "/apis/apps" }).allowed).toBe(true);
    expect(
      authorizer.authorize(account, {
        resourceRequest: true,
        verb: "create",
        apiGroup: "authorization.k8s.io",
        resource: "selfsubjectaccessreviews",
        namespace: "",
      }).allowed,
    ).toBe(true);
    expect(authorizer.authorize(account, { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "default" }).allowed).toBe(false);
  });

  it("lets the snapshot's own objects replace bootstrap ones with the same name", () => {
    const merged = withBootstrapPolicy({ ...emptySnapshot(), clusterRoles: [{ kind: "ClusterRole", metadata: { name: "system:discovery" }, rules: [] }] });
    expect(merged.clusterRoles.filter((role) => role.metadata.name === "system:discovery")).toEqual([
      { kind: "ClusterRole", metadata: { name: "system:discovery" }, rules: [] },
    ]);
  });
});

describe("the shared bootstrap policy", () => {
  it("stays as exported after the authorizer and an offline audit with the defaults used it (its objects are shared by every call)", async () => {
    const { default: exported } = await import("../../src/rbac/bootstrap-policy.json", { with: { type: "json" } });
    const { auditSnapshot, loadCatalogue } = await import("../../src/audit/index.js");
    const before = JSON.stringify(bootstrapPolicy());
    createAuthorizer(bootstrapPolicy(), { aggregate: true }).rulesFor(userInfoFor("system:serviceaccount:default:app"), "default");
    const findings = auditSnapshot(withBootstrapPolicy(emptySnapshot()), loadCatalogue(), { mode: "offline" });
    expect(findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(bootstrapPolicy())).toBe(before);
    const policy = bootstrapPolicy();
    expect(policy.clusterRoles.map((role) => [role.metadata.name, role.rules])).toEqual(
      exported.clusterRoles.map((role: { metadata: { name: string }; rules?: unknown[] | null }) => [role.metadata.name, role.rules ?? []]),
    );
    expect(policy.clusterRoleBindings).toEqual(exported.clusterRoleBindings);
  });
});
