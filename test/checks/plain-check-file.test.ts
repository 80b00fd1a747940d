import fc from "fast-check";
import jsYaml from "js-yaml";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument, stringify } from "yaml";
import { parseCheckFile } from "../../src/checks/load.js";
import { readPlainCheckFile } from "../../src/checks/plain-check-file.js";
import { checkFileValidator } from "../../src/checks/validate.js";
import { NOT_PLAIN } from "../../src/input/block-yaml.js";
import { positionAt } from "../../src/input/yaml-position.js";
import { applyYamlEdits, yamlEdits } from "../support/yaml-edits.js";

// The check-file fast path must give exactly what the `yaml` package gives as the check loader calls
// it (YAML 1.2, core schema, unique keys): the same value and, for every item of `checks`, the same
// line and column (a check's origin), or give up. Compared on the repository's YAML files, on check
// files written by several writers in several styles, on those broken at random, and on cases picked
// by hand.

/** The `yaml` package's reading, as input/validated-yaml.ts asks for it, or "error". */
function yamlReads(text: string): { value: unknown; positions: { line: number; column: number }[] } | "error" {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) return "error";
  const value = document.toJS({ maxAliasCount: 100 });
  const checks = (value as { checks?: unknown } | null)?.checks;
  const count = Array.isArray(checks) ? checks.length : 0;
  return { value, positions: Array.from({ length: count }, (_, index) => positionAt(document, lines, ["checks", index])) };
}

const seen = { read: 0 };

function agrees(text: string): boolean {
  const read = readPlainCheckFile(text);
  if (read === NOT_PLAIN) return true;
  seen.read++;
  const expected = yamlReads(text);
  expect(expected, text).not.toBe("error");
  const { value, positions } = expected as Exclude<typeof expected, "error">;
  expect(read.value, text).toStrictEqual(value);
  // Positions are promised for a block list of checks (a flow list or no list has none to give).
  if (read.checkPositions.length > 0 || positions.length === 0) expect(read.checkPositions, text).toStrictEqual(positions);
  return true;
}

const tricky = fc.constantFrom(
  ...["true", "True", "FALSE", "null", "Null", "~", "", " ", "a: b", "a #b", "a#b", "-x", "--region", "-e5", "x:", "x:y"],
  ...["it's", 'say "hi"', "é", "—", "0", "12", "012", "0x1F", "1.5", ".inf", "+1", "-1", "1_000", "[x]", "{}", "[]", "*", "&a"],
  ...["!x", "|", ">", "%x", "@x", "`x", "a\\b", "x,y", " lead", "trail ", "? x", "---", "...", "<<", "__proto__", "yes", "on"],
  ...["2024-01-01", "/healthz", "a\u0085b", "a\u2028b", "\ufeffa", "a\u0001", "x".repeat(1030)],
);
const word = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9 .,/-]{0,12}$/),
  fc.constantFrom("get", "list", "secrets", "pods", "allowed", "denied", "high", "info", "raw", "access-review", "", "*"),
);
const scalar = fc.oneof(
  { arbitrary: word, weight: 10 },
  { arbitrary: tricky, weight: 2 },
  { arbitrary: fc.integer({ min: -5, max: 100_000 }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const field = fc.constantFrom("id", "title", "probe", "expect", "severity", "remediation", "resource", "namespace", "path", "timeoutSeconds");
const key = fc.oneof({ arbitrary: field, weight: 8 }, { arbitrary: word, weight: 2 }, { arbitrary: tricky, weight: 1 });
const nested = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 3 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 3 }),
})).node;
// A check: its fields, sometimes `reviews` (a list of maps) or a `body` of anything.
const check = fc.record(
  {
    id: scalar,
    title: scalar,
    probe: scalar,
    reviews: fc.array(fc.dictionary(key, scalar, { maxKeys: 3 }), { maxLength: 3 }),
    body: nested,
    extra: fc.dictionary(key, scalar, { maxKeys: 3 }),
  },
  { requiredKeys: ["id"] },
);
const document = fc.oneof(
  { arbitrary: fc.record({ checks: fc.array(check, { maxLength: 4 }) }), weight: 8 },
  { arbitrary: fc.dictionary(key, nested, { maxKeys: 3 }), weight: 1 },
);

/** Block YAML that quotes only what must be, each collection item either `- key: value` or a lone `-` over its block. */
function unquoted(node: unknown, indent: string, lone: boolean): string {
  const plain = (item: unknown) => (typeof item === "string" && /^[^\n'"]*$/.test(item) && item.trim() === item && item !== "" ? item : JSON.stringify(item));
  const collection = (item: unknown) => item !== null && typeof item === "object" && Object.keys(item).length > 0;
  if (Array.isArray(node)) {
    return node
      .map((item) => {
        if (!collection(item)) return `${indent}- ${plain(item)}\n`;
        const below = unquoted(item, `${indent}  `, lone);
        return lone ? `${indent}-\n${below}` : `${indent}- ${below.slice(indent.length + 2)}`;
      })
      .join("");
  }
  return Object.entries(node as Record<string, unknown>)
    .map(([name, item]) =>
      collection(item) ? `${indent}${plain(name)}:\n${unquoted(item, `${indent}  `, lone)}` : `${indent}${plain(name)}: ${plain(item)}\n`,
    )
    .join("");
}

const writer = fc.constantFrom(
  (value: object) => stringify(value, { lineWidth: 0 }),
  (value: object) => stringify(value, { lineWidth: 0, indentSeq: false }),
  (value: object) => stringify(value, { lineWidth: 0, indent: 4, defaultStringType: "QUOTE_SINGLE" }),
  (value: object) => jsYaml.dump(value, { lineWidth: -1 }),
  (value: object) => jsYaml.dump(value, { lineWidth: -1, noArrayIndent: true, flowLevel: 3 }),
  (value: object) => jsYaml.dump(value, { lineWidth: -1, indent: 4, forceQuotes: true, quotingType: '"' }),
  (value: object) => `# checks\n---\n${unquoted(value, "", false)}`,
  (value: object) => unquoted(value, "", true),
);

describe("readPlainCheckFile", () => {
  it("reads what YAML writers write as the yaml package does, positions included, or gives up", () => {
    seen.read = 0;
    fc.assert(
      fc.property(document, writer, (value, write) => agrees(write(value))),
      { numRuns: 3000 },
    );
    expect(seen.read).toBeGreaterThan(600);
  });

  it("reads broken check files as the yaml package does, or gives up (never a value where it fails)", () => {
    seen.read = 0;
    const edits = yamlEdits(["delete", "space", "unspace", "colon", "dash", "duplicate", "quote", "tab", "hash", "insert"]);
    fc.assert(
      fc.property(document, writer, edits, tricky, (value, write, edit, inserted) => agrees(applyYamlEdits(write(value), edit, inserted))),
      { numRuns: 3000 },
    );
    expect(seen.read).toBeGreaterThan(100);
  });

  it.each([
    "checks: []\n",
    "checks: []",
    "---\nchecks: []\n",
    "# a suite of none\nchecks:   []   \n",
    "checks:\n- id: a\n- id: b\n",
    "checks:\n  - id: a\n\n    # between\n    title: x\n  -   id: b\n",
    "checks:\n-\n  # first\n  id: a\n-\n\n  id: b\n",
    "checks:\n- id: a\n  reviews:\n  - verb: get\n- id: b\n",
    "  checks:\n  - id: a\n",
    "checks:\n- id: a\nother: 1\n",
    "other:\n- checks: 1\nchecks:\n- id: a\n",
    "checks: [a, b]\n",
    "checks:\n- a\n- [b]\n- {}\n",
    "checks:\n-\n- id: a\n",
    "checks:\n- id: a\n  id: b\n",
    "checks:\n- id: 'a'\n  title: \"b c\"\n",
    "checks:\n- id: a # comment\n",
    `checks:\n- ${"k".repeat(1030)}: 1\n`,
    `checks:\n- id: a\n  body:\n    ${"k".repeat(1030)}: 1\n`,
    "checks:\n- id: a\u0085b\n",
    "\ufeffchecks: []\n",
    "checks: []\n---\nchecks: []\n",
    "checks: ~\n",
    "checks:\n",
    "",
    "---\n",
  ])("%j", (text) => {
    expect(agrees(text)).toBe(true);
  });

  it("reads the repository's YAML files as the yaml package does, or gives up, and reads its check files", () => {
    const root = join(import.meta.dirname, "../..");
    seen.read = 0;
    const checkFiles: string[] = [];
    for (const folder of ["checks", "fixtures", "test"]) {
      for (const name of readdirSync(join(root, folder), { recursive: true, encoding: "utf8" }).filter((file) => /\.ya?ml$/.test(file))) {
        const text = readFileSync(join(root, folder, name), "utf8");
        agrees(text);
        if (/^checks:/m.test(text) && yamlReads(text) !== "error") checkFiles.push(join(folder, name));
      }
    }
    expect(checkFiles.length).toBeGreaterThan(3);
    // The check fixtures are plain block YAML: the fast path reads them. (The shipped suite's folded
    // `>-` remediations are not: the build reads it, into dist/precompiled/.)
    for (const file of ["fixtures/checks/good.yaml", "fixtures/checks/override.yaml"]) {
      expect(readPlainCheckFile(readFileSync(join(root, file), "utf8")), file).not.toBe(NOT_PLAIN);
    }
    expect(seen.read).toBeGreaterThan(50);
  });
});

describe("parseCheckFile", () => {
  // Valid checks (unique ids), so that the comparison below is of values and origins, not of problems.
  const text = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9 .,/-]{0,15}$/), fc.constantFrom("it's", "true", "12", "é—x", "a: b", "x # y"));
  const validCheck = fc.oneof(
    fc.record({
      id: fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/),
      title: text,
      probe: fc.constant("get"),
      resource: fc.constantFrom("pods", "secrets"),
      name: text,
    }),
    fc.record({
      id: fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/),
      title: text,
      probe: fc.constant("access-review"),
      reviews: fc.array(fc.record({ verb: fc.constantFrom("get", "list"), resource: fc.constantFrom("pods", "secrets"), namespace: text }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  );
  const validFile = fc
    .uniqueArray(validCheck, { selector: (item) => item.id, maxLength: 4 })
    .map((checks) => ({ checks: checks.map((item) => ({ ...item, expect: "denied", severity: "high", remediation: "Fix it." })) }));

  it("gives what the yaml package's reading gives: the same checks, at the same origins", async () => {
    const validate = await checkFileValidator();
    seen.read = 0;
    await fc.assert(
      fc.asyncProperty(validFile, writer, async (value, write) => {
        const written = write(value);
        const expected = yamlReads(written);
        // A writer that quotes nothing writes `true` for "true": then the file means something else.
        if (expected === "error" || !validate(expected.value)) return;
        if (readPlainCheckFile(written) !== NOT_PLAIN) seen.read++;
        const parsed = await parseCheckFile(written, "f.yaml");
        expect(parsed.problems, written).toEqual([]);
        expect(parsed.checks, written).toStrictEqual(
          (expected.value as { checks: object[] }).checks.map((item, index) => ({ ...item, origin: { file: "f.yaml", ...expected.positions[index] } })),
        );
      }),
      { numRuns: 500 },
    );
    expect(seen.read).toBeGreaterThan(200);
  });

  it("takes `checks: []` as valid without the schema, as the schema does", async () => {
    expect((await checkFileValidator())({ checks: [] })).toBe(true);
    expect(await parseCheckFile("checks: []\n", "empty.yaml")).toEqual({ checks: [], problems: [] });
    const other = await parseCheckFile("checks: []\nextra: 1\n", "extra.yaml");
    expect(other.problems.map((problem) => [problem.line, problem.column])).toEqual([[2, 1]]);
  });
});
