import { LineCounter, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { describeParseError, inspectDocument, toJsWithinLimits } from "../../src/input/yaml-limits.js";

function parse(text: string, uniqueKeys = false) {
  const lines = new LineCounter();
  return { document: parseDocument(text, { lineCounter: lines, uniqueKeys, prettyErrors: false }), lines };
}

const nested = (levels: number): string => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

describe("toJsWithinLimits", () => {
  it("converts a document within the limits", () => {
    const { document, lines } = parse("a: &x [1, 2]\nb: *x\nc: {d: e}\n");
    expect(toJsWithinLimits(document, lines)).toEqual({ value: { a: [1, 2], b: [1, 2], c: { d: "e" } }, duplicateKeys: [] });
  });

  it("accepts 64 levels below the top and refuses 65, at the collection that is one too deep (as for manifests)", () => {
    const ok = parse(`x: ${nested(64)}\n`);
    expect(toJsWithinLimits(ok.document, ok.lines)).toHaveProperty("value");
    const deep = parse(`x: ${nested(65)}\n`);
    expect(toJsWithinLimits(deep.document, deep.lines)).toEqual({ problem: { line: 1, column: 68, message: "nested deeper than 64 levels" } });
  });

  it("reports an alias bomb at its first alias instead of throwing", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 6 }, (_, index) => `${"bcdefg"[index]}: &${"bcdefg"[index]} [${Array(10).fill(`*${"abcdef"[index]}`).join(", ")}]`),
    ].join("\n");
    const { document, lines } = parse(bomb);
    expect(toJsWithinLimits(document, lines)).toEqual({
      problem: { line: 2, column: 8, message: "YAML aliases expand to too much data (more than 100 alias uses; an alias bomb?)" },
    });
  });
});

describe("mapping keys that are not plain text", () => {
  it("are a located problem, never a key made of raw bytes or a stringified list (found by the loader fuzz test)", () => {
    const cases: [string, { line: number; column: number; message: string }][] = [
      ["!!binary checks:\n", { line: 1, column: 10, message: "a mapping key must be plain text, not a !!binary value" }],
      ["a: 1\n? [x, y]\n: 2\n", { line: 2, column: 3, message: "a mapping key must be plain text, not a list or mapping" }],
      ["a: &list [1]\n*list : 2\n", { line: 2, column: 1, message: "a mapping key must be plain text, not an alias of a list, mapping or tagged value" }],
      ["outer:\n  {k: v}: 1\n", { line: 2, column: 3, message: "a mapping key must be plain text, not a list or mapping" }],
    ];
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listener);
    try {
      for (const [text, problem] of cases) {
        const { document, lines } = parse(text);
        expect(toJsWithinLimits(document, lines), text).toEqual({ problem });
      }
    } finally {
      process.off("warning", listener);
    }
    expect(warnings).toEqual([]);
  });

  it("accepts plain keys of every scalar kind, and an alias of one", () => {
    const { document, lines } = parse("a: &name plain\n1: number\ntrue: boolean\n*name : aliased\n");
    expect(toJsWithinLimits(document, lines)).toEqual({ value: { a: "plain", 1: "number", true: "boolean", plain: "aliased" }, duplicateKeys: [] });
  });
});

describe("inspectDocument", () => {
  it("finds every repeated key, where it is repeated, in nested mappings too", () => {
    const { document, lines } = parse("a: 1\nb:\n  c: 2\n  c: 3\na: 4\nlist:\n  - {x: 1, x: 2}\n");
    expect(inspectDocument(document, lines).duplicateKeys).toEqual([
      { line: 4, column: 3, message: 'duplicate key "c"' },
      { line: 5, column: 1, message: 'duplicate key "a"' },
      { line: 7, column: 12, message: 'duplicate key "x"' },
    ]);
  });

  it("describes the parser's own stack overflow on 100,000 levels as too deep nesting", () => {
    const deep = parse(nested(100_000));
    const error = deep.document.errors[0];
    expect(error && describeParseError(error)).toBe("nested deeper than 64 levels");
  });
});
