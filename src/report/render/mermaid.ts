import type { Finding } from "../../model/report.js";
import { describeObject, oneLine, truncate } from "./text.js";
import { describeReached } from "./path-text.js";

/*
 * An attack path as a Mermaid flowchart, which GitHub draws in a pull-request comment. Labels are
 * report text (names from the cluster or the manifests), so everything Mermaid or HTML could read as
 * markup is written as an entity: a name cannot close a label, add a node or inject a link.
 */

const LABEL_LIMIT = 120;

/** A quoted Mermaid label: one line, entity-escaped (`#quot;`, `#lt;`... are Mermaid's entity codes). */
export function mermaidLabel(text: string): string {
  const escaped = truncate(oneLine(text), LABEL_LIMIT).replace(/[^\p{L}\p{N} ./:_-]/gu, (character) => `#${character.codePointAt(0)};`);
  return `"${escaped}"`;
}

/** The flowchart of one finding's path: the subject, each identity reached, cluster-admin power. */
export function pathFlowchart(finding: Finding): string[] {
  const hops = finding.path ?? [];
  const lines = ["```mermaid", "flowchart LR"];
  lines.push(`  n0[${mermaidLabel(describeObject(finding.subject))}]`);
  hops.forEach((hop, position) => {
    const node = `n${position + 1}`;
    const shape =
      hop.reaches.kind === "Power" ? `${node}{{${mermaidLabel(describeReached(hop.reaches))}}}` : `${node}[${mermaidLabel(describeReached(hop.reaches))}]`;
    const arrow = hop.precondition ? "-.->" : "-->";
    lines.push(`  n${position} ${arrow}|${mermaidLabel(hop.permission)}| ${shape}`);
  });
  lines.push("```");
  return lines;
}
