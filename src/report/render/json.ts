import type { Finding, Report } from "../../model/report.js";
import type { Renderer } from "./types.js";

/**
 * Findings per part: about 30 KB of text, a young string whose UTF-8 copy (stdout's Buffer) malloc
 * takes from memory already freed. Parts of 1,000 findings (1.6 MB each) were fresh pages every time:
 * on bench/audit.mjs 30,000 page faults more, 50 ms more CPU and 38 MB more peak RSS than these. A
 * finding with a path counts for more (partEnd).
 */
const FINDINGS_PER_PART = 20;

/** How `JSON.stringify(report, null, 2)` writes the report's (depth-1) `findings` key when the list is empty. */
const EMPTY_FINDINGS = '\n  "findings": []';

/**
 * `report.json` in parts whose concatenation is exactly `renderJson`'s text, so a large audit can be
 * written part by part. A big cluster's report is tens of MB (84 MB on bench/audit.mjs's snapshot):
 * one string of it, flattened, and then its UTF-8 copy cost about 350 ms CPU more than writing it
 * in parts (measured there), mostly in the garbage collector.
 *
 * Each part of findings is `JSON.stringify([part], null, 2)` with its two outer brackets cut off: inside
 * two arrays a finding sits at the same depth, so the same indentation, as inside the report's
 * `findings`. The rest of the report is rendered once with `findings` empty and split around it.
 */
export function* renderJsonParts(report: Report): Generator<string> {
  const findings = report.findings;
  const rest = Array.isArray(findings) && findings.length > 0 ? `${JSON.stringify({ ...report, findings: [] }, null, 2)}\n` : "";
  // Strings are escaped (no raw newline inside them), so the marker can only be the key itself.
  const at = rest.indexOf(EMPTY_FINDINGS);
  if (at < 0) {
    yield `${JSON.stringify(report, null, 2)}\n`;
    return;
  }
  yield `${rest.slice(0, at)}\n  "findings": [\n`;
  // "[\n  [\n" before the findings and "\n  ]\n]" after them.
  const outer = 6;
  for (let first = 0; first < findings.length; ) {
    const end = partEnd(findings, first);
    const text = JSON.stringify([findings.slice(first, end)], null, 2);
    // The separator on its own: joined to the part, it made a cons string that writing copies flat again.
    if (first > 0) yield ",\n";
    yield text.slice(outer, text.length - outer);
    first = end;
  }
  yield `\n  ]${rest.slice(at + EMPTY_FINDINGS.length)}`;
}

/**
 * Where the part that starts at `first` ends: FINDINGS_PER_PART findings, or fewer where they carry paths.
 * A path finding is several times the text of another (about 9 KB with four hops against 1.5 KB), and a
 * part over 128 KB is a string V8 puts in its large-object space (old generation, pages of its own)
 * instead of the young generation: each hop counts as two findings. On bench/audit.mjs (4,100 path
 * findings of four hops) that is ~35 ms less CPU to render and encode, the same text.
 */
function partEnd(findings: readonly Finding[], first: number): number {
  let weight = 0;
  let end = first;
  while (end < findings.length && weight < FINDINGS_PER_PART) {
    weight += 1 + 2 * ((findings[end] as Finding).path?.length ?? 0);
    end++;
  }
  return end;
}

/** `report.json`: the report itself, as described by `reports/report.schema.json`. */
export const renderJson: Renderer = (report) => `${JSON.stringify(report, null, 2)}\n`;
