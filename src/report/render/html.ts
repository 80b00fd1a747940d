import { didNotPass, isActionable, type CheckResult, type Finding, type Report } from "../../model/report.js";
import { describeEvidence, describeObject, describeSource, describeUnconfirmed, stripControl } from "./text.js";
import type { Renderer } from "./types.js";

/*
 * One self-contained HTML page for the people who read reports rather than pipelines: no script, no
 * font, no image, nothing fetched when it is opened. Every string from the report is escaped.
 */

/** Text made safe for HTML element content and attribute values. */
function escape(text: unknown): string {
  return stripControl(String(text ?? "")).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.target{color:#57606a;margin:0 0 1rem}.outcome{display:inline-block;padding:.35rem .8rem;border-radius:6px;font-weight:600;color:#fff}
.passed{background:#1a7f37}.failed{background:#cf222e}.could-not-run{background:#8250df}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}code.id{white-space:nowrap;overflow-wrap:normal}
.status{font-weight:600}.pass{color:#1a7f37}.fail,.finding{color:#cf222e}.skip{color:#9a6700}.error,.unknown{color:#8250df}.expected,.suppressed{color:#57606a}
details summary{cursor:pointer;color:#0969da}ul{margin:.25rem 0;padding-left:1.25rem}svg text{font:12px system-ui,sans-serif}
`;

function section(title: string, body: string): string {
  return `<section><h2>${escape(title)}</h2>${body}</section>`;
}

function checkRow(result: CheckResult): string {
  const evidence =
    Object.keys(result.evidence).length > 0 ? `<details><summary>evidence</summary><code>${escape(describeEvidence(result.evidence))}</code></details>` : "";
  const request = result.request ? `<div><code>${escape(`${result.request.method} ${result.request.path}`)}</code></div>` : "";
  const fix = result.remediation && didNotPass(result) ? `<div>Fix: ${escape(result.remediation)}</div>` : "";
  return `<tr><td class="status ${escape(result.status)}">${escape(result.status.toUpperCase())}</td><td><code class="id">${escape(result.id)}</code><div>${escape(result.title)}</div></td><td>${escape(result.severity)}</td><td>${escape(result.expected)}</td><td>${escape(result.observed)}</td><td>${escape(result.message)}${request}${evidence}${fix}</td></tr>`;
}

/** One hop of an attack path, read defensively: the field is another helper's and optional. */
interface Hop {
  permission: string;
  grant: string;
  identity: string;
}

function describePart(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && "kind" in value && "name" in value) return describeObject(value as { kind: string; name: string; namespace?: string });
  return JSON.stringify(value);
}

function hopsOf(finding: Finding): Hop[] {
  return (finding.path ?? []).map((hop) => ({
    permission: describePart(hop.permission),
    grant: hop.grants.map((grant) => `${describeObject(grant.binding)} -> ${describeObject(grant.role)}`).join("; "),
    identity: describePart(hop.reaches),
  }));
}

const BOX_WIDTH = 320;
const BOX_HEIGHT = 34;
const GAP = 110;

/** A path as boxes (the subject, then each identity reached) joined by arrows labelled with the permission. */
function pathGraph(finding: Finding): string {
  const hops = hopsOf(finding);
  if (hops.length === 0) return "";
  const nodes = [describeObject(finding.subject) || "subject", ...hops.map((hop) => hop.identity || "?")];
  const height = nodes.length * BOX_HEIGHT + (nodes.length - 1) * GAP + 2;
  const shorten = (text: string): string => (text.length > 46 ? `${text.slice(0, 45)}…` : text);
  const parts = nodes.map((node, index) => {
    const y = 1 + index * (BOX_HEIGHT + GAP);
    const box = `<g><title>${escape(node)}</title><rect x="1" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="6" fill="#f6f8fa" stroke="#57606a"/><text x="${1 + BOX_WIDTH / 2}" y="${y + 21}" text-anchor="middle">${escape(shorten(node))}</text></g>`;
    const hop = hops[index];
    if (!hop) return box;
    const from = y + BOX_HEIGHT;
    const to = from + GAP - 4;
    const arrow = `<line x1="${1 + BOX_WIDTH / 2}" y1="${from}" x2="${1 + BOX_WIDTH / 2}" y2="${to}" stroke="#cf222e" stroke-width="2" marker-end="url(#arrow)"/>`;
    const labels = [hop.permission, hop.grant]
      .filter(Boolean)
      .map(
        (label, line) =>
          `<text x="${BOX_WIDTH / 2 + 12}" y="${from + 40 + line * 16}"><title>${escape(label)}</title>${escape(label.length > 70 ? `${label.slice(0, 69)}…` : label)}</text>`,
      );
    return `${box}${arrow}${labels.join("")}`;
  });
  const marker = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#cf222e"/></marker></defs>`;
  return `<svg class="path" role="img" aria-label="attack path" width="720" height="${height}" viewBox="0 0 720 ${height}">${marker}${parts.join("")}</svg>`;
}

function findingRow(finding: Finding): string {
  const verdict = finding.suppressed ? "suppressed" : finding.status;
  const where = describeSource(finding.source);
  const via = [finding.binding, finding.role]
    .filter(Boolean)
    .map((ref) => escape(describeObject(ref)))
    .join(" → ");
  const details = [
    via ? `<div>via ${via}</div>` : "",
    where ? `<div><code>${escape(where)}</code></div>` : "",
    finding.suppressed ? `<div>Suppressed: ${escape(finding.suppressed.reason)}</div>` : "",
    finding.confirmation ? `<div>Server: ${escape(finding.confirmation.detail)}</div>` : "",
    finding.unconfirmed ? `<div>${escape(describeUnconfirmed(finding))}</div>` : "",
    isActionable(finding) ? `<div>Fix: ${escape(finding.remediation)}</div>` : "",
    pathGraph(finding),
  ].join("");
  const scope = finding.scope === "cluster" ? "cluster-wide" : `in ${finding.scope}`;
  return `<tr><td>${escape(finding.severity)}</td><td><code class="id">${escape(finding.rule)}</code></td><td class="status ${escape(verdict)}">${escape(verdict)}</td><td>${escape(describeObject(finding.subject))}<div>${escape(scope)}</div></td><td>${escape(finding.message)}${details}</td></tr>`;
}

function summaryLine(report: Report): string {
  const summary = report.summary;
  const parts: string[] = [];
  if (report.command === "run" || report.results.length > 0)
    parts.push(`Checks: ${summary.pass} passed, ${summary.fail} failed, ${summary.skip} skipped, ${summary.error} could not tell.`);
  if (report.command === "audit" || report.findings.length > 0)
    parts.push(
      `Findings: ${Object.entries(summary.findings)
        .map(([severity, count]) => `${count} ${severity}`)
        .join(", ")}, ${summary.unknown} unknown.`,
    );
  return parts.join(" ");
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((item) => `<li>${escape(item)}</li>`).join("")}</ul>`;
}

/** A self-contained HTML page: the outcome first, then checks with evidence, findings with their paths, drift. */
export const renderHtml: Renderer = (report) => {
  const target = report.target;
  const identity = target.identity ? ` as ${target.identity.username}` : "";
  const body = [
    `<h1>saprobe ${escape(report.command)}</h1>`,
    `<p class="target">${escape(`${target.server ?? "(no server)"}${identity} via ${target.source} · saprobe ${report.tool.version} · ${report.startedAt}`)}</p>`,
    `<p><span class="outcome ${escape(report.summary.outcome)}">${escape(report.summary.outcome.toUpperCase())}</span> ${escape(summaryLine(report))}</p>`,
  ];
  if (report.errors.length > 0) body.push(section("Could not run", list(report.errors.map((error) => `${error.code}: ${error.message}`))));
  if (report.command === "run" || report.results.length > 0) {
    body.push(
      section(
        "Checks",
        report.results.length === 0
          ? "<p>No checks ran.</p>"
          : `<table><thead><tr><th>Status</th><th>Check</th><th>Severity</th><th>Expected</th><th>Observed</th><th>Message and evidence</th></tr></thead><tbody>${report.results.map(checkRow).join("")}</tbody></table>`,
      ),
    );
  }
  if (report.command === "audit" || report.findings.length > 0) {
    body.push(
      section(
        "Findings",
        report.findings.length === 0
          ? "<p>No findings.</p>"
          : `<table><thead><tr><th>Severity</th><th>Rule</th><th>Verdict</th><th>Subject</th><th>Message and path</th></tr></thead><tbody>${report.findings.map(findingRow).join("")}</tbody></table>`,
      ),
    );
  }
  if (report.drift.length > 0)
    body.push(section("Drift from the expected RBAC", list(report.drift.map((item) => `${describeObject(item.object)} ${item.change}: ${item.detail}`))));
  if (report.warnings.length > 0) body.push(section("Warnings", list(report.warnings)));
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>saprobe ${escape(report.command)}: ${escape(report.summary.outcome)}</title><style>${STYLE}</style></head><body>${body.join("\n")}</body></html>\n`;
};
