import { NOT_PLAIN, readBlockYaml } from "../input/block-yaml.js";
import { MAX_DEPTH } from "../input/limits.js";
import { NOT_PLAIN_TEXT } from "../input/plain-scalars.js";
import type { Position } from "../input/yaml-position.js";

/*
 * Check files are read with the `yaml` package (YAML 1.2, core schema: input/validated-yaml.ts), which
 * loads on first use: its pack, its modules and the parse cost a `run` with a check file about 5 ms
 * of CPU (bench/startup.mjs, `run (refused), checks: []`), more than the rest of an empty suite's
 * work. Most check files are the plain block YAML input/'s block reader reads without a library,
 * with the core schema's values (null, true/false, decimal integers, strings); `yaml` 1.2 reads
 * that subset alike. What the reader accepts and `yaml` refuses or reads otherwise is left to
 * `yaml`: a key of 1,000 characters or more (an implicit key may have 1,024), a character outside
 * plain text (`NOT_PLAIN_TEXT`), nesting near the depth limit. A check's origin is where `yaml`
 * places it: the line and column of the item's first key (the line after a lone `-`), found by
 * walking the lines the reader read. The check loader takes this value only when it is valid and
 * its ids are unique; any problem is found and located by `yaml`, as before.
 */

/** A check file read without the `yaml` package: its value, and where each item of `checks` starts. */
export interface PlainCheckFile {
  value: unknown;
  /** One per item of a block sequence `checks` (none for `checks: []`), as `positionAt` gives them. */
  checkPositions: Position[];
}

/** Keys this long (or longer) are left to `yaml`, which refuses implicit keys over 1,024 characters. */
const LONG_KEY = 1000;

function hasLongKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasLongKey);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, field]) => key.length >= LONG_KEY || hasLongKey(field));
}

/** A line that holds content (not blank, no comment, no `---`): its number, where it starts and where its text starts and ends. */
interface ContentLine {
  line: number;
  start: number;
  indent: number;
  end: number;
}

/** The lines block-yaml.ts reads, as it picks them (the text is one it read, so nothing here needs checking). */
function contentLines(text: string): ContentLine[] {
  const lines: ContentLine[] = [];
  let number = 0;
  for (let start = 0; start < text.length; ) {
    number++;
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    let first = start;
    while (text.charCodeAt(first) === 32) first++;
    let stop = end;
    while (stop > first && text.charCodeAt(stop - 1) === 32) stop--;
    if (stop > first && text.charCodeAt(first) !== 35 /* # */ && !text.startsWith("---", first)) {
      lines.push({ line: number, start, indent: first - start, end: stop });
    }
    start = end + 1;
  }
  return lines;
}

function isItem(text: string, line: ContentLine): boolean {
  const at = line.start + line.indent;
  return text.charCodeAt(at) === 45 /* - */ && (at + 1 === line.end || text.charCodeAt(at + 1) === 32);
}

/** Where each item of the top-level block sequence `checks` starts; undefined when that is not what the text holds. */
function checkPositions(text: string, count: number): Position[] | undefined {
  const lines = contentLines(text);
  const top = lines[0]?.indent;
  const key = lines.findIndex((line) => line.indent === top && text.startsWith("checks:", line.start + line.indent));
  const keyLine = lines[key];
  const first = lines[key + 1];
  // `checks: [...]` holds no block items; the value then must hold none either.
  if (keyLine === undefined || first === undefined || keyLine.start + keyLine.indent + "checks:".length !== keyLine.end) return undefined;
  const positions: Position[] = [];
  for (let index = key + 1; index < lines.length; index++) {
    const line = lines[index] as ContentLine;
    if (line.indent < first.indent || (line.indent === first.indent && !isItem(text, line))) break;
    if (line.indent > first.indent) continue;
    let value = line.start + line.indent + 1;
    while (text.charCodeAt(value) === 32) value++;
    if (value < line.end) {
      positions.push({ line: line.line, column: value - line.start + 1 });
      continue;
    }
    // A lone `-`: the item is the block on the lines below.
    const below = lines[index + 1];
    if (below === undefined || below.indent <= line.indent) return undefined;
    positions.push({ line: below.line, column: below.indent + 1 });
  }
  return positions.length === count ? positions : undefined;
}

/**
 * The check file in `text` as `yaml` (YAML 1.2, core schema) reads it, with where each check starts,
 * when it is plain block YAML that `yaml` reads alike; else `NOT_PLAIN`.
 */
export function readPlainCheckFile(text: string): PlainCheckFile | typeof NOT_PLAIN {
  if (NOT_PLAIN_TEXT.test(text)) return NOT_PLAIN;
  const facts = { depth: 0, nullFields: false };
  const value = readBlockYaml(text, facts);
  if (value === NOT_PLAIN || facts.depth >= MAX_DEPTH || hasLongKey(value)) return NOT_PLAIN;
  const checks = value !== null && typeof value === "object" ? (value as { checks?: unknown }).checks : undefined;
  if (!Array.isArray(checks) || checks.length === 0) return { value, checkPositions: [] };
  const positions = checkPositions(text, checks.length);
  return positions === undefined ? NOT_PLAIN : { value, checkPositions: positions };
}
