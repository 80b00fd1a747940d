import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/** A 1-based line and column in a text. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Where the value at a JSON path starts in a parsed YAML document (with `key`, where the last
 * segment's key starts: a field that should not be there). A path into something missing points at
 * the deepest ancestor that exists, then at the document's start, so a problem always has a place.
 */
export function positionAt(document: Document, lines: LineCounter, path: readonly (string | number)[], options: { key?: boolean } = {}): Position {
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
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
