import { execFileSync } from "node:child_process";
import { parse, type TestCase } from "junit2json";
import { describe, expect, it } from "vitest";
import { renderers } from "../../src/report/render/index.js";
import { HOSTILE, sampleReports } from "./sample-reports.js";

// junit2json reads JUnit XML with xml2js in strict mode, the way CI reporters such as
// dorny/test-reporter do, and throws on malformed XML.
async function read(name: string) {
  const xml = renderers.junit(sampleReports[name]!, { color: false, width: 80 });
  const parsed = await parse(xml);
  if (!parsed || !("testsuite" in parsed)) throw new Error("expected <testsuites>");
  return { xml, parsed, cases: (parsed.testsuite ?? []).flatMap((suite) => suite.testcase ?? []) };
}

function outcome(test: TestCase): string {
  if (test.failure) return "failure";
  if (test.error) return "error";
  if (test.skipped) return "skipped";
  return "passed";
}

describe("JUnit XML, read by a real consumer", () => {
  it("has one testcase per check with failures, errors and skips where the report has them", async () => {
    const { parsed, cases } = await read("failures");
    expect(parsed.tests).toBe(7);
    expect(parsed.failures).toBe(2);
    expect(parsed.errors).toBe(1);
    expect(cases.map((test) => [test.name, outcome(test)])).toEqual([
      ["tls-system-ca: Check tls-system-ca", "passed"],
      ["version: Check version", "passed"],
      ["list-nodes: Check list-nodes", "passed"],
      ["list-pods-all: Check list-pods-all", "failure"],
      ["watch-nodes: Check watch-nodes", "error"],
      ["list-secrets: Check list-secrets", "skipped"],
      ["RoleBinding saprobe/saprobe: missing-subject", "failure"],
    ]);
    const failure = cases[3]?.failure?.[0];
    expect(failure?.message).toBe("Listing pods in all namespaces was allowed but the expected RBAC denies it (over-privileged).");
    expect(failure?.inner).toContain("evidence: httpStatus=200, items=3");
    expect(failure?.inner).toContain("remediation: Remove the ClusterRoleBinding");
  });

  it("has one testcase per audit finding, with the source line in the details", async () => {
    const { parsed, cases } = await read("audit-findings");
    expect(parsed.testsuite?.[0]?.name).toBe("saprobe audit: findings");
    // The report lists findings most severe first: critical, critical (a path), high, high (unknown), medium, low, info.
    expect(cases.map(outcome)).toEqual(["failure", "failure", "failure", "error", "failure", "skipped", "passed"]);
    expect(cases[0]?.failure?.[0]?.inner).toContain("source: manifests/dashboard.yaml:12:1");
    expect(cases[5]?.skipped?.[0]?.message).toBe("suppressed: monitoring needs it");
  });

  it("still has a suite for an empty run, and an error testcase when the run could not start", async () => {
    expect((await read("empty-run")).parsed.testsuite).toHaveLength(1);
    const { cases } = await read("could-not-run");
    expect(cases.map(outcome)).toEqual(["error", "error"]);
  });

  it("survives hostile strings: escaped, without control characters, messages intact", async () => {
    const { xml, cases } = await read("hostile");
    expect(xml).not.toContain(HOSTILE);
    const message = cases[0]?.failure?.[0]?.message ?? "";
    expect(message.startsWith(`<&"'> RED link | *bold* @admin \`tick\``)).toBe(true);
    expect(message).toContain("]]> end");
    expect(message.length).toBeGreaterThan(10_000);
  });

  it("is well-formed XML to a second, independent parser (Python's expat)", () => {
    for (const report of Object.values(sampleReports)) {
      const xml = renderers.junit(report, { color: false, width: 80 });
      const count = execFileSync(
        "python3",
        ["-c", "import sys, xml.dom.minidom as m; print(len(m.parseString(sys.stdin.buffer.read()).getElementsByTagName('testcase')))"],
        { input: xml },
      );
      expect(Number(count.toString())).toBe((xml.match(/<testcase /g) ?? []).length);
    }
  });
});
