import { describe, expect, it } from "vitest";
import { scanJson, type JsonScan } from "../../src/manifests/json-scan.js";

/*
 * Differential test of the JSON scan against a plain reference: a recursive parser that builds
 * real key strings (JSON.parse decodes each key) and compares them with a Set per object.
 */

interface Position {
  line: number;
  column: number;
}

function reference(text: string, maxDepth: number): JsonScan {
  let index = 0;
  const itemOffsets: number[] = [];
  const positionOf = (offset: number): Position => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
  };
  class Stop {
    constructor(readonly scan: JsonScan) {}
  }
  const skipSpace = (): void => {
    while (index < text.length && " \t\r\n".includes(text[index] as string)) index++;
  };
  const readString = (): string => {
    const start = index;
    index++;
    while (text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
    index++;
    return JSON.parse(text.slice(start, index)) as string;
  };
  const value = (depth: number, inRootItems: boolean): void => {
    skipSpace();
    const char = text[index];
    if (char === '"') {
      readString();
      return;
    }
    if (char !== "{" && char !== "[") {
      while (index < text.length && !",}] \t\r\n".includes(text[index] as string)) index++;
      return;
    }
    if (depth >= maxDepth) throw new Stop({ tooDeep: positionOf(index), itemLines: [] });
    if (char === "{" && inRootItems) itemOffsets.push(index);
    index++;
    skipSpace();
    if (char === "[") {
      if (text[index] === "]") {
        index++;
        return;
      }
      for (;;) {
        value(depth + 1, false);
        skipSpace();
        if (text[index++] === "]") return;
      }
    }
    const seen = new Set<string>();
    if (text[index] === "}") {
      index++;
      return;
    }
    for (;;) {
      skipSpace();
      const keyAt = index;
      const key = readString();
      if (seen.has(key)) throw new Stop({ duplicate: { ...positionOf(keyAt), key }, itemLines: [] });
      seen.add(key);
      skipSpace();
      index++; // :
      skipSpace();
      if (depth === 0 && key === "items" && text[index] === "[") {
        // The root List's items: objects directly inside get their lines.
        index++;
        skipSpace();
        if (text[index] === "]") index++;
        else
          for (;;) {
            value(depth + 2, true);
            skipSpace();
            if (text[index++] === "]") break;
          }
        if (depth + 1 >= maxDepth) throw new Stop({ tooDeep: positionOf(keyAt), itemLines: [] });
      } else value(depth + 1, false);
      skipSpace();
      if (text[index++] === "}") return;
    }
  };
  try {
    value(0, false);
  } catch (stop) {
    if (stop instanceof Stop) return stop.scan;
    throw stop;
  }
  return { itemLines: itemOffsets.map((offset) => positionOf(offset).line) };
}

/** A small deterministic generator (no dependency on Math.random, so failures reproduce). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYS = ["a", "b", "name", "na\\u006de", "items", "it\\u0065ms", "x\\\\y", "x\\\\\\\\y", '\\"q', "kind", "é"];

function generate(next: () => number, depth: number): string {
  const roll = next();
  if (depth > 5 || roll < 0.3) return [`"s\\"${Math.floor(next() * 9)}"`, "1", "true", "null", '"{[,]}"'][Math.floor(next() * 5)] as string;
  const space = next() < 0.5 ? "\n" + "  ".repeat(depth + 1) : "";
  const count = Math.floor(next() * 4);
  if (roll < 0.55) return `[${Array.from({ length: count }, () => space + generate(next, depth + 1)).join(",")}]`;
  const keys = Array.from({ length: count }, () => KEYS[Math.floor(next() * KEYS.length)] as string);
  return `{${keys.map((key) => `${space}"${key}": ${generate(next, depth + 1)}`).join(",")}}`;
}

describe("scanJson", () => {
  it("finds what a straightforward parser finds, on 3,000 generated documents", () => {
    let checked = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      const body = generate(next, 1);
      const text = next() < 0.5 ? `{\n  "kind": "List",\n  "items": [\n    ${body},\n    {"b": ${body}}\n  ]\n}` : body;
      const maxDepth = 2 + Math.floor(next() * 6);
      expect(scanJson(text, maxDepth), `seed ${seed}: ${text}`).toEqual(reference(text, maxDepth));
      checked++;
    }
    expect(checked).toBe(3000);
  });

  it("compares keys after decoding escapes, and reports the decoded key where the duplicate stands", () => {
    expect(scanJson('{"name": 1,\n "na\\u006de": 2}', 64)).toEqual({ duplicate: { line: 2, column: 2, key: "name" }, itemLines: [] });
    expect(scanJson('{"x\\\\y": 1, "x\\\\\\\\y": 2, "x\\u005cy": 3}', 64).duplicate?.key).toBe("x\\y");
    expect(scanJson('{"ab": 1, "ba": 2, "a": {"ab": 3}}', 64).duplicate).toBeUndefined();
  });

  it("gives the line of each item of the top-level items array only", () => {
    const text = '{"kind": "List", "items": [\n{"a": {"items": [{}]}},\n\n{}\n], "other": [{}]}';
    expect(scanJson(text, 64).itemLines).toEqual([2, 4]);
  });
});
