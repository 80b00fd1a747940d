import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/manifests/index.js";
import { InputError } from "../../src/model/errors.js";

/* Input as pipelines give it (fixtures/pipelines/): chart folders, kustomizations, old charts, merge keys, broken and empty input. */

const PIPELINES = join(import.meta.dirname, "..", "..", "fixtures", "pipelines");

function load(paths: string[], options: { defaultNamespace?: string } = {}) {
  return loadManifests(paths, { cwd: PIPELINES, refused: "return", ...options });
}

const HELM_HINT = "a Helm chart's source, not rendered objects: audit the output of `helm template` instead";

describe("loadManifests on pipeline folders", () => {
  it("skips a chart's Chart.yaml, values files and templates, naming each, and reads the rendered output beside them", async () => {
    const loaded = await load(["chart-beside-rendered"]);
    expect(loaded.skipped).toEqual(
      ["chart/Chart.yaml", "chart/templates/rbac.yaml", "chart/templates/serviceaccount.yaml", "chart/values-prod.yaml", "chart/values.yaml"].map((file) => ({
        file: `chart-beside-rendered/${file}`,
        reason: HELM_HINT,
      })),
    );
    expect(loaded.warnings).toContain(`chart-beside-rendered/chart/values.yaml: skipped: ${HELM_HINT}`);
    expect(loaded.refused).toEqual([]);
    expect(loaded.snapshot.roles.map((role) => `${role.metadata.namespace}/${role.metadata.name}`)).toEqual(["monitoring/reporter"]);
    expect(loaded.snapshot.roleBindings).toHaveLength(1);
    expect(loaded.snapshot.serviceAccounts).toHaveLength(1);
  });

  it("skips kustomization.yaml with what to run instead, and reads the resources beside it as written", async () => {
    const loaded = await load(["kustomize-folder"]);
    expect(loaded.skipped.map((skip) => skip.file)).toEqual(["kustomize-folder/kustomization.yaml"]);
    expect(loaded.skipped[0]?.reason).toContain("`kustomize build`");
    expect(loaded.snapshot.clusterRoleBindings.map((binding) => binding.metadata.name)).toEqual(["ingest"]);
  });

  it("audits an old chart's rbac v1beta1 objects, warning at each that current servers refuse it", async () => {
    const loaded = await load(["old-chart-v1beta1"]);
    expect(loaded.refused).toEqual([]);
    expect(loaded.snapshot.clusterRoleBindings.map((binding) => binding.roleRef.name)).toEqual(["cluster-admin"]);
    expect(loaded.warnings.filter((warning) => warning.includes("v1beta1 is no longer served"))).toEqual([
      expect.stringMatching(/^old-chart-v1beta1\/rendered\.yaml:8: ClusterRoleBinding "tiller": /),
      expect.stringMatching(/^old-chart-v1beta1\/rendered\.yaml:21: Role "config-reader": /),
    ]);
  });

  it("accepts YAML merge keys (<<) as kubectl does", async () => {
    const loaded = await load(["merge-keys"]);
    expect(loaded.refused).toEqual([]);
    expect(loaded.snapshot.clusterRoles[0]?.rules).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
    ]);
    expect(loaded.snapshot.clusterRoleBindings[0]?.metadata.labels).toEqual({ "example.org/owner": "shop-team", tier: "backend" });
  });

  it("refuses one broken document with file and line while loading every other object", async () => {
    const loaded = await load(["one-broken-file"]);
    expect(loaded.refused).toEqual([
      { file: "one-broken-file/b-broken.yaml", document: 1, line: 24, column: 3, message: "YAML syntax: bad indentation of a sequence entry" },
    ]);
    // The good document of the broken file is kept, and both other files.
    expect(loaded.snapshot.roles.map((role) => role.metadata.name)).toEqual(["log-reader", "secret-reader"]);
    expect(loaded.snapshot.clusterRoleBindings.map((binding) => binding.metadata.name)).toEqual(["deployer-admin"]);
    expect(loaded.snapshot.roleBindings.map((binding) => binding.metadata.name)).toEqual(["secret-reader"]);
  });

  it("throws the refusal by default (callers that cannot report it)", async () => {
    const error = await loadManifests(["one-broken-file"], { cwd: PIPELINES }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ file: "one-broken-file/b-broken.yaml", line: 24, column: 3 });
  });

  it("refuses input with no Kubernetes object at all: an empty file, empty stdin, only chart sources", async () => {
    expect((await load(["empty"])).refused).toEqual([
      { file: "empty", message: expect.stringContaining("no Kubernetes object in empty/rendered.yaml") as string },
    ]);
    const stdin = await loadManifests(["-"], { stdin: Readable.from([]), refused: "return" });
    expect(stdin.refused.map((refused) => refused.message)).toEqual([expect.stringMatching(/^no Kubernetes object in standard input: .*`helm template`/)]);
    const chartOnly = await load(["chart-beside-rendered/chart"]);
    expect(chartOnly.refused.map((refused) => refused.message)).toEqual([expect.stringContaining("(5 skipped, see the warnings)")]);
    await expect(loadManifests(["-"], { stdin: Readable.from([]) })).rejects.toMatchObject({ code: "E_NO_OBJECTS", file: "-" });
  });

  it("refuses an unrendered template outside a chart folder, saying to render it", async () => {
    const loaded = await loadManifests(["-"], {
      stdin: Readable.from(["apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }\n"]),
      refused: "return",
    });
    expect(loaded.refused[0]?.message).toContain("audit the output of `helm template`");
  });

  it("places objects without a namespace in the default namespace given (kubectl apply -n), counting them", async () => {
    const placed = await load(["no-namespace"], { defaultNamespace: "team" });
    expect([...placed.snapshot.roles, ...placed.snapshot.roleBindings, ...placed.snapshot.serviceAccounts].map((object) => object.metadata.namespace)).toEqual([
      "team",
      "team",
      "team",
    ]);
    expect(placed.defaulted).toEqual({ namespace: "team", objects: 3 });
    // The subject keeps no namespace: the authorizer reads it as the binding's.
    expect(placed.snapshot.roleBindings[0]?.subjects).toEqual([{ kind: "ServiceAccount", name: "builder" }]);
    expect((await load(["no-namespace"])).defaulted).toEqual({ namespace: "default", objects: 3 });
  });

  it("keeps the last of two objects with the same kind, namespace and name, naming both places", async () => {
    const loaded = await load(["duplicates"]);
    expect(loaded.snapshot.roles.map((role) => role.rules[0]?.resources)).toEqual([["secrets"]]);
    expect(loaded.warnings).toEqual([
      "Role shop/app is given twice, at duplicates/a-first.yaml:1 and at duplicates/b-second.yaml:2: the last one is audited, as kubectl apply would leave it",
    ]);
  });

  it("reads a file given twice (directly and in its folder) once", async () => {
    const loaded = await load(["duplicates/a-first.yaml", "duplicates"]);
    expect(loaded.files).toEqual(["duplicates/a-first.yaml", "duplicates/b-second.yaml"]);
    expect(loaded.warnings[0]).toBe("duplicates/a-first.yaml is given more than once: read once");
    expect(loaded.snapshot.roleBindings).toHaveLength(1);
  });
});
