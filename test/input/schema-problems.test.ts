import { Ajv } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { allowedProperties, describeSchemaProblem, fieldName, pointerSegments, schemaProblems } from "../../src/input/schema-problems.js";
import { parseValidatedYaml } from "../../src/input/validated-yaml.js";
import { positionAt } from "../../src/input/yaml-position.js";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["items"],
  properties: {
    items: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: { type: "string", pattern: "^[a-z]+$", "x-pattern-meaning": "lowercase letters" },
          size: { enum: ["small", "large"] },
          code: { type: "string", pattern: "^[0-9]+$" },
          kind: { type: "string" },
        },
      },
    },
  },
};
const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);

describe("pointerSegments and fieldName", () => {
  it("read ajv's instance and schema paths, escapes and indexes included", () => {
    expect(pointerSegments("")).toEqual([]);
    expect(pointerSegments("/rules/0/a~1b~0c")).toEqual(["rules", 0, "a/b~c"]);
    expect(pointerSegments("#/$defs/x")).toEqual(["$defs", "x"]);
    expect(fieldName(["rules", 0, "verbs"])).toBe("rules[0].verbs");
    expect(fieldName([])).toBe("(document)");
  });
});

describe("schemaProblems", () => {
  it("says each problem once, in one wording, naming the field and pointing at a key or a value", () => {
    const data = { items: [{ nam: "x", size: "huge", code: "x1" }, { name: "A" }], extra: 1 };
    expect(validate(data)).toBe(false);
    const problems = schemaProblems(validate.errors ?? [], data);
    expect(problems.map(describeSchemaProblem).sort()).toEqual(
      [
        "extra: unknown field",
        "items[0].name: required field is missing",
        'items[0].nam: unknown field; did you mean "name"?',
        'items[0].size: "huge" is not one of: small, large',
        'items[0].code: "x1" must match ^[0-9]+$',
        'items[1].name: "A" must be lowercase letters',
      ].sort(),
    );
    expect(problems.find((problem) => problem.field === "items[0].nam")).toMatchObject({ path: ["items", 0, "nam"], atKey: true });
    expect(problems.find((problem) => problem.field === "items[0].name")).toMatchObject({ path: ["items", 0], atKey: false });
  });

  it("says who needs a missing field when the file kind knows, and a wrong top level is the file's problem", () => {
    const data = { items: [{ size: "small" }] };
    validate(data);
    const [problem] = schemaProblems(validate.errors ?? [], data, { decidedBy: (path) => (path[0] === "items" ? 'item kind "x"' : undefined) });
    expect(problem && describeSchemaProblem(problem)).toBe('items[0].name: required field is missing (item kind "x" needs it)');
    validate([1]);
    expect(schemaProblems(validate.errors ?? [], [1]).map(describeSchemaProblem)).toEqual(["the file must be a mapping, not [1]"]);
  });
});

describe("allowedProperties", () => {
  const definitions = { $defs: { "a/b": { properties: { one: {}, two: {} }, additionalProperties: false } } };

  it("reads the properties next to the additionalProperties keyword an ajv error points at (JSON pointer escapes too)", () => {
    expect(allowedProperties(definitions, "#/$defs/a~1b/additionalProperties")).toEqual(["one", "two"]);
  });

  it("is empty for any other path", () => {
    expect(allowedProperties(definitions, "#/$defs/a~1b/required")).toEqual([]);
    expect(allowedProperties(definitions, "#/$defs/missing/additionalProperties")).toEqual([]);
    expect(allowedProperties(definitions, "other.json#/x/additionalProperties")).toEqual([]);
  });
});

describe("positionAt", () => {
  const text = "items:\n  - name: a\n    nam: b\n";
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });

  it("points at a value, at a key, and at the deepest ancestor of a missing path", () => {
    expect(positionAt(document, lines, ["items", 0, "nam"])).toEqual({ line: 3, column: 10 });
    expect(positionAt(document, lines, ["items", 0, "nam"], { key: true })).toEqual({ line: 3, column: 5 });
    expect(positionAt(document, lines, ["items", 0, "missing", "deeper"])).toEqual({ line: 2, column: 5 });
    expect(positionAt(document, lines, [])).toEqual({ line: 1, column: 1 });
  });
});

describe("parseValidatedYaml", () => {
  it("locates every schema problem as file:line:column, sorted, and gives no value", () => {
    const read = parseValidatedYaml("items:\n  - name: B\n    nam: b\n", "f.yaml", validate);
    expect(read.value).toBeUndefined();
    expect(read.problems).toEqual([
      { file: "f.yaml", line: 2, column: 11, message: 'items[0].name: "B" must be lowercase letters' },
      { file: "f.yaml", line: 3, column: 5, message: 'items[0].nam: unknown field; did you mean "name"?' },
    ]);
  });

  it("stops at a YAML problem before the schema, and skips the schema for a trusted file", () => {
    expect(parseValidatedYaml("a: 1\na: 2\n", "f.yaml", validate).problems).toMatchObject([{ file: "f.yaml", line: 2 }]);
    expect(parseValidatedYaml("anything: 1\n", "f.yaml", undefined)).toMatchObject({ value: { anything: 1 }, problems: [] });
  });
});
