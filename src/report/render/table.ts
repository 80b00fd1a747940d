import { didNotPass, type CheckResult, type Finding, type Report, type Status } from "../../model/report.js";
import { renderGrid, type GridRow } from "./grid.js";
import { describeEvidence, describeObject, describeSource, oneLine, truncate, wrapText } from "./text.js";
import type { RenderOptions, Renderer } from "./types.js";

const COLORS = { red: 31, green: 32, yellow: 33, magenta: 35, dim: 2, bold: 1 } as const;
type ColorName = keyof typeof COLORS;

function painter(color: ColorName, options: RenderOptions): (text: string) => string {
  return options.color ? (text) => `\u001b[${COLORS[color]}m${text}\u001b[0m` : (text) => text;
}

const STATUS_COLORS: Record<Status, ColorName> = { pass: "green", fail: "red", skip: "yellow", error: "magenta" };
const FINDING_COLORS: Record<Finding["status"], ColorName> = { finding: "red", expected: "dim", unknown: "magenta" };

/** Longest text a cell shows; report.json keeps the whole string. */
const CELL_LIMIT = 400;

/** Report text made safe and short for a terminal cell. */
function cell(text: string): string {
  return truncate(oneLine(text), CELL_LIMIT);
}

function checkRow(result: CheckResult, options: RenderOptions): GridRow {
  return {
    cells: [result.status.toUpperCase(), cell(result.id), result.severity, cell(result.expected), cell(result.observed), cell(result.message)],
    paintFirst: painter(STATUS_COLORS[result.status], options),
  };
}

function findingRow(finding: Finding, options: RenderOptions): GridRow {
  const where = describeSource(finding.source);
  const subject = describeObject(finding.subject);
  return {
    cells: [
      finding.severity,
      cell(finding.rule),
      finding.suppressed ? "suppressed" : finding.status,
      cell(finding.scope === "cluster" ? subject : `${subject} in ${finding.scope}`),
      cell(where ? `${finding.message} (${where})` : finding.message),
    ],
    paintFirst: painter(finding.suppressed ? "dim" : FINDING_COLORS[finding.status], options),
  };
}

function header(report: Report): string {
  const target = report.target;
  const identity = target.identity ? ` as ${target.identity.username}` : "";
  return `saprobe ${report.command} ${report.tool.version}: ${target.server ?? "(no server)"}${identity} via ${target.source}`;
}

function remediationLines(report: Report): string[] {
  const lines: string[] = [];
  for (const result of report.results) {
    if (!didNotPass(result)) continue;
    const evidence = Object.keys(result.evidence).length > 0 ? ` Evidence: ${describeEvidence(result.evidence)}.` : "";
    if (result.remediation || evidence) lines.push(`- ${result.id}: ${result.remediation ?? ""}${evidence}`);
  }
  for (const finding of report.findings) {
    if (finding.status === "finding" && !finding.suppressed) lines.push(`- ${finding.rule} ${describeObject(finding.subject)}: ${finding.remediation}`);
  }
  return lines;
}

function summaryLines(report: Report): string[] {
  const summary = report.summary;
  const lines: string[] = [];
  if (report.command === "run" || report.results.length > 0) {
    lines.push(`Checks: ${summary.pass} passed, ${summary.fail} failed, ${summary.skip} skipped, ${summary.error} could not tell.`);
  }
  if (report.command === "audit" || report.findings.length > 0) {
    const findings = Object.entries(summary.findings).map(([severity, count]) => `${count} ${severity}`);
    lines.push(`Findings: ${findings.join(", ")}, ${summary.unknown} unknown.`);
  }
  return lines;
}

/** A line wrapped to `width`; a `- ` bullet's continuation lines are indented under its text. */
function wrapBullet(line: string, width: number): string[] {
  if (!line.startsWith("- ")) return wrapText(line, width);
  const [first = "", ...rest] = wrapText(line.slice(2), width - 2);
  return [`- ${first}`, ...rest.map((text) => `  ${text}`)];
}

/** Counts worth saying, zeros left out: `3 passed, 1 failed`, or `none`. */
function nonZero(counts: Array<[string, number]>): string {
  const said = counts.filter(([, count]) => count > 0).map(([label, count]) => `${count} ${label}`);
  return said.length > 0 ? said.join(", ") : "none";
}

/** The one line a reader needs first: the outcome and what it rests on. */
function outcomeLine(report: Report): string {
  const summary = report.summary;
  const parts = [`Outcome: ${summary.outcome.toUpperCase()}.`];
  if (report.command === "run" || report.results.length > 0) {
    parts.push(`Checks: ${nonZero([["passed", summary.pass], ["failed", summary.fail], ["skipped", summary.skip], ["could not tell", summary.error]])}.`);
  }
  if (report.command === "audit" || report.findings.length > 0) {
    parts.push(`Findings: ${nonZero([...Object.entries(summary.findings), ["unknown", summary.unknown]])}.`);
  }
  return parts.join(" ");
}

const OUTCOME_COLORS: Record<Report["summary"]["outcome"], ColorName> = { passed: "green", failed: "red", "could-not-run": "magenta" };

/** A human report for a terminal: tables sized to `width`, colour only when asked. */
export const renderTable: Renderer = (report, options) => {
  const paragraph = (lines: string[]): string => lines.flatMap((line) => wrapBullet(cell(line), options.width)).join("\n");
  const bold = painter("bold", options);
  const outcome = report.summary.outcome.toUpperCase();
  const outcomePaint = painter(OUTCOME_COLORS[report.summary.outcome], options);
  // The outcome comes first, so it is on the first screen however long the tables below it are.
  const first = paragraph([header(report), outcomeLine(report)]).replace(`Outcome: ${outcome}.`, `Outcome: ${outcomePaint(outcome)}.`);
  const sections = [first];
  if (report.command === "run" || report.results.length > 0) {
    sections.push(report.results.length === 0
      ? "No checks ran."
      : renderGrid(["Status", "Check", "Severity", "Expected", "Observed", "Message"], report.results.map((result) => checkRow(result, options)), options.width, bold, { labelled: [3, 4] }));
  }
  if (report.command === "audit" || report.findings.length > 0) {
    sections.push(report.findings.length === 0
      ? "No findings."
      : renderGrid(["Severity", "Rule", "Verdict", "Subject", "Message"], report.findings.map((finding) => findingRow(finding, options)), options.width, bold));
  }
  if (report.drift.length > 0) sections.push(paragraph(["Drift:", ...report.drift.map((item) => `- ${describeObject(item.object)} ${item.change}: ${item.detail}`)]));
  const fixes = remediationLines(report);
  if (fixes.length > 0) sections.push(paragraph(["Remediation:", ...fixes]));
  if (report.warnings.length > 0) sections.push(paragraph(["Warnings:", ...report.warnings.map((warning) => `- ${warning}`)]));
  if (report.errors.length > 0) sections.push(paragraph(["Errors:", ...report.errors.map((error) => `- ${error.code}: ${error.message}`)]));
  sections.push(`${paragraph(summaryLines(report))}\nOutcome: ${outcomePaint(outcome)}`);
  return `${sections.join("\n\n")}\n`;
};
