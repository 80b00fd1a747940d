import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/*
 * The slow, precise path: only when an error must be pointed at, re-parse that one document with
 * the `yaml` package (which keeps source ranges) and find the line and column of a JSON path.
 */

/** 1-based line and column within the document text. */
export interface Position {
  line: number;
  column: number;
}

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
    return locateIn(last, path, options);
  };
}

function locateIn(parsed: { document: Document; lineCounter: LineCounter }, path: readonly (string | number)[], options: { key?: boolean }): Position {
  const { document, lineCounter } = parsed;
  let node: Node | null | undefined = document.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let index = 0; index < path.length && node; index++) {
    const segment = path[index];
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      if (last && options.key && keyNode?.range) {
        offset = keyNode.range[0];
        break;
      }
      node = valueNode ?? keyNode;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)] as Node | undefined;
    } else {
      break;
    }
    if (node?.range) offset = node.range[0];
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
