import { describe, expect, it } from "vitest";
import type { CheckResult, Finding } from "../../src/model/report.js";
import { buildReport, exitCodeFor } from "../../src/report/build.js";
import { sampleReports } from "./sample-reports.js";

const base = { command: "run" as const, startedAt: new Date(0), finishedAt: new Date(1000), target: { source: "flags" } };

function result(status: CheckResult["status"]): CheckResult {
  return {
    id: `c-${status}`,
    title: "t",
    probe: "list",
    status,
    severity: "high",
    expected: "allowed",
    expectedSource: "check",
    observed: "x",
    message: "m",
    evidence: {},
    durationMs: 1,
  };
}

function finding(severity: Finding["severity"], overrides: Partial<Finding> = {}): Finding {
  return { rule: "r", severity, status: "finding", title: "t", message: "m", scope: "cluster", rules: [], remediation: "fix.", ...overrides };
}

describe("buildReport", () => {
  it("counts results and active findings once, by status and severity", () => {
    const report = buildReport({
      ...base,
      results: [result("pass"), result("pass"), result("fail"), result("skip"), result("error"), result("info")],
      findings: [
        finding("critical"),
        finding("high"),
        finding("high", { suppressed: { reason: "ok" } }),
        finding("low", { status: "expected" }),
        finding("medium", { status: "unknown" }),
      ],
    });
    expect(report.summary).toEqual({
      total: 6,
      pass: 2,
      fail: 1,
      skip: 1,
      error: 1,
      info: 1,
      findings: { critical: 1, high: 1, medium: 0, low: 0, info: 0 },
      unknown: 1,
      expected: 1,
      outcome: "failed",
    });
    expect(report.startedAt).toBe("1970-01-01T00:00:00.000Z");
    expect(report.tool.name).toBe("saprobe");
  });

  it("passes an empty report and one where every check passed", () => {
    expect(buildReport(base).summary.outcome).toBe("passed");
    expect(buildReport({ ...base, results: [result("pass"), result("skip")] }).summary.outcome).toBe("passed");
    // An observation without an expectation never fails a run.
    expect(buildReport({ ...base, results: [result("pass"), result("info")] }).summary.outcome).toBe("passed");
  });

  it("fails on a check that could not tell, never passing it silently", () => {
    expect(buildReport({ ...base, results: [result("pass"), result("error")] }).summary.outcome).toBe("failed");
  });

  it("weighs findings against failOn, default high", () => {
    const findings = [finding("medium")];
    expect(buildReport({ ...base, command: "audit", findings }).summary.outcome).toBe("passed");
    expect(buildReport({ ...base, command: "audit", findings, failOn: "medium" }).summary.outcome).toBe("failed");
    expect(buildReport({ ...base, command: "audit", findings: [finding("critical", { suppressed: { reason: "known" } })] }).summary.outcome).toBe("passed");
    expect(buildReport({ ...base, command: "audit", findings: [finding("critical", { status: "expected" })] }).summary.outcome).toBe("passed");
    expect(buildReport({ ...base, command: "audit", findings: [finding("high", { status: "unknown" })] }).summary.outcome).toBe("failed");
  });

  it("weighs failed and undecided checks against failChecksOn, default every check", () => {
    const low = (status: CheckResult["status"]): CheckResult => ({ ...result(status), id: `low-${status}`, severity: "low" });
    expect(buildReport({ ...base, results: [low("fail")] }).summary.outcome).toBe("failed");
    expect(buildReport({ ...base, results: [low("fail"), low("error"), result("pass")], failChecksOn: "medium" }).summary.outcome).toBe("passed");
    expect(buildReport({ ...base, results: [low("fail"), result("error")], failChecksOn: "high" }).summary.outcome).toBe("failed");
    expect(buildReport({ ...base, results: [low("fail")], failChecksOn: "low" }).summary.outcome).toBe("failed");
    // Counted all the same: the level decides the outcome, not what the report shows.
    expect(buildReport({ ...base, results: [low("fail")], failChecksOn: "high" }).summary.fail).toBe(1);
    // Drift and run-level errors are not checks: the level does not soften them.
    const object = { kind: "RoleBinding", name: "b", namespace: "n" };
    expect(buildReport({ ...base, drift: [{ object, change: "missing", detail: "d" }], failChecksOn: "critical" }).summary.outcome).toBe("failed");
    expect(buildReport({ ...base, errors: [{ code: "unreachable", message: "m" }], failChecksOn: "critical" }).summary.outcome).toBe("could-not-run");
  });

  it("fails on drift, except drift that could not be compared", () => {
    const object = { kind: "RoleBinding", name: "b", namespace: "n" };
    expect(buildReport({ ...base, drift: [{ object, change: "missing", detail: "d" }] }).summary.outcome).toBe("failed");
    expect(buildReport({ ...base, drift: [{ object, change: "skipped", detail: "forbidden" }] }).summary.outcome).toBe("passed");
  });

  it("calls a run with run-level errors could-not-run, even when some checks passed", () => {
    const report = buildReport({ ...base, results: [result("pass"), result("fail")], errors: [{ code: "E_AUTH", message: "401" }] });
    expect(report.summary.outcome).toBe("could-not-run");
  });
});

describe("exitCodeFor", () => {
  it("maps outcomes to 0, 1 and 3", () => {
    expect(exitCodeFor(sampleReports["all-pass"]!)).toBe(0);
    expect(exitCodeFor(sampleReports["empty-audit"]!)).toBe(0);
    expect(exitCodeFor(sampleReports.failures!)).toBe(1);
    expect(exitCodeFor(sampleReports["audit-findings"]!)).toBe(1);
    expect(exitCodeFor(sampleReports["could-not-run"]!)).toBe(3);
  });

  it("re-weighs findings when given another failOn", () => {
    const report = buildReport({ ...base, command: "audit", findings: [finding("medium")] });
    expect(exitCodeFor(report)).toBe(0);
    expect(exitCodeFor(report, { failOn: "medium" })).toBe(1);
    expect(exitCodeFor(report, { failOn: "critical" })).toBe(0);
    const critical = buildReport({ ...base, command: "audit", findings: [finding("critical")] });
    expect(exitCodeFor(critical, { failOn: "critical" })).toBe(1);
  });
});
