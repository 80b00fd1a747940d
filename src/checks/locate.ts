import { isMap, isSeq, type LineCounter, type Document, type Node } from "yaml";

/** A 1-based line and column in a YAML text. */
export interface Position {
  line: number;
  column: number;
}

/** Splits an ajv instance path (`/checks/0/probe`) into YAML path segments. */
function segments(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/**
 * Finds where an ajv error points in the YAML source. With `key`, points at that key of the
 * object at `instancePath` (unknown and forbidden fields), so the user sees the offending line.
 */
export function locate(document: Document, lines: LineCounter, instancePath: string, key?: string): Position {
  const path = segments(instancePath);
  let offset: number | undefined;
  // Walk up until a node exists: a path into a missing field points at its parent object.
  for (let depth = path.length; depth >= 0 && offset === undefined; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      offset = offsetOf(pair?.key) ?? offsetOf(node);
    } else {
      offset = offsetOf(node);
    }
  }
  const position = lines.linePos(offset ?? 0);
  return { line: position.line, column: position.col };
}

/** The position of the n-th item of the top-level `checks` sequence. */
export function locateItem(document: Document, lines: LineCounter, index: number): Position {
  const sequence = document.getIn(["checks"], true);
  const item = isSeq(sequence) ? sequence.items[index] : undefined;
  const position = lines.linePos(offsetOf(item) ?? 0);
  return { line: position.line, column: position.col };
}
