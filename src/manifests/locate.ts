import { LineCounter, parseDocument, type Document } from "yaml";
import { positionAt, type Position } from "../input/yaml-position.js";

/*
 * The slow, precise path: only when an error must be pointed at, re-parse that one document with
 * the `yaml` package (which keeps source ranges) and find the line and column of a JSON path.
 */

/** Finds where the value at a JSON path starts in a document's text (or, with `key`, that field's key). */
export type Locator = (documentText: string, path: readonly (string | number)[], options?: { key?: boolean }) => Position;

/**
 * A locator for one load: several problems in the same document re-use one parse of it, and the
 * parse is dropped with the locator. Falls back to the deepest ancestor that exists, then to the
 * document start.
 */
export function createLocator(): Locator {
  let last: { text: string; document: Document; lineCounter: LineCounter } | undefined;
  return (documentText, path, options = {}) => {
    if (last?.text !== documentText) {
      const lineCounter = new LineCounter();
      last = { text: documentText, lineCounter, document: parseDocument(documentText, { lineCounter, uniqueKeys: false, strict: false, prettyErrors: false }) };
    }
    return positionAt(last.document, last.lineCounter, path, options);
  };
}
