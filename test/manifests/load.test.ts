import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/manifests/index.js";
import { InputError } from "../../src/model/errors.js";

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "saprobe-manifests-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

async function loadError(files: Record<string, string>, paths = Object.keys(files), options = {}): Promise<InputError> {
  const cwd = workspace(files);
  const error = await loadManifests(paths, { cwd, ...options }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: team
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
`;

describe("loadManifests", () => {
  it("reads a mounted ConfigMap once: the kubelet's ..data and ..<timestamp> entries are not walked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-configmap-"));
    const stamp = join(dir, "..2026_12_07_05_30_00.123456789");
    mkdirSync(stamp);
    writeFileSync(join(stamp, "rbac.yaml"), "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n");
    symlinkSync("..2026_12_07_05_30_00.123456789", join(dir, "..data"));
    symlinkSync("..data/rbac.yaml", join(dir, "rbac.yaml"));
    const loaded = await loadManifests([dir]);
    expect(loaded.files).toEqual([join(dir, "rbac.yaml")]);
    expect(loaded.snapshot.clusterRoles.map((role) => role.metadata.name)).toEqual(["reader"]);
    expect(loaded.warnings.filter((warning) => /duplicate|twice|replaces/i.test(warning))).toEqual([]);
  });

  it("reads multi-document YAML with comment-only documents, keeping file, line and document", async () => {
    const text = `# leading comment\n---\n# only a comment\n---\n${role}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\n`;
    const { snapshot, files, ignored } = await loadManifests(["a.yaml"], { cwd: workspace({ "a.yaml": text }) });
    expect(files).toEqual(["a.yaml"]);
    expect(ignored).toBe(0);
    expect(snapshot.roles[0]?.source).toEqual({ file: "a.yaml", line: 5, document: 1 });
    expect(snapshot.serviceAccounts[0]?.metadata).toEqual({ name: "bot", namespace: "default" });
    expect(snapshot.serviceAccounts[0]?.source).toEqual({ file: "a.yaml", line: 15, document: 2 });
  });

  it("handles content on the --- line, document end markers (...) and %YAML directives", async () => {
    const text =
      "--- {apiVersion: v1, kind: ServiceAccount, metadata: {name: a, namespace: n}}\n--- # c\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b, namespace: n}\n...\n%YAML 1.2\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: c, namespace: n}\n";
    const { snapshot } = await loadManifests(["edge.yaml"], { cwd: workspace({ "edge.yaml": text }) });
    expect(snapshot.serviceAccounts.map((item) => [item.metadata.name, item.source?.line, item.source?.document])).toEqual([
      ["a", 1, 0],
      ["b", 3, 1],
      ["c", 9, 2],
    ]);
  });

  it("accepts CRLF line endings and a byte-order mark", async () => {
    const text = `\uFEFF${role}---\n${role.replace("reader", "writer")}`.replace(/\n/g, "\r\n");
    const { snapshot } = await loadManifests(["crlf.yaml"], { cwd: workspace({ "crlf.yaml": text }) });
    expect(snapshot.roles.map((item) => [item.metadata.name, item.source?.line])).toEqual([
      ["reader", 1],
      ["writer", 11],
    ]);
    expect(snapshot.roles[0]?.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
  });

  it("unwraps kind: List and *List items, ignores other kinds, reads JSON", async () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "c" }, rules: null },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
      ],
    };
    // As the API returns it: the items carry no kind or apiVersion.
    const roleList = `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBindingList\nitems:\n- metadata: {name: b, namespace: ns1}\n  roleRef: {kind: ClusterRole, name: c}\n`;
    const { snapshot, ignored } = await loadManifests(["list.json", "bindings.yml"], {
      cwd: workspace({ "list.json": JSON.stringify(list, null, "\t"), "bindings.yml": roleList }),
    });
    expect(snapshot.clusterRoles[0]).toMatchObject({ metadata: { name: "c" }, rules: [], source: { file: "list.json" } });
    expect(snapshot.roleBindings[0]).toMatchObject({ metadata: { name: "b", namespace: "ns1" }, subjects: [] });
    expect(ignored).toBe(1);
  });

  it("keeps each Namespace's Pod Security level for the path search, still counted as ignored; refuses labels that are not strings", async () => {
    const namespaces = [
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: open, labels: {team: a}}\n",
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: bare}\n",
    ].join("---\n");
    const { podSecurity, ignored } = await loadManifests(["ns.yaml"], { cwd: workspace({ "ns.yaml": namespaces }) });
    expect([...podSecurity]).toEqual([
      ["locked", "baseline"],
      ["open", ""],
      ["bare", ""],
    ]);
    expect(ignored).toBe(3);
    const error = await loadError({
      "bad.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad\n  labels:\n    pod-security.kubernetes.io/enforce: [baseline]\n",
    });
    expect(error.message).toContain('document 0: Namespace "bad": metadata.labels: must be a map of strings');
    expect(error).toMatchObject({ file: "bad.yaml", line: 6 });
  });

  it("gives each item of a block-style List (kubectl get -o yaml) its own line", async () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: a\n    namespace: n\n# between items\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b, namespace: n}\nmetadata:\n  resourceVersion: ""\n`;
    const { snapshot } = await loadManifests(["list.yaml"], { cwd: workspace({ "list.yaml": `# header\n${text}` }) });
    expect(snapshot.serviceAccounts.map((item) => [item.metadata.name, item.source?.line])).toEqual([
      ["a", 5],
      ["b", 11],
    ]);
  });

  it("reads JSON with JSON.parse, still refusing duplicate keys and giving List items their lines", async () => {
    const list = `{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "namespace": "n"}},\n    {\n      "apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "b\\u0021", "namespace": "n"}\n    }\n  ]\n}\n`;
    const { snapshot } = await loadManifests(["list.json"], { cwd: workspace({ "list.json": list }) });
    expect(snapshot.serviceAccounts.map((item) => [item.metadata.name, item.source?.line])).toEqual([
      ["a", 5],
      ["b!", 6],
    ]);
    const duplicate = await loadError({
      "dup.json": `{\n  "kind": "ServiceAccount",\n  "apiVersion": "v1",\n  "metadata": {"name": "a", "na\\u006de": "b"}\n}`,
    });
    expect([duplicate.line, duplicate.column]).toEqual([4, 29]);
    expect(duplicate.message).toContain('duplicated mapping key "name"');
    const deep = await loadError({ "deep.json": `{"a": ${"[".repeat(5000)}${"]".repeat(5000)}}` });
    expect(deep.message).toContain("nesting deeper than 64 levels");
  });

  it("gives an object a YAML alias repeats its own copy and line (objects are completed in place only when no alias can share them)", async () => {
    const cwd = workspace({
      "list.yaml": "apiVersion: v1\nkind: List\nitems:\n- &sa\n  apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: n}\n- *sa\n",
    });
    const { snapshot, warnings } = await loadManifests(["list.yaml"], { cwd });
    // The same object twice is one object to the apiserver: the last is kept, and both places are named.
    expect(snapshot.serviceAccounts.map((account) => account.source?.line)).toEqual([8]);
    expect(warnings).toEqual([
      "ServiceAccount n/a is given twice, at list.yaml:4 and at list.yaml:8: the last one is audited, as kubectl apply would leave it",
    ]);
    expect(Object.keys(snapshot.serviceAccounts[0] ?? {})).toEqual(["apiVersion", "kind", "metadata", "source"]);
  });

  it("drops null-valued fields of JSON as of YAML (the apiserver treats them as absent)", async () => {
    const cwd = workspace({
      "role.json":
        '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "n", "creationTimestamp": null}, "rules": null}',
    });
    const { snapshot } = await loadManifests(["role.json"], { cwd });
    expect(snapshot.roles[0]?.rules).toEqual([]);
    expect(Object.keys(snapshot.roles[0]?.metadata ?? {})).toEqual(["name", "namespace"]);
  });

  it("walks directories recursively, only .yaml/.yml/.json, in name order", async () => {
    const cwd = workspace({ "dir/b.yaml": role, "dir/sub/a.yml": role.replace("reader", "other"), "dir/notes.txt": "not yaml: [", "dir/c.json": "{}" });
    const skipping = await loadManifests(["dir"], { cwd });
    expect(skipping.skipped).toEqual([{ file: "dir/c.json", reason: expect.stringContaining("no document in it has an apiVersion and a kind") as string }]);
    writeFileSync(join(cwd, "dir/c.json"), JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } }));
    const { files, snapshot } = await loadManifests(["dir"], { cwd });
    expect(files).toEqual(["dir/b.yaml", "dir/c.json", "dir/sub/a.yml"]);
    expect(snapshot.roles.map((item) => item.metadata.name)).toEqual(["reader", "other"]);
  });

  it("reads - from stdin", async () => {
    const { snapshot, files } = await loadManifests(["-"], { stdin: Readable.from([Buffer.from(role)]) });
    expect(files).toEqual(["-"]);
    expect(snapshot.roles[0]?.source?.file).toBe("-");
  });

  it("locates a schema error at the field, with file, document, line and column", async () => {
    const bad = `${role}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: broken\nrules:\n- apiGroups: [""]\n  resources: ["pods"]\n  verbs: get\n`;
    const error = await loadError({ "bad.yaml": bad });
    expect([error.file, error.line, error.column]).toEqual(["bad.yaml", 18, 10]);
    expect(error.message).toContain('document 1: ClusterRole "broken": rules[0].verbs: must be an array, not "get"');
  });

  it("names unknown fields and missing required ones, reporting every problem at once", async () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n  namespace: n\nroleref:\n  kind: Role\n  name: r\n`;
    const error = await loadError({ "b.yaml": text });
    expect([error.line, error.column]).toEqual([1, 1]);
    expect(error.message).toContain('document 0: RoleBinding "b": roleRef: required field is missing');
    expect(error.message).toContain('b.yaml:6:1: document 0: RoleBinding "b": roleref: unknown field; did you mean "roleRef"?');
  });

  it("names the field a typo in a rule was meant to be (verb for verbs), and suggests nothing for a stranger", async () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\nrules:\n- apiGroups: [""]\n  resource: [pods]\n  verb: [get]\n  colour: blue\n`;
    const error = await loadError({ "r.yaml": text });
    expect(error.message).toContain('r.yaml:6:3: document 0: Role "r": rules[0].resource: unknown field; did you mean "resources"?');
    expect(error.message).toContain('r.yaml:7:3: document 0: Role "r": rules[0].verb: unknown field; did you mean "verbs"?');
    expect(error.message).toMatch(/rules\[0\]\.colour: unknown field$/m);
  });

  it("refuses duplicate keys, with the line of the duplicate", async () => {
    const error = await loadError({ "dup.yaml": `${role}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n` });
    expect(error.message).toContain("duplicated mapping key");
    expect([error.line, error.column]).toEqual([15, 3]);
  });

  it("reports YAML syntax errors with line and column", async () => {
    const error = await loadError({ "syntax.yaml": "apiVersion: v1\nkind: [ServiceAccount\nmetadata: {}\n" });
    expect(error.file).toBe("syntax.yaml");
    expect(error.line).toBe(3);
    expect(error.message).toContain("YAML syntax");
  });

  it("enforces the file size, alias and depth limits", async () => {
    expect((await loadError({ "big.yaml": role }, ["big.yaml"], { maxFileBytes: 10 })).message).toContain("larger than the limit of 10 bytes");
    const laughs = [
      "a: &a [x, x]",
      ...Array.from(
        { length: 8 },
        (_, index) =>
          `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [*${String.fromCharCode(97 + index)}, *${String.fromCharCode(97 + index)}]`,
      ),
    ].join("\n");
    expect((await loadError({ "laughs.yaml": `kind: X\napiVersion: v1\n${laughs}\n` })).message).toContain("YAML aliases");
    const deep = `apiVersion: v1\nkind: ConfigMap\ndata: ${"[".repeat(100)}${"]".repeat(100)}\n`;
    expect((await loadError({ "deep.yaml": deep })).message).toContain("nesting deeper than 64 levels");
  });

  it("holds the depth limit and drops null fields in plain block YAML too (read without js-yaml)", async () => {
    const nested = Array.from({ length: 70 }, (_, depth) => `${"  ".repeat(depth)}k${depth}:`).join("\n");
    const deep = `apiVersion: v1\nkind: ConfigMap\ndata:\n${nested.replace(/^/gm, "  ")} x\n`;
    expect((await loadError({ "deep.yaml": deep })).message).toContain("nesting deeper than 64 levels");
    const cwd = workspace({ "nulls.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: c\n  labels:\nrules:\n" });
    const { snapshot } = await loadManifests(["nulls.yaml"], { cwd });
    expect(snapshot.clusterRoles[0]).toMatchObject({ metadata: { name: "c" }, rules: [] });
    expect(snapshot.clusterRoles[0]?.metadata).not.toHaveProperty("labels");
  });

  it("audits rbac v1beta1 (same fields as v1) with a warning that current servers refuse it, and rejects v1alpha1", async () => {
    const cwd = workspace({ "old.yaml": role.replace("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1") });
    const { snapshot, warnings } = await loadManifests(["old.yaml"], { cwd });
    expect(snapshot.roles.map((item) => item.rules[0]?.verbs)).toEqual([["get"]]);
    expect(warnings).toEqual([
      'old.yaml:1: Role "reader": rbac.authorization.k8s.io/v1beta1 is no longer served (removed in Kubernetes 1.22), so current servers refuse it; audited as rbac.authorization.k8s.io/v1, which has the same fields',
    ]);
    const error = await loadError({ "older.yaml": role.replace("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1alpha1") });
    expect(error.message).toContain("use rbac.authorization.k8s.io/v1");
    expect(error.line).toBe(1);
  });

  it("warns, with file and line, about what the apiserver would refuse but evaluates it as written", async () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\nrules:\n- nonResourceURLs: ["/metrics"]\n  verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: bot}\n- {kind: user, name: alice}\n`;
    const { warnings, snapshot } = await loadManifests(["w.yaml"], { cwd: workspace({ "w.yaml": text }) });
    expect(warnings).toEqual([
      "w.yaml:1: Role n/r: rules[0]: nonResourceURLs are not allowed in a Role (namespaced); use a ClusterRole and a ClusterRoleBinding; the apiserver would refuse it",
      "w.yaml:8: ClusterRoleBinding b: subjects[0]: a ServiceAccount subject of a ClusterRoleBinding needs a namespace (without one it matches nobody); the apiserver would refuse it",
      'w.yaml:8: ClusterRoleBinding b: subjects[1]: kind "user" is not User, Group or ServiceAccount (kinds are case-sensitive); it matches nobody; the apiserver would refuse it',
      'w.yaml:8: ClusterRoleBinding b: roleRef.kind must be ClusterRole (it is "Role"); the apiserver would refuse it',
    ]);
    expect(snapshot.roles[0]?.rules[0]?.nonResourceURLs).toEqual(["/metrics"]);
  });

  it("names a missing path", async () => {
    await expect(loadManifests(["nope.yaml"], { cwd: workspace({}) })).rejects.toMatchObject({ message: "no such file or directory", file: "nope.yaml" });
  });
});
