import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/manifests/index.js";
import { createAuthorizer, userInfoFor, withBootstrapPolicy } from "../../src/rbac/index.js";
import type { RequestAttributes } from "../../src/rbac/index.js";

// The seed document's ServiceAccount kube-system/admin, ClusterRole cluster-admin and the
// ClusterRoleBinding cluster-admin -> Group system:masters (fixtures/seed/).
const seed = await loadManifests(["fixtures/seed"], { cwd: new URL("../..", import.meta.url).pathname });
const account = userInfoFor("system:serviceaccount:kube-system:admin");
const listSecrets: RequestAttributes = { resourceRequest: true, verb: "list", apiGroup: "", resource: "secrets", namespace: "kube-system" };

describe("the seed's ServiceAccount and cluster-admin binding", () => {
  it("loads the three objects, with their sources", () => {
    expect(seed.snapshot.serviceAccounts.map((item) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual(["kube-system/admin"]);
    expect(seed.snapshot.clusterRoles.map((item) => item.metadata.name)).toEqual(["cluster-admin"]);
    expect(seed.snapshot.clusterRoleBindings[0]?.source).toMatchObject({ file: "fixtures/seed/cluster-admin.yaml", document: 1 });
  });

  it("grants the ServiceAccount nothing: the binding's only subject is the group system:masters", () => {
    const decision = createAuthorizer(seed.snapshot).authorize(account, listSecrets);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe("");
    expect(decision.nearMisses).toEqual([
      "ClusterRoleBinding cluster-admin of ClusterRole cluster-admin grants this to Group system:masters, and this user is not in that group (a binding to a group gives nothing to anyone outside it)",
    ]);
    const rulesAnywhere = createAuthorizer(seed.snapshot).rulesFor(account, "kube-system");
    expect(rulesAnywhere).toEqual([]);
  });

  it("with the default policy, the ServiceAccount gets only discovery, not cluster-admin", () => {
    const authorizer = createAuthorizer(withBootstrapPolicy(seed.snapshot), { aggregate: true });
    expect(authorizer.authorize(account, listSecrets).allowed).toBe(false);
    expect(authorizer.authorize(account, { resourceRequest: false, verb: "get", path: "/api" }).allowed).toBe(true);
  });

  it("is who-can's answer: system:masters only, never the ServiceAccount", () => {
    const subjects = createAuthorizer(seed.snapshot)
      .whoCan(listSecrets)
      .map((entry) => `${entry.subject.kind}:${entry.subject.name}:${entry.grant?.binding.name ?? "(before RBAC)"}`);
    expect(subjects).toEqual(["Group:system:masters:(before RBAC)", "Group:system:masters:cluster-admin"]);
  });

  it("does allow a member of system:masters, before and through RBAC", () => {
    const masters = { name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };
    expect(createAuthorizer(seed.snapshot).authorize(masters, listSecrets).allowed).toBe(true);
    const viaRbacOnly = createAuthorizer(seed.snapshot, { privilegedGroups: [] }).authorize(masters, listSecrets);
    expect(viaRbacOnly.reason).toBe('RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"');
  });
});
