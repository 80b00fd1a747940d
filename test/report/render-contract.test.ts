import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { REPORT_FORMATS, renderers } from "../../src/report/render/index.js";
import { HOSTILE, sampleReports } from "./sample-reports.js";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Raw control characters other than tab and newline, including ESC: what a terminal would act on.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const entries = Object.entries(sampleReports) as Array<[string, Report]>;

describe.each(REPORT_FORMATS)("renderer %s (contract)", (format) => {
  const render = renderers[format];

  it.each(entries)("renders %s as text ending in a newline, the same every time, without touching the report", (_name, report) => {
    const frozen = deepFreeze(structuredClone(report));
    const first = render(frozen, { color: false, width: 100 });
    expect(first.length).toBeGreaterThan(0);
    expect(first.endsWith("\n")).toBe(true);
    expect(render(frozen, { color: false, width: 100 })).toBe(first);
    expect(frozen).toEqual(report);
  });

  it.each(entries)("lets no escape sequence or control character through for %s", (_name, report) => {
    const output = render(report, { color: false, width: 100 });
    expect(output).not.toMatch(RAW_CONTROL);
    // JSON formats keep the data exactly, escaped as \u001b; text formats drop the sequence.
    if (format !== "json" && format !== "sarif") expect(output).not.toContain("[31mRED");
  });

  it("keeps every piece of the hostile report visible in some form", () => {
    const output = render(sampleReports.hostile!, { color: false, width: 100 });
    expect(output).toContain("RED");
    expect(output).toContain("end");
    expect(output).toMatch(/bold/);
  });

  it("says why a live finding was not confirmed by the server", () => {
    const output = render(sampleReports["audit-findings"]!, { color: false, width: 200 });
    expect(output).toContain("the cross-check deadline (5m) passed before it was asked");
  });

  it("colours only when asked", () => {
    const plain = render(sampleReports.failures!, { color: false, width: 100 });
    const colored = render(sampleReports.failures!, { color: true, width: 100 });
    expect(plain).not.toContain("\u001b");
    if (format === "table") expect(colored).toContain("\u001b[31m");
    else expect(colored).toBe(plain);
  });
});

describe("table", () => {
  it.each([40, 60, 80, 120, 200])("fits every line in %i columns, whatever the report", (width) => {
    for (const report of Object.values(sampleReports)) {
      const output = renderers.table(report, { color: true, width });
      const visible = output.replace(/\u001b\[[0-9;]*m/g, "");
      for (const line of visible.split("\n")) expect(line.length, line).toBeLessThanOrEqual(width);
    }
  });

  it("cuts a 10,000-character message instead of printing it whole", () => {
    const output = renderers.table(sampleReports.hostile!, { color: false, width: 120 });
    expect(output).not.toContain("x".repeat(1000));
    expect(output).toContain("…");
    expect(output.length).toBeLessThan(20_000);
  });

  it("shows status, evidence and remediation of a failed check", () => {
    const output = renderers.table(sampleReports.failures!, { color: false, width: 140 });
    expect(output).toMatch(/FAIL.*list-pods-all.*denied.*allowed/);
    expect(output).toContain("httpStatus=200");
    expect(output).toContain("Remove the ClusterRoleBinding");
    expect(output).toContain("Outcome: FAILED");
  });
});

describe("json", () => {
  it.each(entries)("is the report itself for %s", (_name, report) => {
    expect(JSON.parse(renderers.json(report, { color: false, width: 80 }))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe("markdown", () => {
  function tableRows(output: string): string[] {
    return output.split("\n").filter((line) => line.startsWith("| "));
  }

  it("keeps every table row at its header's column count, even with pipes in the data", () => {
    for (const report of Object.values(sampleReports)) {
      const output = renderers.markdown(report, { color: false, width: 80 });
      for (const row of tableRows(output)) {
        // GFM splits cells on pipes not preceded by a backslash.
        const cells = row.split(/(?<!\\)\|/).length - 2;
        expect([6, 7]).toContain(cells);
      }
    }
  });

  it("cannot be used to inject HTML, mentions or emphasis", () => {
    const output = renderers.markdown(sampleReports.hostile!, { color: false, width: 80 });
    expect(output).not.toContain(HOSTILE);
    expect(output).not.toMatch(/<&"'>/);
    expect(output).not.toContain("@admin");
    expect(output).not.toContain("*bold*");
    expect(output.length).toBeLessThan(10_000);
  });

  it("leads with the outcome and lists what failed", () => {
    const output = renderers.markdown(sampleReports["audit-findings"]!, { color: false, width: 80 });
    expect(output.split("\n")[0]).toBe("### saprobe audit: ❌ failed");
    expect(output).toContain("manifests/dashboard.yaml:12:1");
  });
});

describe("markdown for a big audit", () => {
  it("stays within a pull-request comment's 65,536 characters and says how many rows are left out", () => {
    const one = sampleReports["audit-findings"]!.findings[0]!;
    const findings = Array.from({ length: 2000 }, (_, index) => ({ ...one, subject: { kind: "ServiceAccount", name: `sa-${index}`, namespace: "ci" } }));
    const output = renderers.markdown({ ...sampleReports["audit-findings"]!, findings }, { color: false, width: 80 });
    expect(output.length).toBeLessThan(65_536);
    expect(output).toContain("…and 1950 more in report.json.");
    expect(output).toContain("sa-49 ");
    expect(output).not.toContain("sa-50 ");
  });
});
