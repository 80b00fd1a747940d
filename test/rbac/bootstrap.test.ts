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
