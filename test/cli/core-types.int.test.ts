import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreTypes } from "../../src/rbac/core-types.js";
import type { ResourceType } from "../../src/rbac/request-spec.js";
import { adminRequest, applyObjects, deleteObjects, kubectl as kubectlCached, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { runCli } from "../support/cli.js";

// Live can-i and who-can read a core type's plural or singular without discovery (src/rbac/core-types.ts),
// on the claim that kubectl's RESTMapper ranks the core group above every other. Here the real server
// says the table is what it serves, and real kubectl, beside CRDs that take every core type's plural,
// singular and short names in other groups, says it still picks the core type; saprobe asks the same.

const core = coreTypes();
const forms = core.flatMap((type) => [{ type, typed: type.name }, ...(type.singular && type.singular !== type.name ? [{ type, typed: type.singular }] : [])]);
const hostileUser = `hostile-${process.pid}`;
const created: unknown[] = [];
let namespace: string;
let groups: string[];
let adminKubeconfig: string;
// kubectl keeps discovery for hours in its cache: a fresh cache, so the oracle sees the CRDs made here.
const cacheDir = mkdtempSync(join(tmpdir(), "saprobe-kubectl-cache-"));
const kubectl = (args: string[]) => kubectlCached(["--cache-dir", cacheDir, ...args], { kubeconfig: adminKubeconfig });

/** A CRD in `group` with these names, of the other scope than the core type it mimics (a wrong pick shows). */
function crd(group: string, names: { plural: string; singular: string; kind: string; shortNames?: string[] }, namespaced: boolean): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      scope: namespaced ? "Namespaced" : "Cluster",
      names,
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
    },
  };
}

const singularOf = (type: ResourceType) => type.singular ?? type.name;

afterAll(async () => {
  if (created.length > 0) await deleteObjects(created);
});

beforeAll(async () => {
  namespace = await uniqueNamespace("core");
  adminKubeconfig = writeKubeconfig({ token: testCluster().adminToken }, { namespace });
  const [same, swapped, short] = (groups = ["same", "swapped", "short"].map((name) => `${name}.${namespace}.saprobe.example.com`));
  created.push(
    // The core type's plural, singular and kind, in another group.
    ...core.map((type) => crd(same!, { plural: type.name, singular: singularOf(type), kind: type.kind }, !type.namespaced)),
    // Its singular as a plural (and its plural as the singular).
    ...core
      .filter((type) => singularOf(type) !== type.name)
      .map((type) => crd(swapped!, { plural: singularOf(type), singular: type.name, kind: `Swapped${type.kind}` }, !type.namespaced)),
    // Every plural, singular and short name of the core group as a short name.
    crd(
      short!,
      {
        plural: "things",
        singular: "thing",
        kind: "Thing",
        shortNames: [...new Set(core.flatMap((type) => [type.name, singularOf(type), ...(type.shortNames ?? [])]))],
      },
      true,
    ),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: hostileUser },
      // get alone, on these CRDs alone: a narrow grant other tests' cluster-wide reads may meet.
      rules: [{ apiGroups: groups, resources: [...new Set(core.flatMap((type) => [type.name, singularOf(type)])), "things"], verbs: ["get"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: hostileUser },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: hostileUser },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: hostileUser }],
    },
  );
  await applyObjects(created);
  const crds = created.flatMap((object) => {
    const { kind, metadata } = object as { kind: string; metadata: { name: string } };
    return kind === "CustomResourceDefinition" ? [`crd/${metadata.name}`] : [];
  });
  const established = await kubectl(["wait", "--for=condition=Established", "--timeout=90s", ...crds]);
  if (established.code !== 0) throw new Error(`the CRDs did not become established: ${established.stderr}`);
  // Aggregated discovery lists new CRDs a moment after they are established.
  for (let attempt = 0; attempt < 60; attempt++) {
    const probe = await kubectl(["auth", "can-i", "get", `things.${short}`, "--as", hostileUser]);
    if (probe.stdout === "yes\n" && (await kubectl(["auth", "can-i", "get", `pod.${swapped}`, "--as", hostileUser])).stdout === "yes\n") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error("the CRDs never appeared in discovery");
}, 180_000);

describe("a core type's plural or singular means the core type, whatever CRDs the server has", () => {
  it("the table is what the server's /api/v1 serves: every type, with its scope and singular", async () => {
    const list = (await adminRequest("GET", "/api/v1")) as { resources: { name: string; namespaced: boolean; singularName: string }[] };
    const served = new Map(list.resources.map((resource) => [resource.name, resource]));
    for (const type of core) {
      expect({ type: type.name, namespaced: served.get(type.name)?.namespaced, singular: served.get(type.name)?.singularName }).toEqual({
        type: type.name,
        namespaced: type.namespaced,
        singular: singularOf(type),
      });
    }
  });

  it("kubectl auth can-i picks the core type for each form beside colliding CRDs, and saprobe can-i asks the same", async () => {
    expect(forms.length).toBeGreaterThan(30);
    for (const { type, typed } of forms) {
      // The hostile user may do anything to the CRDs and nothing to core types: kubectl's "no" says it
      // asked about the core type, and its scope warning (the CRD has the other scope) says so again.
      const oracle = await kubectl(["auth", "can-i", "get", typed, "--as", hostileUser]);
      const scopeWarning = type.namespaced ? "" : `Warning: resource '${type.name}' is not namespace scoped`;
      expect({ typed, stdout: oracle.stdout, stderr: oracle.stderr.trim() }).toEqual({ typed, stdout: "no\n", stderr: scopeWarning });
      const ours = await runCli(["can-i", "get", typed, "--kubeconfig", adminKubeconfig, "--as", hostileUser, "-o", "json"]);
      expect({ typed, code: ours.code, ...JSON.parse(ours.stdout) }).toMatchObject({
        typed,
        code: 1,
        allowed: false,
        request: { apiGroup: "", resource: type.name, namespace: type.namespaced ? namespace : "" },
      });
    }
  }, 120_000);

  it("who-can reads the core type too, and the hostile user is not among those who can", async () => {
    const result = await runCli(["who-can", "get", "secrets", "--kubeconfig", adminKubeconfig, "-o", "json"]);
    expect(result.stderr).toBe("");
    const answer = JSON.parse(result.stdout) as { request: Record<string, unknown>; subjects: { subject: { name: string } }[] };
    expect(answer.request).toEqual({ resourceRequest: true, verb: "get", apiGroup: "", resource: "secrets", namespace });
    expect(answer.subjects.map(({ subject }) => subject.name)).not.toContain(hostileUser);
    const theirs = await runCli(["who-can", "get", `secrets.${groups[0]}`, "--kubeconfig", adminKubeconfig, "-o", "json"]);
    expect((JSON.parse(theirs.stdout) as typeof answer).subjects.map(({ subject }) => subject.name)).toContain(hostileUser);
  });
});
