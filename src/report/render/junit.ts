import type { CheckResult, DriftItem, ErrorValue, Finding, RefusedInput, Report } from "../../model/report.js";
import { describeEvidence, describeObject, describeRefused, describeSource } from "./text.js";
import type { Renderer } from "./types.js";
import { xmlAttributes, xmlText } from "./xml.js";

/** One `<testcase>` before it becomes XML. */
interface TestCase {
  name: string;
  classname: string;
  seconds: number;
  outcome: "passed" | "failure" | "error" | "skipped";
  message?: string;
  type?: string;
  details?: string;
}

function lines(entries: Array<[string, string | undefined]>): string {
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
    .map(([label, value]) => `${label}: ${value}`)
    .join("\n");
}

function checkCase(result: CheckResult, command: string): TestCase {
  // An observation without an expectation ran and judged nothing: a passed case that says what it saw.
  const outcome = { pass: "passed", fail: "failure", error: "error", skip: "skipped", info: "passed" } as const;
  return {
    name: `${result.id}: ${result.title}`,
    classname: `saprobe.${command}.${result.probe}`,
    seconds: result.durationMs / 1000,
    outcome: outcome[result.status],
    message: result.error ? `${result.error.code}: ${result.error.message}` : result.message,
    type: `${result.status} (${result.severity})`,
    details: lines([
      ["message", result.message],
      ["expected", `${result.expected} (from ${result.expectedSource})`],
      ["observed", result.observed],
      ["request", result.request ? `${result.request.method} ${result.request.path}` : undefined],
      ["evidence", describeEvidence(result.evidence)],
      ["error", result.error ? `${result.error.code}: ${result.error.message}` : undefined],
      ["remediation", result.remediation],
    ]),
  };
}

function findingCase(finding: Finding, command: string): TestCase {
  const subject = describeObject(finding.subject) || finding.scope;
  const outcome = finding.suppressed ? "skipped" : { finding: "failure", expected: "passed", unknown: "error" }[finding.status];
  return {
    name: `${finding.rule}: ${subject}`,
    classname: `saprobe.${command}.${finding.rule}`,
    seconds: 0,
    outcome: outcome as TestCase["outcome"],
    message: finding.suppressed ? `suppressed: ${finding.suppressed.reason}` : finding.message,
    type: `${finding.status} (${finding.severity})`,
    details: lines([
      ["message", finding.message],
      ["subject", describeObject(finding.subject)],
      ["binding", describeObject(finding.binding)],
      ["role", describeObject(finding.role)],
      ["scope", finding.scope],
      ["rules", finding.rules.length > 0 ? JSON.stringify(finding.rules) : undefined],
      ["source", describeSource(finding.source)],
      ["cis", finding.cis],
      ["confirmation", finding.confirmation ? `${finding.confirmation.agreed ? "agreed" : "disagreed"}: ${finding.confirmation.detail}` : undefined],
      ["unconfirmed", finding.unconfirmed?.reason],
      ["remediation", finding.remediation],
    ]),
  };
}

function driftCase(item: DriftItem, command: string): TestCase {
  return {
    name: `${describeObject(item.object)}: ${item.change}`,
    classname: `saprobe.${command}.drift`,
    seconds: 0,
    outcome: item.change === "skipped" ? "skipped" : "failure",
    message: item.detail,
    type: item.change,
    details: item.detail,
  };
}

function errorCase(error: ErrorValue, command: string): TestCase {
  return { name: error.code, classname: `saprobe.${command}`, seconds: 0, outcome: "error", message: error.message, type: error.code, details: error.message };
}

function refusedCase(refused: RefusedInput, command: string): TestCase {
  const place = describeRefused(refused);
  return { name: refused.file, classname: `saprobe.${command}.input`, seconds: 0, outcome: "error", message: place, type: "E_MANIFEST", details: place };
}

function testcaseXml(test: TestCase): string {
  const open = `    <testcase${xmlAttributes({ name: test.name, classname: test.classname, time: test.seconds.toFixed(3) })}`;
  if (test.outcome === "passed") return `${open}/>`;
  const element = test.outcome;
  const body = test.details ? `${xmlText(test.details)}` : "";
  const attributes = xmlAttributes({ message: test.message, type: test.type });
  return `${open}>\n      <${element}${attributes}>${body}</${element}>\n    </testcase>`;
}

function suiteXml(name: string, tests: TestCase[], report: Report): string {
  // The tallies are taken from the testcases written just below, so attributes and elements agree.
  const tally = (outcome: TestCase["outcome"]): number => tests.filter((test) => test.outcome === outcome).length;
  const seconds = tests.reduce((sum, test) => sum + test.seconds, 0);
  const open = `  <testsuite${xmlAttributes({
    name,
    tests: tests.length,
    failures: tally("failure"),
    errors: tally("error"),
    skipped: tally("skipped"),
    time: seconds.toFixed(3),
    timestamp: report.startedAt,
  })}>`;
  const properties = Object.entries({
    "saprobe.version": report.tool.version,
    server: report.target.server,
    source: report.target.source,
    context: report.target.context,
    identity: report.target.identity?.username,
    outcome: report.summary.outcome,
  })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `      <property${xmlAttributes({ name: key, value })}/>`);
  return [open, "    <properties>", ...properties, "    </properties>", ...tests.map(testcaseXml), "  </testsuite>"].join("\n");
}

/**
 * JUnit XML as CI systems read it: one testcase per check, per audit finding and per drift item;
 * fail → `<failure>`, error or unknown → `<error>`, skip or suppressed → `<skipped>`; the message
 * attribute carries the sentence and the body the evidence. Run-level errors are testcases too,
 * so a run that could not start is red in CI rather than empty.
 */
export const renderJunit: Renderer = (report) => {
  const command = report.command;
  const suites: Array<[string, TestCase[]]> = [
    [`saprobe ${command}: checks`, report.results.map((result) => checkCase(result, command))],
    [`saprobe ${command}: findings`, report.findings.map((finding) => findingCase(finding, command))],
    [`saprobe ${command}: drift`, report.drift.map((item) => driftCase(item, command))],
    [`saprobe ${command}: errors`, report.errors.map((error) => errorCase(error, command))],
    [`saprobe ${command}: refused input`, (report.input?.refused ?? []).map((item) => refusedCase(item, command))],
  ];
  // The command's main suite stays even when empty, so every report has at least one testsuite.
  const mainSuite = command === "run" ? 0 : 1;
  const kept = suites.filter(([, tests], index) => tests.length > 0 || index === mainSuite);
  const all = kept.flatMap(([, tests]) => tests);
  const count = (outcome: TestCase["outcome"]): number => all.filter((test) => test.outcome === outcome).length;
  const open = `<testsuites${xmlAttributes({
    name: `saprobe ${command}`,
    tests: all.length,
    failures: count("failure"),
    errors: count("error"),
    skipped: count("skipped"),
    time: ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(3),
  })}>`;
  const body = kept.map(([name, tests]) => suiteXml(name, tests, report));
  return ['<?xml version="1.0" encoding="UTF-8"?>', open, ...body, "</testsuites>", ""].join("\n");
};
