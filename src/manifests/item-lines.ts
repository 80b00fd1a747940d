/*
 * Lines of a block-style List's items without re-parsing: after a top-level `items:` key, each item
 * starts with "- " at the indentation of the first one (kubectl writes them at column 0). When the
 * count does not match the parsed items (flow style, JSON, odd layouts) the caller falls back to the
 * document's line.
 */

/** 1-based file lines where each item of the document's top-level `items` list starts, or undefined. */
export function listItemLines(documentText: string, startLine: number, expectedCount: number): number[] | undefined {
  const lines = documentText.split("\n");
  const itemsAt = lines.findIndex((line) => /^items:\s*(#.*)?\r?$/.test(line));
  if (itemsAt === -1) return undefined;
  const found: number[] = [];
  let marker: string | undefined;
  for (let index = itemsAt + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (marker === undefined) {
      const first = /^(\s*)- /.exec(line) ?? /^(\s*)-\r?$/.exec(line);
      if (!first) {
        if (line.trim() === "" || line.trim().startsWith("#")) continue;
        return undefined;
      }
      marker = first[1] as string;
    }
    if (line.startsWith(`${marker}- `) || line === `${marker}-` || line === `${marker}-\r`) found.push(startLine + index);
    // A new top-level key ends the list.
    else if (marker === "" && /^[^\s#-]/.test(line)) break;
  }
  return found.length === expectedCount ? found : undefined;
}
