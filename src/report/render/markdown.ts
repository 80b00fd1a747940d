import { didNotPass, isListed, toRemediate, type CheckResult, type Finding, type Report, type Status } from "../../model/report.js";
import { describeEvidence, describeObject, describeRefused, describeSource, describeUnconfirmed, oneLine, truncate } from "./text.js";
import type { Renderer } from "./types.js";
import { pathFlowchart } from "./mermaid.js";
import { activePaths, pathLines } from "./path-text.js";

/** Most attack paths drawn; each is a few hundred characters, report.json has them all. */
const PATH_LIMIT = 10;

function pathSections(findings: readonly Finding[]): string[] {
  const paths = activePaths(findings);
  const lines: string[] = [];
  for (const finding of paths.slice(0, PATH_LIMIT)) {
    lines.push(
      "",
      `**${cell(describeObject(finding.subject))}** (${finding.severity})`,
      "",
      ...pathFlowchart(finding),
      "",
      ...pathLines(finding).map((line) => `${cell(line)}  `),
    );
  }
  if (paths.length > PATH_LIMIT) lines.push("", `…and ${paths.length - PATH_LIMIT} more paths in report.json.`);
  return lines.length > 0 ? ["", "#### Paths to cluster-admin", ...lines] : [];
}
import { diffLines, identityLine, REQUEST_COLUMNS, requestCells, usageLogLine } from "./usage-sections.js";

/** Longest text one table cell shows; PR comments have a size limit and report.json has the rest. */
const CELL_LIMIT = 300;
/** Most rows one table or list shows, so a big audit still fits a comment (GitHub allows 65,536 characters). */
const ROW_LIMIT = 50;

/** The first `ROW_LIMIT` lines, and a line saying how many more are in report.json (and, given, of what). */
function capped(lines: string[], describeHidden?: (from: number) => string): string[] {
  if (lines.length <= ROW_LIMIT) return lines;
  const what = describeHidden ? ` (${describeHidden(ROW_LIMIT)})` : "";
  return [...lines.slice(0, ROW_LIMIT), "", `…and ${lines.length - ROW_LIMIT} more${what} in report.json.`];
}

/** "3 high, 8 medium": the severities of the findings from index `from` on, most severe first. */
function severitiesFrom(findings: readonly Finding[], from: number): string {
  const counts = new Map<string, number>();
  for (const finding of findings.slice(from)) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  return [...counts].map(([severity, count]) => `${count} ${severity}`).join(", ");
}

/**
 * A table cell that cannot break the table or inject markup: one line, pipes and backslashes
 * escaped, HTML and Markdown punctuation turned into character references.
 */
function cell(text: string): string {
  return truncate(oneLine(text), CELL_LIMIT)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\\/g, "&#92;")
    .replace(/\|/g, "&#124;")
    .replace(/[`*_[\]~#@!]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Inline code; a pipe is escaped because GFM splits table cells even inside code spans. */
function code(text: string): string {
  return text === "" ? "" : `\`${truncate(oneLine(text), CELL_LIMIT).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

const STATUS_ICONS: Record<Status, string> = { pass: "✅ pass", fail: "❌ fail", skip: "⏭️ skip", error: "⚠️ error", info: "ℹ️ observed" };
const OUTCOME_TITLES: Record<Report["summary"]["outcome"], string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  "input-refused": "⚠️ input refused",
  "could-not-run": "⚠️ could not run",
};

function checkRows(results: readonly CheckResult[]): string[] {
  return [
    "| Status | Check | Severity | Expected | Observed | Message |",
    "|---|---|---|---|---|---|",
    ...capped(
      results.map(
        (result) =>
          `| ${STATUS_ICONS[result.status]} | ${code(result.id)} | ${result.severity} | ${cell(result.expected)} | ${cell(result.observed)} | ${cell(result.message)} |`,
      ),
    ),
  ];
}

function findingRows(findings: readonly Finding[]): string[] {
  return [
    "| Severity | Rule | Verdict | Subject | Scope | Message | Source |",
    "|---|---|---|---|---|---|---|",
    ...capped(
      findings.map((finding) => {
        const verdict = finding.suppressed ? `suppressed: ${finding.suppressed.reason}` : finding.status;
        return `| ${finding.severity} | ${code(finding.rule)} | ${cell(verdict)} | ${cell(describeObject(finding.subject))} | ${cell(finding.scope)} | ${cell([finding.message, describeUnconfirmed(finding)].filter(Boolean).join(" "))} | ${cell(describeSource(finding.source))} |`;
      }),
      (from) => severitiesFrom(findings, from),
    ),
  ];
}

function details(summary: string, body: string[]): string[] {
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>"];
}

function remediationLines(report: Report): string[] {
  const lines: string[] = [];
  const { checks, findings } = toRemediate(report);
  for (const result of checks) {
    const evidence = describeEvidence(result.evidence);
    const fix = result.remediation ? ` ${cell(result.remediation)}` : "";
    if (fix || evidence) lines.push(`- ${code(result.id)}:${fix}${evidence ? ` Evidence: ${cell(evidence)}` : ""}`);
  }
  for (const finding of findings) lines.push(`- ${code(finding.rule)} ${cell(describeObject(finding.subject))}: ${cell(finding.remediation)}`);
  return capped(lines);
}

function counts(report: Report): string {
  const { summary } = report;
  const parts: string[] = [];
  if (report.command === "run" || report.results.length > 0) {
    parts.push(
      `**Checks:** ${summary.pass} passed, ${summary.fail} failed, ${summary.skip} skipped, ${summary.error} could not tell, ${summary.info} observed`,
    );
  }
  if (report.command === "audit" || report.findings.length > 0) {
    const findings = summary.findings;
    parts.push(
      `**Findings:** ${findings.critical} critical, ${findings.high} high, ${findings.medium} medium, ${findings.low} low, ${findings.info} info, ${summary.unknown} unknown`,
    );
  }
  return parts.join(" · ");
}

/** What a ```diff block may hold: the characters of RBAC rules, nothing a reader could take for markup. */
const PLAIN_DIFF = /^[A-Za-z0-9 _.:/=[\]"*,+%-]*$/;

/** The diff as a ```diff block (coloured on GitHub) when every line is plain, else as escaped list items. */
function diffBlock(lines: readonly string[]): string[] {
  if (lines.every((line) => PLAIN_DIFF.test(line) && line.length <= CELL_LIMIT)) return ["```diff", ...capped([...lines]), "```"];
  return capped(lines.map((line) => `- ${cell(line)}`));
}

/** Per identity: one line, the diff against what is granted now (visible: it is what a review is about), the requests folded. */
function usageLines(usage: NonNullable<Report["usage"]>): string[] {
  const lines = ["#### Usage from the audit log", "", cell(usageLogLine(usage))];
  for (const identity of usage.identities) {
    lines.push("", `**${cell(identity.username)}**: ${cell(identityLine(identity).slice(identity.username.length + 2))}`);
    if (identity.diff.length > 0) lines.push("", "Granted now (`-`) against the minimal RBAC learned (`+`):", "", ...diffBlock(diffLines(identity)));
    const rows = identity.requests.map((request) => `| ${requestCells(request).map(cell).join(" | ")} |`);
    lines.push(
      "",
      ...details(`Requests (${identity.requests.length})`, [
        `| ${REQUEST_COLUMNS.join(" | ")} |`,
        `|${REQUEST_COLUMNS.map(() => "---").join("|")}|`,
        ...capped(rows),
      ]),
    );
  }
  return lines;
}

/** A summary for a pull-request comment: outcome first, problems next, everything else folded. */
export const renderMarkdown: Renderer = (report) => {
  const { summary, target } = report;
  const identity = target.identity ? ` as ${code(target.identity.username)}` : "";
  const lines = [
    `### saprobe ${report.command}: ${OUTCOME_TITLES[summary.outcome]}`,
    "",
    `Target ${code(target.server ?? "(no server)")}${identity} via ${cell(target.source)} · saprobe ${cell(report.tool.version)} · ${cell(report.finishedAt)}`,
    "",
    counts(report),
  ];
  const refused = report.input?.refused ?? [];
  if (refused.length > 0) lines.push("", "**Refused input (not audited)**", "", ...capped(refused.map((item) => `- ${cell(describeRefused(item))}`)));
  if (report.errors.length > 0) {
    lines.push(
      "",
      "**Could not run**",
      "",
      ...report.errors.flatMap((error) => [`- ${code(error.code)}: ${cell(error.message)}`, ...(error.fix ? [`  Fix: ${cell(error.fix)}`] : [])]),
    );
  }
  // A run that could not run judged nothing: its checks stay folded below, not listed as problems.
  const problems = summary.outcome === "could-not-run" ? [] : report.results.filter(didNotPass);
  if (problems.length > 0) lines.push("", "#### Checks that did not pass", "", ...checkRows(problems));
  const active = report.findings.filter(isListed);
  if (active.length > 0) lines.push("", "#### Findings", "", ...findingRows(active));
  lines.push(...pathSections(report.findings));
  if (report.usage) lines.push("", ...usageLines(report.usage));
  if (report.drift.length > 0) {
    lines.push(
      "",
      "#### Drift from the expected RBAC",
      "",
      ...capped(report.drift.map((item) => `- ${cell(describeObject(item.object))} ${item.change}: ${cell(item.detail)}`)),
    );
  }
  const fixes = remediationLines(report);
  if (fixes.length > 0) lines.push("", "#### Remediation", "", ...fixes);
  if (report.warnings.length > 0) lines.push("", "#### Warnings", "", ...capped(report.warnings.map((warning) => `- ${cell(warning)}`)));
  if (report.results.length > 0) lines.push("", ...details(`All ${report.results.length} checks`, checkRows(report.results)));
  const quiet = report.findings.filter((finding) => !isListed(finding));
  if (quiet.length > 0) lines.push("", ...details(`Expected defaults and suppressed findings (${quiet.length})`, findingRows(quiet)));
  return `${lines.join("\n")}\n`;
};
