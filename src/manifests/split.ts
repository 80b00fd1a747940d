/*
 * Splits a YAML stream into documents at `---` lines without parsing it, so each document's first
 * line is known for free. In YAML a line starting with `---` followed by a space, a tab or the end
 * of the line is always a document marker (it cannot occur inside any scalar), so this is exact.
 */

/** One document's text and where it starts in the file. */
export interface DocumentText {
  text: string;
  /** 1-based line of the first line of `text` in the file. */
  startLine: number;
}

// `---` starts a document; `...` ends one, so whatever follows it (directives, a bare document) starts the next.
// A line starts after LF or CR only: U+2028 and U+2029 are content in YAML 1.2, so no `m` flag.
const MARKER = /(?<![^\n\r])(?:---(?=[ \t\r\n]|$)|\.\.\.(?=[ \t\r\n]|$)[^\n]*(?:\n|$))/g;

/** True when the text holds nothing but blank lines, comments and directives (no content). */
function isPreamble(text: string): boolean {
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#") && !trimmed.startsWith("%")) return false;
  }
  return true;
}

/** The documents of a YAML stream, in order. Leading comments and directives stay attached to the document they precede. */
export function splitDocuments(text: string): DocumentText[] {
  const pieces: DocumentText[] = [];
  let start = 0;
  let line = 1;
  let counted = 0;
  const lineAt = (offset: number): number => {
    for (let index = text.indexOf("\n", counted); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) line++;
    counted = offset;
    return line;
  };
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match !== null; match = MARKER.exec(text)) {
    const split = match[0].startsWith("---") ? match.index : match.index + match[0].length;
    if (split === 0 || split === start || split >= text.length) continue;
    pieces.push({ text: text.slice(start, split), startLine: lineAt(start) });
    start = split;
  }
  pieces.push({ text: text.slice(start), startLine: lineAt(start) });
  // A preamble (comments, %YAML directives) belongs to the next document, not a document of its own.
  const merged: DocumentText[] = [];
  let carry: DocumentText | undefined;
  for (const piece of pieces) {
    if (carry) {
      merged.push({ text: carry.text + piece.text, startLine: carry.startLine });
      carry = undefined;
    } else if (!piece.text.startsWith("---") && isPreamble(piece.text) && piece !== pieces[pieces.length - 1]) {
      carry = piece;
    } else {
      merged.push(piece);
    }
  }
  if (carry) merged.push(carry);
  return merged;
}
