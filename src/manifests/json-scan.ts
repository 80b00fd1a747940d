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

/** An open object (with the keys seen so far) or array. */
interface Frame {
  keys: string[] | undefined;
  expectKey: boolean;
  isItems: boolean;
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

function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
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
  const stack: Frame[] = [];
  const itemOffsets: number[] = [];
  let rootKey = "";
  const stop = (offset: number): { line: number; column: number } => positionsOf(text, [offset])[0] as { line: number; column: number };
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 32) continue;
    if (code === QUOTE) {
      const end = endOfString(text, index);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.expectKey) {
        const raw = text.slice(index + 1, end);
        const key = raw.includes("\\") ? decodeKey(raw) : raw;
        // Kubernetes objects have few keys per level: searching a short list is cheaper than a Set.
        const keys = top.keys as string[];
        if (keys.includes(key)) return { duplicate: { ...stop(index), key }, itemLines: [] };
        keys.push(key);
        top.expectKey = false;
        if (stack.length === 1) rootKey = key;
      }
      index = end;
    } else if (code === 123 || code === 91) {
      // { or [
      if (stack.length >= maxDepth) return { tooDeep: stop(index), itemLines: [] };
      const parent = stack[stack.length - 1];
      if (code === 123) {
        if (parent?.isItems) itemOffsets.push(index);
        stack.push({ keys: [], expectKey: true, isItems: false });
      } else {
        stack.push({ keys: undefined, expectKey: false, isItems: stack.length === 1 && rootKey === "items" });
      }
    } else if (code === 125 || code === 93) {
      stack.pop();
    } else if (code === 44) {
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined) top.expectKey = true;
    }
  }
  return { itemLines: positionsOf(text, itemOffsets).map((position) => position.line) };
}
