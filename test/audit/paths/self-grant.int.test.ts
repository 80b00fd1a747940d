import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding, PathHop, Report } from "../../../src/model/report.js";
import { saprobeRun } from "../../run/scenario.js";
import { applyObjects, createServiceAccount, kubectl, testCluster, uniqueNamespace } from "../../support/cluster.js";
import { runSaprobe } from "../support.js";

// Self-grants on the real kube-apiserver: an identity that may bind a role, or escalate one bound to it,
// gives itself more and goes on with it. The live audit must find the path, confirm the self-grant's
// requests with SubjectAccessReviews and not ask the ones it makes possible; then kubectl walks the
// path for real (the oracle), and the look-alikes (bind of view, update without escalate) find none.

const RBAC = "rbac.authorization.k8s.io";
const user = (name: string) => ({ kind: "User", name, apiGroup: RBAC });

function binding(kind: "RoleBinding" | "ClusterRoleBinding", name: string, roleKind: string, roleName: string, subject: object, namespace?: string) {
  return {
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: RBAC, kind: roleKind, name: roleName },
    subjects: [subject],
  };
}
function role(kind: "Role" | "ClusterRole", name: string, rules: unknown[], namespace?: string) {
  return { apiVersion: `${RBAC}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules };
}

async function pathOf(name: string): Promise<Finding | undefined> {
  const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as Report;
  return report.findings.find((finding) => finding.rule === "cluster-admin-path" && finding.subject?.kind === "User" && finding.subject.name === name);
}

/** A namespace whose ServiceAccount boss holds cluster-admin. */
async function withBoss(prefix: string): Promise<string> {
  const ns = await uniqueNamespace(prefix);
  await createServiceAccount(ns, "boss");
  await applyObjects([binding("ClusterRoleBinding", `${ns}-boss`, "ClusterRole", "cluster-admin", { kind: "ServiceAccount", name: "boss", namespace: ns })]);
  return ns;
}

describe("self-grants (live)", () => {
  it("create rolebindings and bind edit in a namespace: the path binds edit to itself, then impersonates its cluster-admin ServiceAccount", async () => {
    const ns = await withBoss("bind-self");
    const [mallory, viewer] = [`mallory-${ns}`, `viewer-${ns}`];
    const binder = (names: string[]) => [
      { apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create"] },
      { apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["bind"], resourceNames: names },
    ];
    await applyObjects([
      role("Role", "binder", binder(["edit"]), ns),
      binding("RoleBinding", "binder", "Role", "binder", user(mallory), ns),
      role("Role", "view-binder", binder(["view"]), ns),
      binding("RoleBinding", "view-binder", "Role", "view-binder", user(viewer), ns),
    ]);
    const found = await pathOf(mallory);
    expect(found?.severity).toBe("critical");
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["bind-self", "impersonate", "holds"]);
    const [self, act] = found?.path ?? [];
    // The self-grant's requests were asked and allowed; the impersonation it makes possible was not asked.
    expect(self?.requests.map((request) => `${request.verb} ${request.resource}/${request.name ?? ""} -n ${request.namespace}`)).toEqual([
      `create rolebindings/ -n ${ns}`,
      `bind clusterroles/edit -n ${ns}`,
    ]);
    expect(self?.confirmation?.agreed).toBe(true);
    expect(self?.confirmation?.detail).toMatch(/the server allows/);
    expect(act?.requests.every((request) => request.planned)).toBe(true);
    expect(act?.grants.every((grant) => grant.planned && grant.role.name === "edit")).toBe(true);
    expect(act?.confirmation?.detail).toMatch(/not asked/);
    expect(found?.confirmation?.agreed).toBe(true);
    // The oracle: before, the server denies the impersonation; mallory binds edit to itself; then it allows it.
    const canImpersonate = () => kubectl(["auth", "can-i", "impersonate", "serviceaccounts/boss", "-n", ns, `--as=${mallory}`]);
    expect((await canImpersonate()).stdout.trim()).toBe("no");
    expect((await kubectl(["create", "rolebinding", "mine", "-n", ns, "--clusterrole=edit", `--user=${mallory}`, `--as=${mallory}`])).code).toBe(0);
    expect((await canImpersonate()).stdout.trim()).toBe("yes");
    expect((await kubectl(["auth", "can-i", "*", "*", `--as=system:serviceaccount:${ns}:boss`])).stdout.trim()).toBe("yes");
    // The look-alike: view may be bound, and acts as nobody.
    expect(await pathOf(viewer)).toBeUndefined();
  });

  it("escalate and update a Role bound to it: the path grows the Role, then acts; update without escalate is refused and no path", async () => {
    const ns = await withBoss("escalate-self");
    const [mallory, updater] = [`mallory-${ns}`, `updater-${ns}`];
    await applyObjects([
      role("Role", "mine", [{ apiGroups: [RBAC], resources: ["roles"], verbs: ["escalate", "update"], resourceNames: ["mine"] }], ns),
      binding("RoleBinding", "mine", "Role", "mine", user(mallory), ns),
      role("Role", "theirs", [{ apiGroups: [RBAC], resources: ["roles"], verbs: ["update"], resourceNames: ["theirs"] }], ns),
      binding("RoleBinding", "theirs", "Role", "theirs", user(updater), ns),
    ]);
    const found = await pathOf(mallory);
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["escalate-self", "impersonate", "holds"]);
    expect(found?.path?.[0]?.confirmation?.agreed).toBe(true);
    expect(await pathOf(updater)).toBeUndefined();
    // The oracle: the update that grows the Role succeeds for mallory and is refused without escalate.
    const grown = (name: string, own: string[]) =>
      JSON.stringify(
        role(
          "Role",
          name,
          [
            { apiGroups: [RBAC], resources: ["roles"], verbs: own, resourceNames: [name] },
            { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          ],
          ns,
        ),
      );
    expect((await kubectl(["replace", "-f", "-", `--as=${updater}`], { input: grown("theirs", ["update"]) })).stderr).toMatch(/forbidden/i);
    expect((await kubectl(["replace", "-f", "-", `--as=${mallory}`], { input: grown("mine", ["escalate", "update"]) })).code).toBe(0);
    expect((await kubectl(["auth", "can-i", "impersonate", "serviceaccounts/boss", "-n", ns, `--as=${mallory}`])).stdout.trim()).toBe("yes");
  });

  it("run --expect fails an identity whose declared bind lets it bind edit to itself: the declaration itself opens the path", async () => {
    const ns = await withBoss("expect-bind-self");
    const mallory = `mallory-${ns}`;
    const declared = [
      role(
        "Role",
        "binder",
        [
          { apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create"] },
          { apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["edit"] },
        ],
        ns,
      ),
      binding("RoleBinding", "binder", "Role", "binder", user(mallory), ns),
    ];
    await applyObjects(declared);
    const dir = mkdtempSync(join(tmpdir(), "saprobe-self-grant-"));
    writeFileSync(join(dir, "rbac.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: declared }));
    const { code, report } = await saprobeRun(["--kubeconfig", testCluster().adminKubeconfig, "--as", mallory, "--expect", dir, "--fail-on", "critical"]);
    const path = report.results.find((result) => result.id === `cluster-admin-path/User/${mallory}`);
    expect(path).toMatchObject({ status: "fail", severity: "critical" });
    expect(((path?.evidence.path ?? []) as PathHop[]).map((hop) => hop.edge)).toEqual(["bind-self", "impersonate", "holds"]);
    expect(path?.evidence.firstHopDeclared).toBe(true);
    expect(code).toBe(1);
  });

  it("patch of the cluster-admin ClusterRoleBinding with bind on cluster-admin is a path (adding itself); without bind the server refuses it and there is none", async () => {
    const ns = await uniqueNamespace("bind-existing");
    const [patsy, nobby] = [`patsy-${ns}`, `nobby-${ns}`];
    const patchRule = { apiGroups: [RBAC], resources: ["clusterrolebindings"], verbs: ["get", "patch"], resourceNames: ["cluster-admin"] };
    await applyObjects([
      role("ClusterRole", `${ns}-patcher`, [patchRule, { apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["cluster-admin"] }]),
      binding("ClusterRoleBinding", `${ns}-patcher`, "ClusterRole", `${ns}-patcher`, user(patsy)),
      role("ClusterRole", `${ns}-nobind`, [patchRule]),
      binding("ClusterRoleBinding", `${ns}-nobind`, "ClusterRole", `${ns}-nobind`, user(nobby)),
    ]);
    const found = await pathOf(patsy);
    expect(found?.severity).toBe("critical");
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["bind"]);
    expect(found?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource}/${request.name}`)).toEqual([
      "patch clusterrolebindings/cluster-admin",
      "bind clusterroles/cluster-admin",
    ]);
    expect(found?.confirmation?.agreed).toBe(true);
    expect(await pathOf(nobby)).toBeUndefined();
    // The oracle, by a server-side dry run (the bind check runs, nothing is stored).
    const addSelf = (name: string) =>
      kubectl([
        "patch",
        "clusterrolebinding",
        "cluster-admin",
        "--dry-run=server",
        "--type=json",
        "-p",
        JSON.stringify([{ op: "add", path: "/subjects/-", value: user(name) }]),
        `--as=${name}`,
      ]);
    expect((await addSelf(patsy)).code).toBe(0);
    expect((await addSelf(nobby)).stderr).toMatch(/forbidden/i);
  });

  it("create a Role with any rules (escalate) and bind it to itself: a path; escalate limited to the role's name is refused on create and no path", async () => {
    const ns = await withBoss("create-role");
    const [maker, named] = [`maker-${ns}`, `named-${ns}`];
    const makerRules = (escalate: object) => [
      { apiGroups: [RBAC], resources: ["roles"], verbs: ["create"] },
      escalate,
      { apiGroups: [RBAC], resources: ["roles"], verbs: ["bind"], resourceNames: ["mine"] },
      { apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create"] },
    ];
    await applyObjects([
      role("Role", "maker", makerRules({ apiGroups: [RBAC], resources: ["roles"], verbs: ["escalate"] }), ns),
      binding("RoleBinding", "maker", "Role", "maker", user(maker), ns),
      role("Role", "named", makerRules({ apiGroups: [RBAC], resources: ["roles"], verbs: ["escalate"], resourceNames: ["mine"] }), ns),
      binding("RoleBinding", "named", "Role", "named", user(named), ns),
    ]);
    const found = await pathOf(maker);
    expect(found?.path?.map((hop) => hop.edge)).toEqual(["bind-self", "impersonate", "holds"]);
    // The create and its escalate check carry no name, as the server authorizes them; the bind names the role.
    expect(found?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource}/${request.name ?? ""}`)).toEqual([
      "create roles/",
      "escalate roles/",
      "create rolebindings/",
      "bind roles/mine",
    ]);
    expect(found?.confirmation?.agreed).toBe(true);
    expect(await pathOf(named)).toBeUndefined();
    // The oracle: the role with everything is created and bound by maker, refused for named.
    const everything = (author: string) => kubectl(["create", "role", "mine", "-n", ns, "--verb=*", "--resource=*.*", "--dry-run=server", `--as=${author}`]);
    expect((await everything(named)).stderr).toMatch(/forbidden/i);
    expect((await everything(maker)).code).toBe(0);
  });
});
