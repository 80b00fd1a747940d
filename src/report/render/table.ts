import { needsAttention, toRemediate, type CheckResult, type Finding, type Report, type Status } from "../../model/report.js";
import { renderGrid, type GridRow } from "./grid.js";
import { diffLines, identityLine, REQUEST_COLUMNS, requestCells, usageLogLine } from "./usage-sections.js";
import { describeEvidence, describeObject, describeRefused, describeSource, describeUnconfirmed, oneLine, truncate, wrapText } from "./text.js";
import type { RenderOptions, Renderer } from "./types.js";
import { activePaths, pathLines } from "./path-text.js";

const COLORS = { red: 31, green: 32, yellow: 33, magenta: 35, dim: 2, bold: 1 } as const;
type ColorName = keyof typeof COLORS;

function painter(color: ColorName, options: RenderOptions): (text: string) => string {
  return options.color ? (text) => `\u001b[${COLORS[color]}m${text}\u001b[0m` : (text) => text;
}

const STATUS_COLORS: Record<Status, ColorName> = { pass: "green", fail: "red", skip: "yellow", error: "magenta", info: "dim" };
const FINDING_COLORS: Record<Finding["status"], ColorName> = { finding: "red", expected: "dim", unknown: "magenta" };

const OUTCOME_COLORS: Record<Report["summary"]["outcome"], ColorName> = {
  passed: "green",
  failed: "red",
  "input-refused": "magenta",
  "could-not-run": "magenta",
};

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
      cell([where ? `${finding.message} (${where})` : finding.message, describeUnconfirmed(finding)].filter(Boolean).join(" ")),
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
  const { checks, findings } = toRemediate(report);
  for (const result of checks) {
    const evidence = Object.keys(result.evidence).length > 0 ? ` Evidence: ${describeEvidence(result.evidence)}.` : "";
    if (result.remediation || evidence) lines.push(`- ${result.id}: ${result.remediation ?? ""}${evidence}`);
  }
  for (const finding of findings) lines.push(`- ${finding.rule} ${describeObject(finding.subject)}: ${finding.remediation}`);
  return lines;
}

function summaryLines(report: Report): string[] {
  const summary = report.summary;
  const lines: string[] = [];
  if (report.command === "run" || report.results.length > 0) {
    lines.push(`Checks: ${summary.pass} passed, ${summary.fail} failed, ${summary.skip} skipped, ${summary.error} could not tell, ${summary.info} observed.`);
  }
  if (report.command === "audit" || report.findings.length > 0) {
    const findings = Object.entries(summary.findings).map(([severity, count]) => `${count} ${severity}`);
    lines.push(`Findings: ${findings.join(", ")}, ${summary.unknown} unknown; ${summary.expected} expected defaults.`);
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
    parts.push(
      `Checks: ${nonZero([
        ["passed", summary.pass],
        ["failed", summary.fail],
        ["skipped", summary.skip],
        ["could not tell", summary.error],
        ["observed", summary.info],
      ])}.`,
    );
  }
  if (report.command === "audit" || report.findings.length > 0) {
    parts.push(`Findings: ${nonZero([...Object.entries(summary.findings), ["unknown", summary.unknown]])}.`);
  }
  return parts.join(" ");
}

/**
 * A run that could not run says so first and once: each cause with its fix, then what was not
 * judged. No table of ERROR rows: report.json keeps every result.
 */
function couldNotRun(report: Report, paragraph: (lines: string[]) => string, options: RenderOptions): string {
  const paint = painter(OUTCOME_COLORS["could-not-run"], options);
  const sections = [`${paragraph([header(report)])}\n${paint(paragraph([outcomeLine(report)]))}`];
  sections.push(
    report.errors
      .map((error) => `${paint(paragraph([`Could not run: ${error.message}`]))}${error.fix ? `\n${paragraph([`Fix: ${error.fix}`])}` : ""}`)
      .join("\n\n"),
  );
  const count = report.results.length;
  if (count > 0) sections.push(paragraph([`Not judged (report.json keeps what each saw): ${report.results.map((result) => result.id).join(", ")}.`]));
  if (report.warnings.length > 0) sections.push(paragraph(["Warnings:", ...report.warnings.map((warning) => `- ${warning}`)]));
  sections.push(`Outcome: ${paint("COULD-NOT-RUN")}`);
  return `${sections.join("\n\n")}\n`;
}

/** A human report for a terminal: tables sized to `width`, colour only when asked. */
export const renderTable: Renderer = (report, options) => {
  const paragraph = (lines: string[]): string => lines.flatMap((line) => wrapBullet(cell(line), options.width)).join("\n");
  if (report.summary.outcome === "could-not-run" && report.command === "run") return couldNotRun(report, paragraph, options);
  const bold = painter("bold", options);
  const outcome = report.summary.outcome.toUpperCase();
  const outcomePaint = painter(OUTCOME_COLORS[report.summary.outcome], options);
  // The outcome comes first, so it is on the first screen however long the tables below it are.
  const first = paragraph([header(report), outcomeLine(report)]).replace(`Outcome: ${outcome}.`, `Outcome: ${outcomePaint(outcome)}.`);
  const sections = [first];
  if (report.command === "run" || report.results.length > 0) {
    sections.push(
      report.results.length === 0
        ? "No checks ran."
        : renderGrid(
            ["Status", "Check", "Severity", "Expected", "Observed", "Message"],
            report.results.map((result) => checkRow(result, options)),
            options.width,
            bold,
            { labelled: [3, 4] },
          ),
    );
  }
  if (report.command === "audit" || report.findings.length > 0) {
    const listed = options.showExpected ? report.findings : report.findings.filter(needsAttention);
    sections.push(
      listed.length === 0
        ? "No findings."
        : renderGrid(
            ["Severity", "Rule", "Verdict", "Subject", "Message"],
            listed.map((finding) => findingRow(finding, options)),
            options.width,
            bold,
          ),
    );
    if (!options.showExpected && report.summary.expected > 0) {
      const count = report.summary.expected;
      sections.push(
        paragraph([
          `${count} expected ${count === 1 ? "default (a binding every cluster ships, such as system:masters) is" : "defaults (bindings every cluster ships, such as system:masters) are"} not listed; --show-expected lists them.`,
        ]),
      );
    }
  }
  // Paths to cluster-admin: one line per hop under the subject, after the table that names them.
  const paths = activePaths(report.findings);
  if (paths.length > 0)
    sections.push(
      paragraph([
        "Paths to cluster-admin:",
        ...paths.flatMap((finding) => [`${describeObject(finding.subject)} (${finding.severity}):`, ...pathLines(finding).map((line) => `  ${line}`)]),
      ]),
    );
  if (report.usage) {
    sections.push(paragraph([usageLogLine(report.usage)]));
    for (const identity of report.usage.identities) {
      sections.push(
        paragraph([identityLine(identity)]),
        renderGrid(
          REQUEST_COLUMNS,
          identity.requests.map((request) => ({ cells: requestCells(request).map(cell) })),
          options.width,
          bold,
        ),
      );
      if (identity.diff.length > 0) sections.push(paragraph(["Granted now (-) against the minimal RBAC learned (+):", ...diffLines(identity)]));
    }
  }
  if (report.drift.length > 0)
    sections.push(paragraph(["Drift:", ...report.drift.map((item) => `- ${describeObject(item.object)} ${item.change}: ${item.detail}`)]));
  const fixes = remediationLines(report);
  if (fixes.length > 0) sections.push(paragraph(["Remediation:", ...fixes]));
  if (report.warnings.length > 0) sections.push(paragraph(["Warnings:", ...report.warnings.map((warning) => `- ${warning}`)]));
  const refused = report.input?.refused ?? [];
  if (refused.length > 0) sections.push(paragraph(["Refused input (not audited):", ...refused.map((item) => `- ${describeRefused(item)}`)]));
  if (report.errors.length > 0)
    sections.push(
      paragraph(["Errors:", ...report.errors.flatMap((error) => [`- ${error.code}: ${error.message}`, ...(error.fix ? [`  Fix: ${error.fix}`] : [])])]),
    );
  sections.push(`${paragraph(summaryLines(report))}\nOutcome: ${outcomePaint(outcome)}`);
  return `${sections.join("\n\n")}\n`;
};
