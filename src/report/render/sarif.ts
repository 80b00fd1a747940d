import { createHash } from "node:crypto";
import { didNotPass, needsAttention, type CheckResult, type Finding, type Report, type Severity } from "../../model/report.js";
import { sarifLocationForCheck, sarifLocationForFinding } from "./sarif-location.js";
import { describeEvidence, describeRefused, describeUnconfirmed, stripControl } from "./text.js";
import type { Renderer } from "./types.js";

const LEVELS: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

// GitHub code scanning reads this property to rank security alerts (9+ critical, 7+ high, 4+ medium).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "1.0" };

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: "error" | "warning" | "note" };
  properties: Record<string, unknown>;
}

function text(value: string): string {
  return stripControl(value);
}

// No `name`: our ids are already readable, and SARIF asks tools to omit a name equal to the id.
// GitHub requires fullDescription and help on every rule.
function makeRule(id: string, title: string, severity: Severity, remediation: string | undefined, tags: string[], cis?: string): SarifRule {
  const description = text(title) || id;
  return {
    id,
    shortDescription: { text: description },
    fullDescription: { text: description },
    help: { text: remediation ? text(remediation) : "No remediation text was given for this check; see the report for its evidence." },
    defaultConfiguration: { level: LEVELS[severity] },
    properties: { tags: ["security", "kubernetes", ...tags], "security-severity": SECURITY_SEVERITY[severity], ...(cis ? { cis } : {}) },
  };
}

/** One rule per distinct check id and audit rule id, in first-seen order. */
function collectRules(report: Report): SarifRule[] {
  const rules = new Map<string, SarifRule>();
  for (const result of report.results) {
    if (!rules.has(result.id)) rules.set(result.id, makeRule(result.id, result.title, result.severity, result.remediation, ["rbac", "live-check"]));
  }
  for (const finding of report.findings) {
    if (!rules.has(finding.rule))
      rules.set(finding.rule, makeRule(finding.rule, finding.title, finding.severity, finding.remediation, ["rbac", "audit"], finding.cis));
  }
  return [...rules.values()];
}

function fingerprint(parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

function checkResult(result: CheckResult, ruleIndex: number, report: Report): Record<string, unknown> {
  const prefix = result.status === "error" ? "Could not tell: " : "";
  const evidence = describeEvidence(result.evidence);
  return {
    ruleId: result.id,
    ruleIndex,
    kind: "fail",
    level: LEVELS[result.severity],
    message: { text: text(`${prefix}${result.message} Expected ${result.expected}, observed ${result.observed}.${evidence ? ` Evidence: ${evidence}.` : ""}`) },
    locations: [sarifLocationForCheck(result, report.target)],
    partialFingerprints: { "saprobeCheck/v1": fingerprint([result.id, report.target.server ?? "", report.target.identity?.username ?? ""]) },
    properties: { status: result.status, severity: result.severity, expected: result.expected, observed: result.observed, evidence: result.evidence },
  };
}

/**
 * An object as the v1 fingerprint has always spelled it (`Kind/namespace/name`). Code scanning
 * matches results across runs by fingerprint, so this stays fixed while what people read changes.
 */
function fingerprintName(ref: { kind: string; name: string; namespace?: string } | undefined): string {
  if (!ref) return "";
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

function findingResult(finding: Finding, ruleIndex: number): Record<string, unknown> {
  const prefix = finding.status === "unknown" ? "Could not tell: " : "";
  return {
    ruleId: finding.rule,
    ruleIndex,
    kind: "fail",
    level: LEVELS[finding.severity],
    message: { text: text([`${prefix}${finding.message}`, describeUnconfirmed(finding)].filter(Boolean).join(" ")) || finding.rule },
    locations: [sarifLocationForFinding(finding)],
    partialFingerprints: {
      "saprobeFinding/v1": fingerprint([
        finding.rule,
        fingerprintName(finding.subject),
        fingerprintName(finding.binding),
        fingerprintName(finding.role),
        finding.scope,
      ]),
    },
    ...(finding.suppressed ? { suppressions: [{ kind: "external", justification: text(finding.suppressed.reason) }] } : {}),
    properties: {
      status: finding.status,
      severity: finding.severity,
      scope: finding.scope,
      ...(finding.cis ? { cis: finding.cis } : {}),
      ...(finding.unconfirmed ? { unconfirmed: text(finding.unconfirmed.reason) } : {}),
    },
  };
}

/**
 * SARIF 2.1.0 for code-scanning UIs. A SARIF result is a problem, so failed or undecided checks and
 * audit findings (suppressed ones with their suppression) become results, while passing checks and
 * expected defaults appear only as rules and in the run's summary. Manifest findings point at their
 * file and line; live ones at the API path they concern, because GitHub rejects a file with any
 * result that has no physical location. Run-level errors and refused input are tool execution notifications.
 */
export const renderSarif: Renderer = (report) => {
  const rules = collectRules(report);
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = [
    ...report.results.filter(didNotPass).map((result) => checkResult(result, indexOf.get(result.id) ?? 0, report)),
    ...report.findings.filter(needsAttention).map((finding) => findingResult(finding, indexOf.get(finding.rule) ?? 0)),
  ];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "saprobe",
            semanticVersion: report.tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: [
              ...report.errors.map((error) => ({ level: "error", message: { text: text(`${error.code}: ${error.message}`) } })),
              // A refused manifest document was not audited: the run is not a verdict on it.
              ...(report.input?.refused ?? []).map((item) => ({ level: "error", message: { text: text(`refused input: ${describeRefused(item)}`) } })),
            ],
          },
        ],
        results,
        properties: { command: report.command, target: report.target, summary: report.summary, warnings: report.warnings.map(text) },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
};
