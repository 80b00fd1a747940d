import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/input/limits.js";
import { createLocator } from "../../src/manifests/locate.js";
import { parseStream } from "../../src/manifests/parse.js";

// Splitting a stream at `---` / `...` lines before parsing must give exactly what parsing the whole
// stream gives, and each document's line must be where its content starts.

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom("---", "...", "--- x", "a: b", "#x", "|", "- y", "one\n---\ntwo\n", "a\n...\nb"),
);
const value = fc.dictionary(
  fc.constantFrom("name", "kind", "items", "a-b", "x y"),
  fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom("k", "l"), scalar)),
  { minKeys: 1, maxKeys: 4 },
);
const document = fc.record({
  value,
  comment: fc.boolean(),
  sameLine: fc.boolean(),
  flow: fc.boolean(),
  endMarker: fc.boolean(),
  blockStyle: fc.boolean(),
  directive: fc.boolean(),
});

describe("parseStream splitting", () => {
  it("matches js-yaml on the whole stream, for LF and CRLF, with correct first lines", () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 5 }), fc.boolean(), (documents, crlf) => {
        const parts: string[] = [];
        const contentLines: number[] = [];
        let line = 1;
        let ended = false;
        for (const doc of documents) {
          const body = doc.flow
            ? `${JSON.stringify(doc.value)}\n`
            : jsYaml.dump(doc.value, { schema: jsYaml.CORE_SCHEMA, lineWidth: -1, forceQuotes: !doc.blockStyle });
          // A directive may only follow an explicitly ended document (or start the stream).
          const directive = doc.directive && (ended || parts.length === 0);
          if (directive) line++;
          let text = directive ? "%YAML 1.2\n" : "";
          text += doc.comment ? "# a comment\n" : "";
          if (doc.flow && doc.sameLine) {
            text += `--- ${body}`;
            contentLines.push(line + (doc.comment ? 1 : 0));
          } else {
            text += `---\n${body}`;
            contentLines.push(line + (doc.comment ? 2 : 1));
          }
          if (doc.endMarker) text += "...\n";
          ended = doc.endMarker;
          parts.push(text);
          line += text.split("\n").length - 1 - (directive ? 1 : 0);
        }
        const stream = crlf ? parts.join("").replace(/\n/g, "\r\n") : parts.join("");
        const parsed = parseStream(stream, "f.yaml", DEFAULT_LIMITS, createLocator());
        expect(parsed.problems).toEqual([]);
        expect(parsed.documents.map((item) => item.value)).toEqual(jsYaml.loadAll(stream, undefined, { schema: jsYaml.CORE_SCHEMA }));
        expect(parsed.documents.map((item) => item.line)).toEqual(contentLines);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseStream on a stream js-yaml cannot read whole", () => {
  it("locates a broken document and still returns the others", () => {
    const stream = "a: 1\n---\nb: [2\n---\nc: 3\n";
    const parsed = parseStream(stream, "f.yaml", DEFAULT_LIMITS, createLocator());
    expect(parsed.documents.map((item) => [item.document, item.value, item.line])).toEqual([
      [0, { a: 1 }, 1],
      [2, { c: 3 }, 5],
    ]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ document: 1, line: 4 });
  });

  it("reads a --- after U+2028 as content, as js-yaml does (a line starts after LF or CR only)", () => {
    const stream = "a: x\u2028--- y\n---\nb: 2\n";
    const parsed = parseStream(stream, "f.yaml", DEFAULT_LIMITS, createLocator());
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents.map((item) => item.value)).toEqual(jsYaml.loadAll(stream, undefined, { schema: jsYaml.CORE_SCHEMA }));
  });
});
