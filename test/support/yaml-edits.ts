import fc from "fast-check";

/*
 * Random breakage of a YAML text, line by line, for the plain readers' property tests (a fast path
 * must give the library's value or give up, never a value where the library fails).
 */

/** One edit: where (any natural number, taken modulo the lines and the line's length) and what. */
export interface YamlEdit {
  at: number;
  kind: "delete" | "space" | "unspace" | "colon" | "dash" | "duplicate" | "quote" | "tab" | "hash" | "insert";
}

/** One to three edits of the kinds given. */
export function yamlEdits(kinds: YamlEdit["kind"][]): fc.Arbitrary<YamlEdit[]> {
  return fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom(...kinds) }), { minLength: 1, maxLength: 3 });
}

/** `text` with the edits applied in order; `insert` puts `word` in at the edit's place. */
export function applyYamlEdits(text: string, edits: readonly YamlEdit[], word = ""): string {
  const lines = text.split("\n");
  for (const { at, kind } of edits) {
    const index = at % lines.length;
    const line = lines[index] as string;
    const cut = at % (line.length + 1);
    const [before, after] = [line.slice(0, cut), line.slice(cut)];
    const changed: Record<YamlEdit["kind"], string> = {
      delete: before + line.slice(cut + 1),
      space: ` ${line}`,
      unspace: line.replace(/^ /, ""),
      colon: `${before}: ${after}`,
      dash: `- ${line}`,
      duplicate: `${line}\n${line}`,
      quote: `${before}'${after}`,
      tab: `${before}\t${after}`,
      hash: `${before} #${after}`,
      insert: `${before}${word}${after}`,
    };
    lines[index] = changed[kind];
  }
  return lines.join("\n");
}
