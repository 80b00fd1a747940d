import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminRequest,
  applyObjects,
  createServiceAccount,
  deleteObjects,
  kubectl as kubectlCached,
  mintToken,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";
import { runCli } from "../support/cli.js";

// Live can-i and who-can read TYPE from the server's discovery, as kubectl does: a CRD's short name and
// singular mean its type, a type the server lacks gets kubectl's warning, and a refused discovery
// falls back to the built-in list, saying so. The real kubectl, with the admin kubeconfig, is the oracle.

let namespace: string;
let group: string;
let shortName: string;
let singular: string;
let adminKubeconfig: string;
let botKubeconfig: string;
const noDiscovery = `face-no-discovery-${process.pid}`;
const created: unknown[] = [];
// kubectl keeps discovery for hours in its cache: a fresh cache per run, so the oracle sees today's server.
const cacheDir = mkdtempSync(join(tmpdir(), "saprobe-kubectl-cache-"));
const kubectl = (args: string[], options: { kubeconfig?: string } = {}) => kubectlCached(["--cache-dir", cacheDir, ...args], options);

/** A namespaced CRD `SINGULARs.GROUP` with the given short names. */
function crd(crdGroup: string, singular: string, shortNames: string[]): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${singular}s.${crdGroup}` },
    spec: {
      group: crdGroup,
      scope: "Namespaced",
      names: { plural: `${singular}s`, singular, kind: `${singular[0]?.toUpperCase()}${singular.slice(1)}`, shortNames },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
    },
  };
}

afterAll(async () => {
  if (created.length > 0) await deleteObjects(created);
});

beforeAll(async () => {
  namespace = await uniqueNamespace("disc");
  group = `${namespace}.saprobe.example.com`;
  // Names unique to this run: a CRD another run left (or is still deleting) must not share them.
  singular = `gadget${namespace.slice(-8)}`;
  shortName = `g${namespace.slice(-8)}`;
  created.push(crd(group, singular, [shortName]));
  await applyObjects([
    ...created,
    // A user who may ask SelfSubjectAccessReviews but, outside system:authenticated, may not read discovery.
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: noDiscovery },
      rules: [{ apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews"], verbs: ["create"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: noDiscovery },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: noDiscovery },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: noDiscovery }],
    },
  ]);
  const established = await kubectl(["wait", "--for=condition=Established", "--timeout=60s", `crd/${singular}s.${group}`]);
  if (established.code !== 0) throw new Error(`the CRD did not become established: ${established.stderr}`);
  await createServiceAccount(namespace, "bot");
  await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "gadget-reader" },
    rules: [{ apiGroups: [group], resources: [`${singular}s`], verbs: ["get"] }],
  });
  await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "bot-gadgets" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "gadget-reader" },
    subjects: [{ kind: "ServiceAccount", name: "bot", namespace }],
  });
  botKubeconfig = writeKubeconfig({ token: await mintToken(namespace, "bot") }, { namespace });
  adminKubeconfig = writeKubeconfig({ token: testCluster().adminToken }, { namespace });
  // Aggregated discovery lists a new CRD a moment after it is established: wait until kubectl resolves it.
  for (let attempt = 0; attempt < 30; attempt++) {
    if ((await kubectl(["auth", "can-i", "get", shortName], { kubeconfig: botKubeconfig })).stderr === "") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}, 120_000);

describe("live can-i resolves TYPE from discovery, as kubectl auth can-i does", () => {
  it.each(["SHORT", "SINGULAR", "SINGULARs", "KIND", "SINGULARs.GROUP"])("%s: the same answer as kubectl, the CRD's type asked", async (typed) => {
    const kind = `${singular[0]?.toUpperCase()}${singular.slice(1)}`;
    const type = typed.replace("GROUP", group).replace("SHORT", shortName).replace("SINGULAR", singular).replace("KIND", kind);
    const oracle = await kubectl(["auth", "can-i", "get", type], { kubeconfig: botKubeconfig });
    expect(oracle).toMatchObject({ stdout: "yes\n", stderr: "" });
    const ours = await runCli(["can-i", "get", type, "--kubeconfig", botKubeconfig, "-o", "json"]);
    expect(ours.code).toBe(0);
    expect(JSON.parse(ours.stdout)).toMatchObject({ allowed: true, request: { resource: `${singular}s`, apiGroup: group, namespace }, warnings: [] });
    const text = await runCli(["can-i", "get", type, "--kubeconfig", botKubeconfig]);
    expect(text).toMatchObject({ code: 0, stderr: "" });
  });

  it("who-can reads the CRD's short name from discovery too", async () => {
    const result = await runCli(["who-can", "get", shortName, "--kubeconfig", adminKubeconfig, "-o", "json"]);
    expect(result.stderr).toBe("");
    const answer = JSON.parse(result.stdout) as { request: { resource: string; apiGroup: string }; subjects: { subject: { kind: string; name: string } }[] };
    expect(answer.request).toMatchObject({ resource: `${singular}s`, apiGroup: group });
    expect(answer.subjects.some(({ subject }) => subject.kind === "ServiceAccount" && subject.name === "bot")).toBe(true);
  });

  it("warns about a type the server lacks with kubectl's words (and the closest type it has)", async () => {
    const typo = `${singular}z`;
    const oracle = await kubectl(["auth", "can-i", "get", typo], { kubeconfig: botKubeconfig });
    // kubectl follows its warning with an empty line.
    expect(oracle.stderr.trim()).toBe(`Warning: the server doesn't have a resource type '${typo}'`);
    const ours = await runCli(["can-i", "get", typo, "--kubeconfig", botKubeconfig]);
    expect(ours.code).toBe(oracle.code);
    expect(ours.stderr).toMatch(new RegExp(`^Warning: the server doesn't have a resource type '${typo}'; did you mean "${singular}s?"\\?\n$`));
  });

  it("falls back to the built-in list when discovery is refused (403), and says so", async () => {
    const as = ["--as", noDiscovery, "--as-group", "system:unauthenticated"];
    const refused = await kubectl(["get", "--raw", "/api", ...as]);
    expect(refused.stderr).toMatch(/forbidden/i);
    const ours = await runCli(["can-i", "get", "deploy", "--kubeconfig", adminKubeconfig, ...as, "-o", "json"]);
    expect(ours.code).toBe(1);
    const answer = JSON.parse(ours.stdout) as { allowed: boolean; request: { resource: string; apiGroup: string }; warnings: string[] };
    expect(answer.request).toMatchObject({ resource: "deployments", apiGroup: "apps" });
    expect(answer.warnings[0]).toMatch(
      /^the server refused discovery \(GET \/apis? answered 403: .*forbidden.*\); TYPE is read from saprobe's built-in v1\.\d+\.\d+ resource list instead \(no CRDs\)$/,
    );
    const text = await runCli(["can-i", "get", shortName, "--kubeconfig", adminKubeconfig, ...as]);
    expect(text.stderr).toContain("Warning: the server refused discovery");
    expect(text.stderr).toContain(`Warning: the server doesn't have a resource type '${shortName}'`);
  });

  it("picks the type kubectl picks when two CRDs share a short name, with kubectl's warning for the other", async () => {
    const shared = `s${namespace.slice(-8)}`;
    const [first, second] = [`a-${group}`, `b-${group}`];
    const pair = [crd(first, "widget", [shared]), crd(second, "widget", [shared])];
    created.push(...pair);
    await applyObjects(pair);
    for (const crdGroup of [first, second]) await kubectl(["wait", "--for=condition=Established", "--timeout=60s", `crd/widgets.${crdGroup}`]);
    // The bot may get widgets of the first group only: kubectl's yes or no says which type it picked.
    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "first-widgets" },
      rules: [{ apiGroups: [first], resources: ["widgets"], verbs: ["get"] }],
    });
    await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "bot-first-widgets" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "first-widgets" },
      subjects: [{ kind: "ServiceAccount", name: "bot", namespace }],
    });
    let oracle = await kubectl(["auth", "can-i", "get", shared], { kubeconfig: botKubeconfig });
    for (let attempt = 0; attempt < 30 && !oracle.stderr.includes("could also match"); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      oracle = await kubectl(["auth", "can-i", "get", shared], { kubeconfig: botKubeconfig });
    }
    const kubectlWarnings = oracle.stderr
      .split("\n")
      .filter((line) => line.startsWith("Warning: "))
      .map((line) => line.slice("Warning: ".length));
    const other = oracle.stdout === "yes\n" ? second : first;
    expect(kubectlWarnings).toEqual([`short name "${shared}" could also match lower priority resource widgets.${other}`]);
    const ours = await runCli(["can-i", "get", shared, "--kubeconfig", botKubeconfig, "-o", "json"]);
    const answer = JSON.parse(ours.stdout) as { allowed: boolean; request: { apiGroup: string }; warnings: string[] };
    expect(answer).toMatchObject({ allowed: oracle.stdout === "yes\n", request: { apiGroup: other === second ? first : second }, warnings: kubectlWarnings });
    expect(ours.code).toBe(oracle.code);
  }, 120_000);

  it("ranks a name and a singular alike: the first group in discovery order wins, as kubectl's PriorityRESTMapper", async () => {
    // TYPE is the singular of a CRD in one group (plural TYPEs) and the plural of a CRD in the other.
    const base = `cog${namespace.slice(-8)}`;
    const typed = `${base}s`;
    const [first, second] = [`c-${group}`, `d-${group}`];
    const pair = [crd(first, typed, []), crd(second, base, [])];
    created.push(...pair);
    await applyObjects(pair);
    for (const object of pair) await kubectl(["wait", "--for=condition=Established", "--timeout=60s", `crd/${(object.metadata as { name: string }).name}`]);
    let oracle = await kubectl(["auth", "can-i", "get", typed, "-v=6"], { kubeconfig: adminKubeconfig });
    const picked = () => /\/apis\/([^/]+)\/v1["\s]/.exec(oracle.stderr)?.[1];
    for (let attempt = 0; attempt < 30 && !(picked() === first || picked() === second); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      oracle = await kubectl(["auth", "can-i", "get", typed, "-v=6"], { kubeconfig: adminKubeconfig });
    }
    // kubectl reads the scope of the type it picked from that group's discovery document.
    expect([first, second]).toContain(picked());
    const ours = await runCli(["can-i", "get", typed, "--kubeconfig", adminKubeconfig, "-o", "json"]);
    const answer = JSON.parse(ours.stdout) as { request: { apiGroup: string; resource: string } };
    expect(answer.request).toMatchObject({ apiGroup: picked(), resource: picked() === first ? `${typed}s` : typed });
  }, 120_000);
});
