import { describe, expect, it } from "vitest";
import { readLiveRbac } from "../../src/conformance/live-rbac.js";
import { inNamespace, listed } from "../../src/kube/list-all.js";
import type { KubeClient, RequestOptions } from "../../src/kube/types.js";

// What readLiveRbac asks the server for: everything, or with a namespace only what can answer a
// question about it (cluster-wide objects, and that namespace's Roles and RoleBindings).

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

function recordingClient(): { client: KubeClient; asked: RequestOptions[] } {
  const asked: RequestOptions[] = [];
  const item = (path: string) => ({
    metadata: { name: "x", namespace: path.includes("/namespaces/") ? "team" : undefined, managedFields: [{ manager: "kubectl" }] },
    rules: [],
    subjects: [],
    roleRef: { kind: "ClusterRole", name: "view" },
  });
  const client: KubeClient = {
    async request(options) {
      asked.push(options);
      const json = { items: [item(options.path)], metadata: {} };
      return { ok: true, response: { status: 200, headers: {}, json, text: JSON.stringify(json), durationMs: 1 } };
    },
    watch: () => Promise.reject(new Error("not used")),
    close: async () => undefined,
  };
  return { client, asked };
}

describe("readLiveRbac", () => {
  it("reads every namespace's Roles and RoleBindings by default, keeping only what the snapshot uses", async () => {
    const { client, asked } = recordingClient();
    const live = await readLiveRbac(client);
    expect(asked.map((options) => options.path).sort()).toEqual([
      `${RBAC}/clusterrolebindings`,
      `${RBAC}/clusterroles`,
      `${RBAC}/rolebindings`,
      `${RBAC}/roles`,
    ]);
    expect(live.ok && live.snapshot.roleBindings[0]?.metadata).toEqual({ name: "x" });
  });

  it("reads one namespace's Roles and RoleBindings when asked, and none for a cluster-wide question", async () => {
    const one = recordingClient();
    await readLiveRbac(one.client, undefined, { namespace: "team" });
    expect(one.asked.map((options) => options.path).sort()).toEqual([
      `${RBAC}/clusterrolebindings`,
      `${RBAC}/clusterroles`,
      `${RBAC}/namespaces/team/rolebindings`,
      `${RBAC}/namespaces/team/roles`,
    ]);
    const none = recordingClient();
    const live = await readLiveRbac(none.client, undefined, { namespace: "" });
    expect(none.asked.map((options) => options.path).sort()).toEqual([`${RBAC}/clusterrolebindings`, `${RBAC}/clusterroles`]);
    expect(live.ok && [live.snapshot.roles.length, live.snapshot.roleBindings.length]).toEqual([0, 0]);
  });

  it("with a namespace still being worked out, lists the cluster-wide objects first and the namespace's once it is known (none when it never is)", async () => {
    const later = recordingClient();
    let settle: (namespace: string | undefined) => void = () => undefined;
    const reading = readLiveRbac(later.client, undefined, { namespace: new Promise((resolve) => (settle = resolve)) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(later.asked.map((options) => options.path).sort()).toEqual([`${RBAC}/clusterrolebindings`, `${RBAC}/clusterroles`]);
    settle("team");
    await reading;
    expect(
      later.asked
        .map((options) => options.path)
        .slice(2)
        .sort(),
    ).toEqual([`${RBAC}/namespaces/team/rolebindings`, `${RBAC}/namespaces/team/roles`]);
    const never = recordingClient();
    await readLiveRbac(never.client, undefined, { namespace: Promise.resolve(undefined) });
    expect(never.asked.map((options) => options.path).sort()).toEqual([`${RBAC}/clusterrolebindings`, `${RBAC}/clusterroles`]);
  });

  it("places a namespaced list path in its namespace, core group too", () => {
    expect(inNamespace(listed("rbac.authorization.k8s.io", "v1", "roles", "Role"), "team").path).toBe(`${RBAC}/namespaces/team/roles`);
    expect(inNamespace(listed("", "v1", "pods", "Pod"), "a b").path).toBe("/api/v1/namespaces/a%20b/pods");
  });
});
