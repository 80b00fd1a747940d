import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR, loadCatalogue } from "../../src/audit/files/catalogue.js";
import { InputError } from "../../src/model/errors.js";

function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-rules-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const VALID_RULE = `rules:
  - id: my-rule
    title: Reads configmaps
    severity: low
    cis: none
    rationale: because
    remediation: Do not.
    match:
      kind: permissions
      anyOf:
        - { verbs: [get], apiGroups: [""], resources: [configmaps] }
`;

describe("loadCatalogue", () => {
  it("loads the built-in catalogue, every rule with a CIS item and a remediation sentence", () => {
    const { rules } = loadCatalogue();
    expect(rules.length).toBeGreaterThanOrEqual(20);
    const ids = rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rules) {
      expect(rule.remediation.trim().endsWith(".")).toBe(true);
      expect(rule.cis).toMatch(/^(5\.1\.\d+|none)$/);
    }
    expect(ids).toContain("cluster-admin-binding");
    expect(rules.find((rule) => rule.id === "cluster-admin-binding")?.cis).toBe("5.1.1");
  });

  it("loads a user's folder next to the built-in one", () => {
    const { rules } = loadCatalogue([ruleDir({ "mine.yaml": VALID_RULE })]);
    expect(rules.map((rule) => rule.id)).toEqual(["my-rule"]);
  });

  it("reports every problem at once with file, line and column", () => {
    const dir = ruleDir({
      "a.yaml": VALID_RULE.replace("severity: low", "severity: urgent").replace("Do not.", "Do not"),
      "b.yaml": VALID_RULE.replace("kind: permissions", "kind: permissions\n      extra: 1"),
      "c.yaml": "rules: [\n",
    });
    let error: unknown;
    try {
      loadCatalogue([dir]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message).toMatch(/a\.yaml:4:15: rules\[0\]\.severity: "urgent" is not one of: critical, high/);
    expect(message).toMatch(/a\.yaml:7:18: rules\[0\]\.remediation: "Do not" must be sentences ending with a full stop/);
    expect(message).toMatch(/b\.yaml:10:7: rules\[0\]\.match\.extra: unknown field/);
    expect(message).toMatch(/c\.yaml:\d+:\d+: /);
  });

  it("refuses a rule id defined twice", () => {
    const dir = ruleDir({ "a.yaml": VALID_RULE, "b.yaml": VALID_RULE });
    expect(() => loadCatalogue([dir])).toThrow(/rule id "my-rule" is already defined in .*a\.yaml/);
  });
});

describe("the built-in catalogue", () => {
  it("validates against the schema and reads exactly as the validated path reads it", () => {
    // A copy of the built-in folder elsewhere is a user's rule folder: read with the YAML document
    // API and checked by ajv. The built-in folder itself is read on the fast path.
    const copy = mkdtempSync(join(tmpdir(), "saprobe-builtin-copy-"));
    const files = readdirSync(BUILTIN_RULES_DIR).filter((name) => name.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const name of files) writeFileSync(join(copy, name), readFileSync(join(BUILTIN_RULES_DIR, name)));
    const withoutFile = (rules: ReturnType<typeof loadCatalogue>["rules"]) => rules.map(({ file, ...rule }) => ({ ...rule, file: basename(file ?? "") }));
    const fast = loadCatalogue([BUILTIN_RULES_DIR]).rules;
    const validated = loadCatalogue([copy]).rules;
    expect(withoutFile(fast)).toEqual(withoutFile(validated));
    expect(fast.length).toBe(validated.length);
  });
});
