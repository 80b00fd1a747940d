import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadManifests } from "../../src/manifests/index.js";
import { InputError } from "../../src/model/errors.js";

// Properties of the manifest loader. (1) Whatever bytes arrive, it returns objects or throws an
// InputError that names the input and a line; never another exception. (2) Valid RBAC objects,
// written as multi-document YAML, JSON or a List, with CRLF or a BOM, come back exactly as written,
// each with the line its document starts on.

const RUNS = { numRuns: 150 };

function load(text: string | Buffer) {
  return loadManifests(["-"], { stdin: Readable.from([Buffer.from(text)]) });
}

/** Fragments that make YAML parsers work hard: indicators, anchors, tags, tabs, separators. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!binary ",
        "!!map ",
        "? ",
        "|\n",
        ">-\n",
        "#",
        '"',
        "'",
        "\t",
        "  ",
        "\n",
        "---\n",
        "...\n",
        "\r\n",
        "\ufeff",
        "\u0000",
      ),
      fc.constantFrom(
        "apiVersion: rbac.authorization.k8s.io/v1\n",
        "kind: Role\n",
        "kind: List\nitems:\n",
        "metadata:\n  name: x\n",
        "rules:\n",
        "verbs: [get]\n",
        "subjects: null\n",
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("manifest loader properties", () => {
  it("any text or bytes: objects, or an InputError naming the input and a line; nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          yamlish,
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        ),
        async (input) => {
          try {
            const loaded = await load(input);
            expect(loaded.files).toEqual(["-"]);
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
            expect((error as InputError).file).toBe("-");
            expect((error as InputError).line ?? 1).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      RUNS,
    );
  });

  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  const anyText = fc.oneof(
    name,
    fc.string({ minLength: 1, maxLength: 10 }),
    fc.constantFrom("yes", "no", "on", "null", "~", "0x10", "1e3", "true", "*", ": x", "# y", "- z"),
  );
  const rule = fc.oneof(
    fc.record({
      verbs: fc.array(fc.constantFrom("get", "list", "watch", "*"), { minLength: 1, maxLength: 3 }),
      apiGroups: fc.array(fc.constantFrom("", "apps", "*"), { minLength: 1, maxLength: 2 }),
      resources: fc.array(fc.constantFrom("pods", "pods/log", "*"), { minLength: 1, maxLength: 2 }),
      resourceNames: fc.array(anyText, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      verbs: fc.array(fc.constantFrom("get", "post"), { minLength: 1, maxLength: 2 }),
      nonResourceURLs: fc.array(fc.constantFrom("/healthz", "/api/*"), { minLength: 1, maxLength: 2 }),
    }),
  );
  const rbac = "rbac.authorization.k8s.io";
  const subject = fc.oneof(
    fc.record({ kind: fc.constantFrom("User", "Group"), name: anyText, apiGroup: fc.constant(rbac) }),
    fc.record({ kind: fc.constant("ServiceAccount"), name, namespace: name }),
  );
  const object = fc.oneof(
    fc.record({
      apiVersion: fc.constant(`${rbac}/v1`),
      kind: fc.constant("Role"),
      metadata: fc.record({ name, namespace: name }),
      rules: fc.array(rule, { maxLength: 3 }),
    }),
    fc.record({
      apiVersion: fc.constant(`${rbac}/v1`),
      kind: fc.constant("ClusterRole"),
      metadata: fc.record({ name, labels: fc.dictionary(name, anyText, { maxKeys: 2 }) }),
      rules: fc.array(rule, { maxLength: 3 }),
    }),
    fc.record({
      apiVersion: fc.constant(`${rbac}/v1`),
      kind: fc.constant("RoleBinding"),
      metadata: fc.record({ name, namespace: name }),
      subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
      roleRef: fc.record({ apiGroup: fc.constant(rbac), kind: fc.constantFrom("Role", "ClusterRole"), name }),
    }),
    fc.record({
      apiVersion: fc.constant(`${rbac}/v1`),
      kind: fc.constant("ClusterRoleBinding"),
      metadata: fc.record({ name }),
      subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
      roleRef: fc.record({ apiGroup: fc.constant(rbac), kind: fc.constant("ClusterRole"), name }),
    }),
  );
  const layout = fc.constantFrom("yaml", "yaml-crlf", "yaml-bom", "json-list", "yaml-list");

  function render(objects: Record<string, unknown>[], how: string): { text: string; lines: number[] } {
    if (how === "json-list") return { text: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), lines: objects.map(() => 1) };
    if (how === "yaml-list") return { text: stringify({ apiVersion: "v1", kind: "List", items: objects }, { version: "1.1" }), lines: objects.map(() => 1) };
    const lines: number[] = [];
    let next = 1;
    const documents = objects.map((item) => {
      const text = stringify(item, { version: "1.1" });
      lines.push(next + 1);
      next += text.split("\n").length;
      return `---\n${text}`;
    });
    const text = documents.join("");
    if (how === "yaml-crlf") return { text: text.replace(/\n/g, "\r\n"), lines };
    return { text: how === "yaml-bom" ? `\ufeff${text}` : text, lines };
  }

  it("valid objects round-trip through YAML, JSON, List, CRLF and BOM, each with its document's line", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(object, { minLength: 1, maxLength: 5 }), layout, async (objects, how) => {
        const { text, lines } = render(objects, how);
        const { snapshot } = await load(text);
        const loaded = [...snapshot.roles, ...snapshot.clusterRoles, ...snapshot.roleBindings, ...snapshot.clusterRoleBindings];
        const key = (item: { kind: string; metadata: { name: string; namespace?: string } }) =>
          `${item.kind}/${item.metadata.namespace ?? ""}/${item.metadata.name}`;
        const byKey = (items: { kind: string; metadata: { name: string; namespace?: string } }[]) => [...items].sort((a, b) => key(a).localeCompare(key(b)));
        expect(byKey(loaded.map(({ source: _source, ...rest }) => rest))).toEqual(byKey(objects as never[]));
        if (how.startsWith("yaml") && !how.endsWith("list")) {
          for (const item of loaded) expect(item.source?.line).toBe(lines[item.source?.document ?? -1]);
        }
      }),
      RUNS,
    );
  });
});
