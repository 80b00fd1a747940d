import { describe, expect, it } from "vitest";
import type { Finding, Severity } from "../../src/model/report.js";
import { buildReport, bySeverity } from "../../src/report/build.js";
import { renderMarkdown } from "../../src/report/render/markdown.js";
import { renderTable } from "../../src/report/render/table.js";

function finding(severity: Severity, name: string): Finding {
  return {
    rule: `rule-${severity}`,
    severity,
    status: "finding",
    title: "t",
    message: `${name} matched.`,
    scope: "cluster",
    rules: [],
    remediation: `fix ${name}.`,
    subject: { kind: "User", name },
  };
}

describe("findings for people, most severe first", () => {
  it("bySeverity orders by level and keeps the report's order within one", () => {
    const findings = [
      finding("low", "l1"),
      finding("critical", "c1"),
      finding("medium", "m1"),
      finding("critical", "c2"),
      finding("info", "i1"),
      finding("high", "h1"),
      finding("low", "l2"),
    ];
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

describe("the table shows what needs attention", () => {
  const defaults = Array.from({ length: 55 }, (_, index): Finding => ({ ...finding("critical", `default-${index}`), status: "expected" }));
  const report = buildReport({
    command: "audit",
    startedAt: new Date(0),
    finishedAt: new Date(1),
    target: { source: "kubeconfig" },
    findings: [
      { ...finding("critical", "system:masters"), status: "expected" },
      ...defaults,
      finding("high", "ci-runner"),
      { ...finding("critical", "old"), suppressed: { reason: "known" } },
      finding("low", "viewer"),
    ],
  });

  it("lists findings that need attention first, by severity, so the first row agrees with the summary; suppressed, then defaults, after them", () => {
    expect(report.summary.findings).toMatchObject({ critical: 0, high: 1, low: 1 });
    expect(report.summary.expected).toBe(56);
    expect(report.findings.slice(0, 3).map((item) => item.subject?.name)).toEqual(["ci-runner", "viewer", "old"]);
    expect(report.findings.at(-1)?.subject?.name).toBe("default-54");
  });

  it("folds the expected defaults into one count unless --show-expected", () => {
    const table = renderTable(report, { color: false, width: 200 });
    const firstRow = table.split("\n").find((line) => line.startsWith("│ ") && !line.startsWith("│ Severity"));
    expect(firstRow).toMatch(/^│ high /);
    expect(table).not.toContain("User system:masters");
    expect(table).toContain("56 expected defaults (bindings every cluster ships, such as system:masters) are not listed; --show-expected lists them.");
    expect(table).toContain("Findings: 0 critical, 1 high, 0 medium, 1 low, 0 info, 0 unknown; 56 expected defaults.");
    const full = renderTable(report, { color: false, width: 200, showExpected: true });
    expect(full).toContain("User system:masters");
    expect(full).not.toContain("are not listed");
  });
});
