import { InputError } from "../model/errors.js";

/*
 * Turns a file's bytes into text the way kubectl's YAML reader (go-yaml) does, but with a located
 * sentence instead of a silent U+FFFD: UTF-8 (with or without a BOM), or UTF-16 with a BOM; no
 * UTF-32; no control characters outside tab, LF and CR (YAML's printable set, which JSON's is
 * within). A binary file stops at its first NUL byte.
 */

/** A 1-based line and column in decoded text. */
export interface TextPosition {
  line: number;
  column: number;
}

// YAML 1.2 c-printable, negated: C0 controls but tab/LF/CR, DEL, C1 controls but NEL, and the noncharacters U+FFFE/U+FFFF.
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/** Line and column (in characters, counting from 1) of `index` in `text`; CRLF counts as one line end. */
export function positionInText(text: string, index: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < index; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: [...text.slice(lineStart, index)].length + 1 };
}

function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Length of the valid UTF-8 prefix of `bytes` (the offset of the first bad byte sequence). */
function validUtf8Prefix(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] as number;
    const [length, low, high] =
      lead < 0x80
        ? [1, 0, 0]
        : lead >= 0xc2 && lead <= 0xdf
          ? [2, 0x80, 0xbf]
          : lead === 0xe0
            ? [3, 0xa0, 0xbf]
            : lead === 0xed
              ? [3, 0x80, 0x9f]
              : lead >= 0xe1 && lead <= 0xef
                ? [3, 0x80, 0xbf]
                : lead === 0xf0
                  ? [4, 0x90, 0xbf]
                  : lead === 0xf4
                    ? [4, 0x80, 0x8f]
                    : lead >= 0xf1 && lead <= 0xf3
                      ? [4, 0x80, 0xbf]
                      : [0, 0, 0];
    if (length === 0 || index + length > bytes.length) return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next] as number;
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte < min || byte > max) return index;
    }
    index += length;
  }
  return index;
}

function positionOfByte(bytes: Uint8Array, offset: number): TextPosition {
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
  return positionInText(before, before.length);
}

function invalidUtf8(bytes: Uint8Array, file: string): InputError {
  const offset = validUtf8Prefix(bytes);
  const where = positionOfByte(bytes, offset);
  const shown = Array.from(bytes.subarray(offset, offset + 4), (byte) => byte.toString(16).padStart(2, "0")).join(" ");
  return new InputError(
    `is not valid UTF-8: bad byte sequence (${shown}) at byte offset ${offset}; save the file as UTF-8`,
    { file, ...where },
    { code: "E_ENCODING" },
  );
}

function decodeStrictly(encoding: "utf-8" | "utf-16le" | "utf-16be", bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    if (encoding === "utf-8") throw invalidUtf8(bytes, file);
    throw new InputError(
      `is not valid ${encoding.toUpperCase()} (it starts with a UTF-16 byte order mark); save the file as UTF-8`,
      { file, line: 1, column: 1 },
      { code: "E_ENCODING" },
    );
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * Decodes a YAML or JSON file's bytes. A UTF-8 BOM is dropped; UTF-16 with a BOM is decoded (go-yaml,
 * and so kubectl, reads it); UTF-32, invalid UTF-8, NUL bytes and control characters are an
 * `InputError` naming the file, the line and column and (for bad UTF-8) the byte offset.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  if (startsWith(bytes, [0x00, 0x00, 0xfe, 0xff]) || startsWith(bytes, [0xff, 0xfe, 0x00, 0x00])) {
    throw new InputError(
      "is UTF-32 text, which YAML readers (kubectl's too) do not support; save the file as UTF-8",
      { file, line: 1, column: 1 },
      { code: "E_ENCODING" },
    );
  }
  const utf16 = startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
  const nul = utf16 ? -1 : bytes.indexOf(0);
  if (nul !== -1) {
    // Checked before decoding: a binary file is more often called binary than "bad UTF-8 at byte 8".
    // ASCII in UTF-16 has a zero in every other byte, starting with the first or the second.
    const guess = bytes.length > 1 && (bytes[0] === 0) !== (bytes[1] === 0) ? "UTF-16 without a byte order mark?" : "a binary file?";
    throw new InputError(
      `is not text: it contains a NUL byte at byte offset ${nul} (${guess}); give a YAML or JSON file in UTF-8`,
      { file, ...positionOfByte(bytes, nul) },
      { code: "E_ENCODING" },
    );
  }
  const text = startsWith(bytes, [0xff, 0xfe])
    ? decodeStrictly("utf-16le", bytes.subarray(2), file)
    : startsWith(bytes, [0xfe, 0xff])
      ? decodeStrictly("utf-16be", bytes.subarray(2), file)
      : decodeStrictly("utf-8", bytes, file);
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const bad = NOT_PRINTABLE.exec(body);
  if (bad) {
    const character = bad[0];
    const where = positionInText(body, bad.index);
    throw new InputError(
      `contains the control character ${codePointName(character)}, which YAML and JSON do not allow in a file`,
      { file, ...where },
      { code: "E_ENCODING" },
    );
  }
  return body;
}
