import { describe, expect, it } from "vitest";
import { isActionable, isListed, needsAttention, toRemediate, type CheckResult, type Finding } from "../../src/model/report.js";

const finding = (status: Finding["status"], suppressed?: boolean): Pick<Finding, "status" | "suppressed"> => ({
  status,
  ...(suppressed ? { suppressed: { reason: "known" } } : {}),
});

describe("the report model's predicates, the ones every renderer uses", () => {
  it("lists findings and unknown verdicts that no allowlist entry suppresses; acts only on findings proper", () => {
    const cases = [finding("finding"), finding("unknown"), finding("expected"), finding("finding", true), finding("unknown", true)];
    expect(cases.map(needsAttention)).toEqual([true, true, false, true, true]);
    expect(cases.map(isListed)).toEqual([true, true, false, false, false]);
    expect(cases.map(isActionable)).toEqual([true, false, false, false, false]);
  });

  it("remediates the checks that did not pass (failed or could not tell) and the findings to act on", () => {
    const result = (id: string, status: CheckResult["status"]) => ({ id, status }) as CheckResult;
    const item = (rule: string, status: Finding["status"], suppressed?: boolean) => ({ rule, ...finding(status, suppressed) }) as Finding;
    const chosen = toRemediate({
      results: [result("a", "pass"), result("b", "fail"), result("c", "error"), result("d", "skip"), result("e", "info")],
      findings: [item("x", "finding"), item("y", "finding", true), item("z", "unknown"), item("w", "expected")],
    });
    expect(chosen.checks.map((check) => check.id)).toEqual(["b", "c"]);
    expect(chosen.findings.map((found) => found.rule)).toEqual(["x"]);
  });
});
