import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readTextFile } from "../../src/input/read-text-file.js";
import { NOT_PLAIN, readBlockYaml } from "../../src/input/block-yaml.js";
import { splitDocuments } from "../../src/manifests/split.js";
import { checkAndNormalize } from "../../src/manifests/limits.js";
import { applyYamlEdits, yamlEdits } from "../support/yaml-edits.js";

// The plain block reader must give exactly what js-yaml gives (the schema the loader uses), or give up:
// compared on js-yaml's own dumps in several styles, on those dumps broken at random, and on cases
// picked by hand. It must also not give up on the styles manifests are written in.

const SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [(jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge] });

function jsYamlReads(text: string): { value: unknown } | "error" {
  try {
    const values = jsYaml.loadAll(text, undefined, { schema: SCHEMA });
    return values.length === 1 ? { value: values[0] } : "error";
  } catch {
    return "error";
  }
}

/** How many texts `agrees` saw read (not given up on), so a test can hold that it compared values at all. */
const seen = { read: 0 };

/** True when manifests/limits.ts's walk would delete a field of `value` (one whose value is null). */
function hasNullField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullField);
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some((item) => item === null || hasNullField(item));
}

function agrees(text: string): boolean {
  const facts = { depth: -1, nullFields: false };
  const read = readBlockYaml(text, facts);
  if (read === NOT_PLAIN) return true;
  seen.read++;
  // The facts that let the loader skip its walk are the walk's own findings.
  if (read !== null && typeof read === "object") {
    const limits = { maxFileBytes: 1, maxAliases: 0 };
    expect(checkAndNormalize(structuredClone(read), { ...limits, maxDepth: facts.depth }, false), text).toBeUndefined();
    expect(checkAndNormalize(structuredClone(read), { ...limits, maxDepth: facts.depth - 1 }, false), text).toBeDefined();
    expect(facts.nullFields, text).toBe(hasNullField(read));
  }
  const expected = jsYamlReads(text);
  expect(expected, text).not.toBe("error");
  expect(read, text).toStrictEqual((expected as { value: unknown }).value);
  return true;
}

const tricky = fc.constantFrom(
  "true",
  "True",
  "FALSE",
  "null",
  "Null",
  "~",
  "",
  " ",
  "a: b",
  "a #b",
  "a#b",
  "-x",
  "--region",
  "-n",
  "-e5",
  "-E+1",
  "--",
  "-x:y",
  "-x: y",
  "-é",
  "x-",
  "x:",
  "x:y",
  "it's",
  'say "hi"',
  "é",
  "0",
  "12",
  "012",
  "0x1F",
  "1.5",
  ".inf",
  "+1",
  "-1",
  "1_000",
  "_1",
  "[x]",
  "{}",
  "[]",
  "*",
  "&a",
  "!x",
  "|",
  ">",
  "%x",
  "@x",
  "`x",
  "a\\b",
  ", ",
  "x,y",
  " lead",
  "trail ",
  "?x",
  "? x",
  "---",
  "...",
  "a\u00a0",
  "<<",
  "__proto__",
  "on",
  "yes",
  "2024-01-01",
  "rbac.authorization.k8s.io",
  "system:masters",
);
const word = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9.-]{0,10}$/),
  // Words the reader keeps as constants (and their neighbours), and the quoted values it knows.
  fc.constantFrom(
    "apiVersion",
    "kind",
    "rules",
    "verbs",
    "v1",
    "rbac.authorization.k8s.io/v1",
    "Role",
    "get",
    "list",
    "secrets",
    "*",
    "",
    "gets",
    "lis",
    "v1x",
  ),
);
// Mostly what manifests hold, so that many documents are read; the rest makes the reader give up or must not.
const scalar = fc.oneof(
  { arbitrary: word, weight: 12 },
  { arbitrary: tricky, weight: 1 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
  { arbitrary: fc.integer({ min: -5, max: 100_000 }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const key = fc.oneof(
  { arbitrary: word, weight: 12 },
  { arbitrary: fc.constantFrom("apiVersion", "kind", "true", "True", "null", "0", "1", "a b", "a:b", "__proto__", "<<", "é", "-a", "x.y/z"), weight: 2 },
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
})).map;
const style = fc.record({
  noArrayIndent: fc.boolean(),
  flowLevel: fc.constantFrom(-1, -1, 1, 2),
  forceQuotes: fc.boolean(),
  quotingType: fc.constantFrom("'" as const, '"' as const),
  indent: fc.constantFrom(2, 4),
  marker: fc.boolean(),
  comment: fc.boolean(),
});

type Style = typeof style extends fc.Arbitrary<infer T> ? T : never;

function dump(document: object, options: Style): string {
  const body = jsYaml.dump(document, { schema: SCHEMA, lineWidth: -1, ...options });
  return `${options.comment ? "# a comment\n" : ""}${options.marker ? "---\n" : ""}${body}`;
}

describe("readBlockYaml", () => {
  it("reads js-yaml's dumps as js-yaml does, in every style, or gives up", () => {
    seen.read = 0;
    fc.assert(
      fc.property(value, style, (document, options) => agrees(dump(document, options))),
      { numRuns: 2000 },
    );
    expect(seen.read).toBeGreaterThan(300);
  });

  it("reads broken dumps as js-yaml does, or gives up (never a value where js-yaml fails)", () => {
    seen.read = 0;
    const edits = yamlEdits(["delete", "space", "unspace", "colon", "dash", "duplicate", "quote", "tab", "hash"]);
    fc.assert(
      fc.property(value, style, edits, (document, options, edit) => agrees(applyYamlEdits(dump(document, options), edit))),
      { numRuns: 2000 },
    );
    expect(seen.read).toBeGreaterThan(50);
  });

  it.each([
    "a: b\n b2: c",
    "a:\n  b: 1\n c: 2",
    "a: 1\n- x",
    "a: b\na: c",
    "True: x",
    "a: True",
    "a: NULL",
    "a: [True, FALSE, ~]",
    "a: [x, 'y', \"z\", true, null, 8]",
    "a: [x,]",
    "a: x # c",
    "a: 'it''s'",
    "a:\n  -\n  - b",
    "- a: 1\n  b:\n  - c\n- d",
    "a: |\n  x",
    "key: value\n---\nb: c",
    "---\n",
    "# only",
    "a: x\u00a0",
    "a: x\u2028--- y",
    "\u00a0a: 1",
  ])("%j", (text) => {
    expect(agrees(text)).toBe(true);
  });

  it("reads every document of the repository's YAML fixtures as js-yaml does, or gives up", () => {
    const root = join(import.meta.dirname, "../../fixtures");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((name) => /\.ya?ml$/.test(name));
    seen.read = 0;
    for (const name of files) {
      let text: string;
      try {
        // As the loader reads them: text the strict decoder refuses (control characters, binary) never reaches a parser.
        text = readTextFile(join(root, name), { what: "fixture", maxBytes: 16 * 2 ** 20 });
      } catch {
        continue;
      }
      for (const piece of splitDocuments(text)) agrees(piece.text);
    }
    expect(seen.read).toBeGreaterThan(200);
  });

  it("reads the block styles of js-yaml, kubectl and helm, and one-line flow lists", () => {
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "app-0", namespace: "team-0000", labels: { "app.kubernetes.io/name": "app-0" } },
      rules: [
        { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["*"], resources: ["*"], verbs: ["*"], resourceNames: ["true", "8080"] },
      ],
    };
    for (const options of [{}, { noArrayIndent: true }, { indent: 4 }, { forceQuotes: true, quotingType: '"' as const }]) {
      const text = jsYaml.dump(role, { schema: SCHEMA, lineWidth: -1, ...options });
      expect(readBlockYaml(`# Source: chart/templates/role.yaml\n---\n${text}`), text).toStrictEqual(role);
    }
    expect(readBlockYaml('rules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: [get, list]\n')).toStrictEqual({
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    });
  });
});
