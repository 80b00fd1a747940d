import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { renderers } from "../../src/report/render/index.js";
import { expectGolden } from "../support/golden.js";
import { sampleReports } from "./sample-reports.js";

// Golden files: review a change to one like a change to the code. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run --project unit test/report/golden.test.ts
const directory = new URL("./golden/", import.meta.url);
const tables = ["failures", "audit-findings", "empty-run", "could-not-run", "input-refused"];
const cases: Array<[string, "table" | "markdown" | "json" | "junit" | "sarif", string, number]> = [
  ...tables.flatMap(
    (name): Array<[string, "table", string, number]> => [
      [name, "table", `${name}.80.table.txt`, 80],
      [name, "table", `${name}.120.table.txt`, 120],
    ],
  ),
  ["failures", "table", "failures.60.table.txt", 60],
  ["failures", "markdown", "failures.md", 80],
  ["audit-findings", "markdown", "audit-findings.md", 80],
  ["all-pass", "markdown", "all-pass.md", 80],
  // The granted-vs-used report of `saprobe usage`, in every format.
  ["usage", "table", "usage.table.txt", 120],
  ["usage", "markdown", "usage.md", 80],
  ["usage", "json", "usage.json", 80],
  ["usage", "junit", "usage.xml", 80],
  ["usage", "sarif", "usage.sarif", 80],
];

/** Every name a reader looks for in a report: check ids, rule ids, subjects' names and kinds (the table folds the expected defaults into a count). */
function identifiers(report: Report): string[] {
  const listed = report.findings.filter((finding) => finding.status !== "expected");
  const objects = listed.flatMap((finding) => [finding.subject, finding.binding, finding.role]).concat(report.drift.map((item) => item.object));
  return [
    ...report.results.map((result) => result.id),
    ...listed.map((finding) => finding.rule),
    ...objects.flatMap((object) => (object ? [object.kind, object.name] : [])),
    ...(report.target.identity ? [report.target.identity.username] : []),
  ];
}

describe("golden output", () => {
  it.each(cases)("%s as %s matches %s", (name, format, file, width) => {
    const output = renderers[format](sampleReports[name]!, { color: false, width });
    expectGolden(new URL(file, directory), output);
  });

  it.each(cases.filter(([, format]) => format === "table"))("%s as %s in %s: no line over the width, no identifier broken", (name, _format, _file, width) => {
    const report = sampleReports[name]!;
    const output = renderers.table(report, { color: false, width });
    expect(output.split("\n").filter((line) => line.length > width)).toEqual([]);
    // A name cut across two lines (or two cells) no longer appears whole in the output.
    expect(identifiers(report).filter((identifier) => !output.includes(identifier))).toEqual([]);
  });

  it.each(tables.flatMap((name) => [80, 120].map((width): [string, number] => [name, width])))(
    "%s at %i columns says the outcome in its first three lines",
    (name, width) => {
      const report = sampleReports[name]!;
      const firstLines = renderers.table(report, { color: false, width }).split("\n").slice(0, 3).join("\n");
      expect(firstLines).toContain(`Outcome: ${report.summary.outcome.toUpperCase()}.`);
    },
  );
});
