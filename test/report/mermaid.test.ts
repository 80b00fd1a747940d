import { describe, expect, it } from "vitest";
import { renderers } from "../../src/report/render/index.js";
import { mermaidLabel } from "../../src/report/render/mermaid.js";
import { HOSTILE, sampleReports } from "./sample-reports.js";

describe("attack paths in the Markdown report", () => {
  it("draws each path as a Mermaid flowchart, one node per identity, power last", () => {
    const markdown = renderers.markdown(sampleReports["audit-findings"] as never, { color: false, width: 80 });
    const chart = markdown.slice(markdown.indexOf("```mermaid"), markdown.indexOf("```", markdown.indexOf("```mermaid") + 3));
    expect(chart.split("\n").slice(1, 5)).toEqual([
      "flowchart LR",
      '  n0["ServiceAccount flux-system/source-controller"]',
      '  n0 -->|"create serviceaccounts/token #34;kustomize-controller#34; in flux-system"| n1["ServiceAccount flux-system/kustomize-controller"]',
      '  n1 -->|"#42; on #42;.#42; #40;every verb on every resource#41; cluster-wide"| n2{{"cluster-admin power"}}',
    ]);
  });

  it("keeps hostile names inside their labels: no quote, bracket, pipe, angle bracket or line break survives", () => {
    const label = mermaidLabel(HOSTILE);
    expect(label.slice(1, -1)).not.toMatch(/["[\]{}|<>`\n\r\u001b]/);
    const markdown = renderers.markdown(sampleReports.hostile as never, { color: false, width: 80 });
    const chart = markdown.slice(markdown.indexOf("```mermaid") + 10, markdown.indexOf("```", markdown.indexOf("```mermaid") + 10));
    // A precondition draws a dotted arrow; every line is one statement of the flowchart.
    expect(chart).toContain("-.->");
    for (const line of chart.trim().split("\n")) expect(line).toMatch(/^(flowchart LR| {2}n\d+(\[".*"\]| -(->|\.->)\|".*"\| n\d+(\[".*"\]|\{\{".*"\}\})))$/);
  });
});
