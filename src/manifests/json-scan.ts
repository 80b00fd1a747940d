/*
 * One linear pass over a JSON text that does what JSON.parse cannot: finds duplicate keys (which
 * JSON.parse silently drops) and nesting deeper than the limit (before JSON.parse could overflow
 * the stack), and records the line of each object in the top-level `items` array, so a `kind: List`
 * file gets per-object source lines. Strings are skipped with indexOf; valid JSON has no raw
 * newline inside a string, so counting newlines outside strings counts lines.
 */

/** What the scan found. Positions are 1-based. */
export interface JsonScan {
  duplicate?: { line: number; column: number; key: string };
  tooDeep?: { line: number; column: number };
  /** Line of each object directly inside the top-level object's `items` array. */
  itemLines: number[];
}

const QUOTE = 34;
const BACKSLASH = 92;

function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let slashes = 0;
    for (let back = end - 1; text.charCodeAt(back) === BACKSLASH; back--) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (text.charCodeAt(index) === BACKSLASH) return true;
  return false;
}

function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * The keys of the open objects, as offsets into the text (a stack: an object's keys sit above its
 * parent's). Keys are compared where they stand, so a 40 MB List costs no string per key.
 */
class KeyStack {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  escaped = new Uint8Array(256);
  top = 0;

  push(start: number, end: number, escaped: boolean): void {
    if (this.top === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(array: T, make: (length: number) => T): T => {
        const bigger = make(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      this.starts = grow(this.starts, (length) => new Int32Array(length));
      this.ends = grow(this.ends, (length) => new Int32Array(length));
      this.escaped = grow(this.escaped, (length) => new Uint8Array(length));
    }
    this.starts[this.top] = start;
    this.ends[this.top] = end;
    this.escaped[this.top] = escaped ? 1 : 0;
    this.top++;
  }

  /** Whether the key at [start, end) equals one of the keys from position `from` up (escapes decoded). */
  includes(text: string, from: number, start: number, end: number, escaped: boolean): boolean {
    const length = end - start;
    for (let index = from; index < this.top; index++) {
      const otherStart = this.starts[index] as number;
      const otherEnd = this.ends[index] as number;
      if (escaped || this.escaped[index] === 1) {
        if (decodeKey(text.slice(start, end)) === decodeKey(text.slice(otherStart, otherEnd))) return true;
        continue;
      }
      if (otherEnd - otherStart !== length) continue;
      let same = true;
      for (let offset = 0; offset < length; offset++) {
        if (text.charCodeAt(start + offset) !== text.charCodeAt(otherStart + offset)) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    return false;
  }
}

/** 1-based line and column of each offset (offsets ascending), counting newlines with indexOf. */
function positionsOf(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const positions: { line: number; column: number }[] = [];
  let line = 1;
  let lineStart = 0;
  // The next newline is searched once and remembered: a one-line file must not be rescanned per offset.
  let next = text.indexOf("\n");
  for (const offset of offsets) {
    while (next !== -1 && next < offset) {
      line++;
      lineStart = next + 1;
      next = text.indexOf("\n", lineStart);
    }
    positions.push({ line, column: offset - lineStart + 1 });
  }
  return positions;
}

/** Scans `text` (assumed JSON; garbage just yields a meaningless but harmless result). */
export function scanJson(text: string, maxDepth: number): JsonScan {
  // One entry per open object or array, by depth: no object per level, no string per key.
  const isObject = new Uint8Array(maxDepth + 1);
  const expectKey = new Uint8Array(maxDepth + 1);
  const firstKey = new Int32Array(maxDepth + 1);
  const keys = new KeyStack();
  const itemOffsets: number[] = [];
  let depth = 0;
  // The `items` array of the top-level object, while it is open.
  let inItems = false;
  let rootKeyIsItems = false;
  const stop = (offset: number): { line: number; column: number } => positionsOf(text, [offset])[0] as { line: number; column: number };
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 32) continue;
    if (code === QUOTE) {
      const end = endOfString(text, index);
      if (depth > 0 && expectKey[depth] === 1) {
        const escaped = hasBackslash(text, index + 1, end);
        if (keys.includes(text, firstKey[depth] as number, index + 1, end, escaped)) {
          const raw = text.slice(index + 1, end);
          return { duplicate: { ...stop(index), key: escaped ? decodeKey(raw) : raw }, itemLines: [] };
        }
        keys.push(index + 1, end, escaped);
        expectKey[depth] = 0;
        if (depth === 1)
          rootKeyIsItems = escaped ? decodeKey(text.slice(index + 1, end)) === "items" : end - index - 1 === 5 && text.startsWith("items", index + 1);
      }
      index = end;
    } else if (code === 123 || code === 91) {
      // { or [
      if (depth >= maxDepth) return { tooDeep: stop(index), itemLines: [] };
      if (code === 123 && inItems && depth === 2) itemOffsets.push(index);
      depth++;
      isObject[depth] = code === 123 ? 1 : 0;
      expectKey[depth] = code === 123 ? 1 : 0;
      firstKey[depth] = keys.top;
      if (code === 91 && depth === 2 && isObject[1] === 1 && rootKeyIsItems) inItems = true;
    } else if (code === 125 || code === 93) {
      if (depth === 0) continue;
      keys.top = firstKey[depth] as number;
      if (depth === 2 && inItems) inItems = false;
      depth--;
    } else if (code === 44) {
      if (depth > 0 && isObject[depth] === 1) expectKey[depth] = 1;
    }
  }
  return { itemLines: positionsOf(text, itemOffsets).map((position) => position.line) };
}
