/*
 * A reader for the plain block YAML that kubectl, helm and js-yaml write: nested mappings and
 * sequences by indentation, one-line plain or simply quoted scalars and decimal integers, one-line
 * flow sequences of such scalars (those: plain-scalars.ts). It gives exactly what js-yaml (core
 * schema) gives for that subset, in under half its time (bench/audit.mjs's 76,200 documents: 480 ms
 * CPU against 1,160, garbage collection included; js-yaml was most of that audit's load). Anything
 * else (anchors, tags, block or multi-line scalars, escapes, other numbers, comments after a value,
 * duplicate keys, tabs, CR) makes it give up on the document, and js-yaml reads it as before, errors
 * and all.
 */

import { common, give, isResolvedKey, KEY, NotPlain, scalar } from "./plain-scalars.js";

/** Returned for a document outside the subset. */
export const NOT_PLAIN: unique symbol = Symbol("not plain block YAML");

// The offsets of the document being read, reused by the next (one document is read at a time, to the
// end): 76,200 documents would otherwise leave three growing arrays each to the garbage collector.
let scratch = { starts: new Int32Array(512), ends: new Int32Array(512), indents: new Int32Array(512) };

function grown(): typeof scratch {
  const size = scratch.starts.length * 2;
  const next = { starts: new Int32Array(size), ends: new Int32Array(size), indents: new Int32Array(size) };
  next.starts.set(scratch.starts);
  next.ends.set(scratch.ends);
  next.indents.set(scratch.indents);
  scratch = next;
  return next;
}

/**
 * The document's content lines (comments and blank lines left out) as offsets into its text, each
 * with its indentation (in `scratch`): no string is made of a line, only of its key and value.
 */
class Lines {
  starts = scratch.starts;
  ends = scratch.ends;
  indents = scratch.indents;
  count = 0;
  /** The line being read. */
  at = 0;
  /** Nesting of the collection being read (the document's own is 0), and the deepest met. */
  level = -1;
  deepest = 0;
  /** Some mapping holds a null value. */
  nullFields = false;
  /** Where the value of the entry `key` last read starts on its line. */
  valueStart = 0;
  /** The document starts with its own `---` line. */
  marked = false;

  constructor(readonly text: string) {
    // A tab (indentation YAML forbids, or content) or a CR (a line break to js-yaml too): js-yaml's to read.
    if (text.includes("\t") || text.includes("\r")) give();
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf("\n", start);
      const end = newline === -1 ? text.length : newline;
      let position = start;
      while (text.charCodeAt(position) === 32) position++;
      let stop = end;
      while (stop > position && text.charCodeAt(stop - 1) === 32) stop--;
      const indent = position - start;
      start = end + 1;
      const first = text.charCodeAt(position);
      if (stop === position || first === 35 /* # */) continue;
      if (text.startsWith("---", position) || text.startsWith("...", position) || first === 37 /* % */) {
        // Only the document's own start marker, alone on its line, before any content.
        if (first !== 45 || stop - position !== 3 || indent !== 0 || this.marked || this.count > 0) give();
        this.marked = true;
        continue;
      }
      if (this.count === this.starts.length) ({ starts: this.starts, ends: this.ends, indents: this.indents } = grown());
      this.starts[this.count] = position;
      this.ends[this.count] = stop;
      this.indents[this.count] = indent;
      this.count++;
    }
  }

  /** Line `line` is a sequence item: `-` alone or `- ...`. */
  isItem(line: number): boolean {
    const start = this.starts[line] as number;
    return this.text.charCodeAt(start) === 45 && (start + 1 === this.ends[line] || this.text.charCodeAt(start + 1) === 32);
  }

  /** The key of the entry at `from` on line `line`; its value starts at `valueStart`. */
  key(line: number, from: number): string {
    const { text } = this;
    const end = this.ends[line] as number;
    const colon = text.indexOf(":", from);
    if (colon <= from || colon >= end || (colon + 1 < end && text.charCodeAt(colon + 1) !== 32)) give();
    // A common word is a valid key as it is; a quoted key is not read here (`KEY` refuses it).
    const word = text.charCodeAt(from) === 39 || text.charCodeAt(from) === 34 ? undefined : common(text, from, colon);
    const key = word ?? text.slice(from, colon);
    if (word === undefined && (!KEY.test(key) || isResolvedKey(key) || key === "__proto__")) give();
    let value = colon + 1;
    while (value < end && text.charCodeAt(value) === 32) value++;
    this.valueStart = value;
    return key;
  }
}

function block(lines: Lines, indent: number): unknown {
  return lines.isItem(lines.at) ? sequence(lines, indent) : mapping(lines, indent);
}

/** Notes that a collection is read, one level below its parent; returns its level. */
function enter(lines: Lines): number {
  const level = ++lines.level;
  if (level > lines.deepest) lines.deepest = level;
  return level;
}

/** Notes a flow collection (`[]`, `{}`, `[a, b]`) a scalar gave, one level below `level`. */
function noteScalar(lines: Lines, value: unknown, level: number): unknown {
  if (typeof value === "object" && value !== null && level + 1 > lines.deepest) lines.deepest = level + 1;
  return value;
}

function sequence(lines: Lines, indent: number): unknown[] {
  const level = enter(lines);
  const items: unknown[] = [];
  const { text, starts, ends, indents, count } = lines;
  while (lines.at < count && indents[lines.at] === indent && lines.isItem(lines.at)) {
    const start = starts[lines.at] as number;
    const end = ends[lines.at] as number;
    if (start + 1 === end) {
      // `-` alone: the item is the block below, or null.
      lines.at++;
      items.push(lines.at < count && (indents[lines.at] as number) > indent ? block(lines, indents[lines.at] as number) : null);
      continue;
    }
    let rest = start + 1;
    while (text.charCodeAt(rest) === 32) rest++;
    const first = text.charCodeAt(rest);
    if (first === 45 && (rest + 1 === end || text.charCodeAt(rest + 1) === 32)) give();
    const colon = text.indexOf(":", rest);
    // A quoted item is a scalar (a quoted key gives up in `quoted`); else a colon and a space make an entry.
    if (first !== 39 && first !== 34 && colon > rest && colon < end && (colon + 1 === end || text.charCodeAt(colon + 1) === 32)) {
      // `- key: value`: a mapping whose keys stand where `key` does.
      indents[lines.at] = indent + rest - start;
      starts[lines.at] = rest;
      items.push(mapping(lines, indent + rest - start));
      continue;
    }
    items.push(common(text, rest, end) ?? noteScalar(lines, scalar(text.slice(rest, end)), level));
    lines.at++;
    if (lines.at < count && (indents[lines.at] as number) > indent) give();
  }
  lines.level--;
  // Grown by push, a short list keeps room for 16 or more items for as long as the object lives (and is
  // copied with it by the garbage collector); an exact copy keeps none.
  return items.slice();
}

function mapping(lines: Lines, indent: number): Record<string, unknown> {
  const level = enter(lines);
  const object: Record<string, unknown> = {};
  const { text, starts, ends, indents, count } = lines;
  while (lines.at < count && indents[lines.at] === indent && !lines.isItem(lines.at)) {
    const key = lines.key(lines.at, starts[lines.at] as number);
    const valueStart = lines.valueStart;
    const end = ends[lines.at] as number;
    if (Object.hasOwn(object, key)) give();
    lines.at++;
    const next = lines.at < count ? (indents[lines.at] as number) : -1;
    let value: unknown = null;
    if (valueStart < end) {
      value = common(text, valueStart, end) ?? noteScalar(lines, scalar(text.slice(valueStart, end)), level);
      if (next > indent) give();
    } else if (next > indent) value = block(lines, next);
    else if (next === indent && lines.isItem(lines.at)) value = sequence(lines, indent);
    if (value === null) lines.nullFields = true;
    object[key] = value;
  }
  lines.level--;
  return object;
}

/** What a document read holds that manifests/limits.ts's walk looks for: how deep it nests, and null fields. */
export interface PlainFacts {
  /** Nesting of its deepest collection, the document's own being 0 (as `checkAndNormalize` counts). */
  depth: number;
  /** Some mapping has a null value (`checkAndNormalize` deletes such fields). */
  nullFields: boolean;
}

/**
 * The document in `text` (one document, as split.ts cuts them), as js-yaml's core schema reads it,
 * or `NOT_PLAIN` when it uses anything outside the subset this reader knows. `facts`, when given, is
 * filled in for a document read (it holds no alias: none is read here).
 */
export function readBlockYaml(text: string, facts?: PlainFacts): unknown {
  try {
    const lines = new Lines(text);
    if (lines.count === 0) return lines.marked ? null : NOT_PLAIN;
    const value = block(lines, lines.indents[0] as number);
    if (facts) {
      facts.depth = lines.deepest;
      facts.nullFields = lines.nullFields;
    }
    return lines.at === lines.count ? value : NOT_PLAIN;
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return NOT_PLAIN;
    throw error;
  }
}
