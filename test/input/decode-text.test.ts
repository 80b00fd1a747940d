import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeText, positionInText } from "../../src/input/decode-text.js";
import { InputError } from "../../src/model/errors.js";

function failure(bytes: Uint8Array): InputError {
  try {
    decodeText(bytes, "f.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("decodeText accepted the bytes");
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");

describe("decodeText", () => {
  it("returns UTF-8 text as is, and drops a UTF-8 byte order mark", () => {
    expect(decodeText(utf8("kind: Role\r\nname: é€😀\n"), "f")).toBe("kind: Role\r\nname: é€😀\n");
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8("a: b\n")]), "f")).toBe("a: b\n");
  });

  it("decodes UTF-16 LE and BE with a byte order mark, as go-yaml (kubectl) does", () => {
    const text = "kind: Role\nname: réader-😀\n";
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), "f")).toBe(text);
    const bigEndian = Buffer.from(text, "utf16le").swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]), "f")).toBe(text);
  });

  it("refuses UTF-32 (kubectl does too) and broken UTF-16", () => {
    expect(failure(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x61, 0, 0, 0])).message).toMatch(/is UTF-32 text/);
    expect(failure(Buffer.from([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x61])).message).toMatch(/is UTF-32 text/);
    // A lone high surrogate (D800) followed by "a".
    expect(failure(Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x61, 0x00])).message).toMatch(/is not valid UTF-16LE/);
  });

  it("names the byte offset, line and column (in characters) of the first bad UTF-8 sequence", () => {
    const bytes = Buffer.concat([utf8("a: b\r\nname: é€"), Buffer.from([0xc3, 0x28]), utf8("\n")]);
    const error = failure(bytes);
    expect(error.message).toBe("is not valid UTF-8: bad byte sequence (c3 28 0a) at byte offset 17; save the file as UTF-8");
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file: "f.yaml", line: 2, column: 9 });
  });

  it.each([
    ["an overlong encoding", [0xc0, 0x80]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a truncated sequence at the end", [0xe2, 0x82]],
    ["a lone continuation byte", [0x80]],
  ])("refuses %s", (_, sequence) => {
    expect(failure(Buffer.concat([utf8("x: "), Buffer.from(sequence)])).message).toMatch(/at byte offset 3;/);
  });

  it("calls a file with a NUL byte binary, or UTF-16 without a byte order mark", () => {
    const binary = failure(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xa5]));
    expect(binary.message).toMatch(/NUL byte at byte offset 7 \(a binary file\?\)/);
    expect([binary.line, binary.column]).toEqual([1, 8]);
    expect(failure(Buffer.from("a: b\n", "utf16le")).message).toMatch(/UTF-16 without a byte order mark/);
  });

  it.each([
    ["ESC", "\x1b", "U+001B"],
    ["DEL", "\x7f", "U+007F"],
    ["a C1 control", "\u0090", "U+0090"],
    ["U+FFFE", "\ufffe", "U+FFFE"],
  ])("refuses the control character %s with its position, never echoing it", (_, character, name) => {
    const error = failure(utf8(`a: b\nname: x${character}[31m\n`));
    expect(error.message).toBe(`contains the control character ${name}, which YAML and JSON do not allow in a file`);
    expect([error.line, error.column]).toEqual([2, 8]);
  });

  it("accepts tab, LF, CR and NEL (YAML's printable set)", () => {
    expect(decodeText(utf8("a:\tb\r\nc: d\u0085\n"), "f")).toBe("a:\tb\r\nc: d\u0085\n");
  });

  it("agrees with the platform's strict decoder on any bytes, and locates every refusal", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        // Skip byte order marks: they switch encodings, which the cases above cover.
        const bytes = raw[0] === 0xff || raw[0] === 0xfe || raw[0] === 0xef || raw[0] === 0x00 ? raw.subarray(1) : raw;
        let strict: string | undefined;
        try {
          strict = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          strict = undefined;
        }
        let decoded: string | undefined;
        let error: InputError | undefined;
        try {
          decoded = decodeText(bytes, "f");
        } catch (thrown) {
          error = thrown as InputError;
        }
        if (decoded !== undefined) {
          expect(decoded).toBe(strict?.replace(/^\uFEFF/, ""));
          return;
        }
        expect(error).toBeInstanceOf(InputError);
        expect(error?.line).toBeGreaterThanOrEqual(1);
        expect(error?.column).toBeGreaterThanOrEqual(1);
        const offset = /at byte offset (\d+)/.exec(error?.message ?? "");
        if (strict === undefined && !bytes.includes(0)) {
          // The valid prefix really is valid, and the reported offset is where strict decoding fails.
          expect(offset).not.toBeNull();
          const at = Number(offset?.[1]);
          expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, at))).not.toThrow();
          expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("positionInText", () => {
  it("counts lines by LF (CRLF included) and columns in code points", () => {
    expect(positionInText("ab\r\n😀x", 6)).toEqual({ line: 2, column: 2 });
    expect(positionInText("abc", 0)).toEqual({ line: 1, column: 1 });
  });
});
