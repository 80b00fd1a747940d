import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../src/model/report.js";
import { renderJson, renderJsonParts } from "../../src/report/render/json.js";
import { sampleReports } from "./sample-reports.js";

const options = { color: false, width: 100 };
/** What renderJsonParts yields between two parts of findings. */
const SEPARATOR = ",\n";

/** A report with `count` findings, copies of the sample's (without their paths unless `paths`), so the parts cross their size boundary. */
function withFindings(report: Report, count: number, paths = false): Report {
  const seed = paths ? report.findings : report.findings.map(({ path: _path, ...finding }) => finding);
  const findings: Finding[] = Array.from({ length: count }, (_, index) => ({ ...(seed[index % seed.length] as Finding), message: `finding ${index}` }));
  return { ...report, findings };
}

const audit = Object.values(sampleReports).find((report) => report.findings.length > 0) as Report;

describe("renderJsonParts", () => {
  it.each(Object.entries(sampleReports))("joins to exactly renderJson's text for %s", (_name, report) => {
    expect([...renderJsonParts(report)].join("")).toBe(renderJson(report, options));
  });

  it.each([1, 19, 20, 21, 2500])("joins to exactly renderJson's text with %i findings", (count) => {
    const report = withFindings(audit, count);
    const parts = [...renderJsonParts(report)];
    expect(parts.join("")).toBe(renderJson(report, options));
    // 20 findings a part (render/json.ts says why), the separators between them parts of their own.
    expect(parts.filter((part) => part !== SEPARATOR).length).toBe(2 + Math.ceil(count / 20));
    expect(parts.filter((part) => part === SEPARATOR).length).toBe(Math.ceil(count / 20) - 1);
  });

  it("puts fewer findings in a part where they carry paths (each hop counts as two findings)", () => {
    const withPath = audit.findings.find((finding) => finding.path !== undefined) as Finding;
    const hop = withPath.path?.[0] as NonNullable<Finding["path"]>[number];
    // Four hops, as a node escape's path has: 1 + 2 * 4 = 9, so three findings a part.
    const findings = Array.from({ length: 21 }, (_, index) => ({ ...withPath, message: `finding ${index}`, path: [hop, hop, hop, hop] }));
    const report = { ...audit, findings };
    const parts = [...renderJsonParts(report)];
    expect(parts.join("")).toBe(renderJson(report, options));
    expect(parts.filter((part) => part !== SEPARATOR).length).toBe(2 + 7);
  });

  it("joins to exactly renderJson's text with the sample's findings, paths and all, 45 times over", () => {
    const report = withFindings(audit, 45, true);
    expect([...renderJsonParts(report)].join("")).toBe(renderJson(report, options));
  });

  it("renders a report whose strings spell the findings key as renderJson does", () => {
    const report = withFindings(audit, 3);
    report.warnings = ['\n  "findings": []', '"findings": ['];
    expect([...renderJsonParts(report)].join("")).toBe(renderJson(report, options));
  });
});
