/*
 * A reader for the plain block YAML that kubectl, helm and js-yaml write: nested mappings and
 * sequences by indentation, one-line plain or simply quoted scalars and decimal integers, one-line
 * flow sequences of such scalars. It gives exactly what js-yaml (core schema) gives for that subset,
 * in about 57% of its time (bench/audit.mjs's 76,200 documents: 660 ms CPU against 1,160, garbage
 * collection included; js-yaml was most of that audit's load). Anything else (anchors, tags, block
 * or multi-line scalars, escapes, other numbers, comments after a value, duplicate keys, tabs, CR)
 * makes it give up on the document, and js-yaml reads it as before, errors and all.
 */

/** Returned for a document outside the subset. */
export const NOT_PLAIN: unique symbol = Symbol("not plain block YAML");

class NotPlain extends Error {}

const NULLS = new Set(["~", "null", "Null", "NULL"]);
const BOOLEANS = new Map([
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);
// A key the core schema keeps a string of itself (not null, a boolean, a number or a merge).
const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const FLOW_ITEM = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
// Characters that start something other than a plain string: indicators, numbers (but the integers above); `~` is null.
const NOT_STRING_START = new Set("-?:,[]{}#&*!|>'\"%@`+.0123456789");

function give(): never {
  throw new NotPlain();
}

// Decimal integers the core schema reads as such, short enough to be exact (ports, replicas).
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

function resolvePlain(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (INTEGER.test(text)) return Number(text);
  const bool = BOOLEANS.get(text);
  if (bool !== undefined) return bool;
  return text;
}

function quoted(text: string): string {
  const quote = text[0] as string;
  const inner = text.slice(1, -1);
  // One line, closed at its end, nothing to unescape.
  if (text.length < 2 || text[text.length - 1] !== quote || inner.includes(quote) || (quote === '"' && inner.includes("\\"))) give();
  return inner;
}

function flowSequence(text: string): unknown[] {
  if (text[text.length - 1] !== "]") give();
  const inner = spacesOff(text.slice(1, -1));
  if (inner === "") return [];
  return inner.split(",").map((raw) => {
    const item = spacesOff(raw);
    if (item[0] === "'" || item[0] === '"') return quoted(item);
    if (!FLOW_ITEM.test(item) && !INTEGER.test(item)) give();
    return resolvePlain(item);
  });
}

function scalar(text: string): unknown {
  const first = text[0] as string;
  if (first === "'" || first === '"') return quoted(text);
  if (text === "{}") return {};
  if (first === "[") return flowSequence(text);
  if (INTEGER.test(text)) return Number(text);
  if (NOT_STRING_START.has(first) || text.includes("#") || text.includes(": ") || text[text.length - 1] === ":") give();
  return resolvePlain(text);
}

const isItem = (content: string): boolean => content === "-" || content.startsWith("- ");

/** `text` without the spaces (U+0020 only, as YAML) at its start and end. */
function spacesOff(text: string): string {
  let start = 0;
  let end = text.length;
  while (text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The document's content lines (comments and blank lines left out), each with its indentation. */
class Lines {
  indents: number[] = [];
  contents: string[] = [];
  at = 0;
  /** The document starts with its own `---` line. */
  marked = false;

  constructor(text: string) {
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf("\n", start);
      const end = newline === -1 ? text.length : newline;
      let position = start;
      while (text.charCodeAt(position) === 32) position++;
      const indent = position - start;
      let stop = end;
      while (stop > position && text.charCodeAt(stop - 1) === 32) stop--;
      const content = text.slice(position, stop);
      start = end + 1;
      if (content === "" || content[0] === "#") continue;
      if (content.includes("\t") || content.includes("\r")) give();
      if (content.startsWith("---") || content.startsWith("...") || content[0] === "%") {
        // Only the document's own start marker, alone on its line, before any content.
        if (content !== "---" || indent !== 0 || this.marked || this.contents.length > 0) give();
        this.marked = true;
        continue;
      }
      this.indents.push(indent);
      this.contents.push(content);
    }
  }
}

function entry(content: string): [string, string] {
  const colon = content.indexOf(":");
  if (colon <= 0 || (colon + 1 < content.length && content[colon + 1] !== " ")) give();
  const key = content.slice(0, colon);
  if (!KEY.test(key) || NULLS.has(key) || BOOLEANS.has(key) || key === "__proto__") give();
  return [key, spacesOff(content.slice(colon + 1))];
}

function block(lines: Lines, indent: number): unknown {
  return isItem(lines.contents[lines.at] as string) ? sequence(lines, indent) : mapping(lines, indent);
}

function sequence(lines: Lines, indent: number): unknown[] {
  const items: unknown[] = [];
  const { indents, contents } = lines;
  while (lines.at < contents.length && indents[lines.at] === indent && isItem(contents[lines.at] as string)) {
    const content = contents[lines.at] as string;
    if (content === "-") {
      lines.at++;
      items.push(lines.at < contents.length && (indents[lines.at] as number) > indent ? block(lines, indents[lines.at] as number) : null);
      continue;
    }
    let column = 1;
    while (content[column] === " ") column++;
    const rest = content.slice(column);
    const colon = rest.indexOf(":");
    if (isItem(rest)) give();
    // A quoted item is a scalar (a quoted key gives up in `quoted`); else a colon and a space make an entry.
    if (colon > 0 && (colon + 1 === rest.length || rest[colon + 1] === " ") && rest[0] !== "'" && rest[0] !== '"') {
      // `- key: value`: a mapping whose keys stand where `key` does.
      indents[lines.at] = indent + column;
      contents[lines.at] = rest;
      items.push(mapping(lines, indent + column));
      continue;
    }
    items.push(scalar(rest));
    lines.at++;
    if (lines.at < contents.length && (indents[lines.at] as number) > indent) give();
  }
  return items;
}

function mapping(lines: Lines, indent: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const { indents, contents } = lines;
  while (lines.at < contents.length && indents[lines.at] === indent && !isItem(contents[lines.at] as string)) {
    const [key, text] = entry(contents[lines.at] as string);
    if (Object.hasOwn(object, key)) give();
    lines.at++;
    const next = lines.at < contents.length ? (indents[lines.at] as number) : -1;
    if (text !== "") {
      object[key] = scalar(text);
      if (next > indent) give();
    } else if (next > indent) object[key] = block(lines, next);
    else if (next === indent && isItem(contents[lines.at] as string)) object[key] = sequence(lines, indent);
    else object[key] = null;
  }
  return object;
}

/**
 * The document in `text` (one document, as split.ts cuts them), as js-yaml's core schema reads it,
 * or `NOT_PLAIN` when it uses anything outside the subset this reader knows.
 */
export function readBlockYaml(text: string): unknown {
  try {
    const lines = new Lines(text);
    if (lines.contents.length === 0) return lines.marked ? null : NOT_PLAIN;
    const value = block(lines, lines.indents[0] as number);
    return lines.at === lines.contents.length ? value : NOT_PLAIN;
  } catch (error) {
    if (error instanceof NotPlain || error instanceof RangeError) return NOT_PLAIN;
    throw error;
  }
}
