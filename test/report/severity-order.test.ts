import { describe, expect, it } from "vitest";
import type { Finding, Severity } from "../../src/model/report.js";
import { buildReport, bySeverity } from "../../src/report/build.js";
import { renderMarkdown } from "../../src/report/render/markdown.js";
import { renderTable } from "../../src/report/render/table.js";

function finding(severity: Severity, name: string): Finding {
  return { rule: `rule-${severity}`, severity, status: "finding", title: "t", message: `${name} matched.`, scope: "cluster", rules: [], remediation: `fix ${name}.`, subject: { kind: "User", name } };
}

describe("findings for people, most severe first", () => {
  it("bySeverity orders by level and keeps the report's order within one", () => {
    const findings = [finding("low", "l1"), finding("critical", "c1"), finding("medium", "m1"), finding("critical", "c2"), finding("info", "i1"), finding("high", "h1"), finding("low", "l2")];
    expect(bySeverity(findings).map((item) => item.subject?.name)).toEqual(["c1", "c2", "h1", "m1", "l1", "l2", "i1"]);
  });

  it("the report lists a critical finding given after 60 medium ones first, so the Markdown summary's capped rows and the table start with it", () => {
    const findings = [...Array.from({ length: 60 }, (_, index) => finding("medium", `m${index}`)), finding("critical", "root")];
    const report = buildReport({ command: "audit", startedAt: new Date(0), finishedAt: new Date(1), target: { source: "manifests" }, findings });
    const markdown = renderMarkdown(report, { color: false, width: 200 });
    const rows = markdown.split("\n").filter((line) => line.startsWith("| critical") || line.startsWith("| medium"));
    expect(rows[0]).toContain("User root");
    expect(markdown).toContain("…and 11 more (11 medium) in report.json.");
    const table = renderTable(report, { color: false, width: 200 });
    expect(table.indexOf("User root")).toBeLessThan(table.indexOf("User m0"));
    expect(report.findings[0]?.subject?.name).toBe("root");
    expect(report.findings.at(-1)?.subject?.name).toBe("m59");
  });
});
