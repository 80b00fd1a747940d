import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderers } from "../../src/report/render/index.js";
import { sampleReports } from "./sample-reports.js";

// Golden files: review a change to one like a change to the code. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run --project unit test/report/golden.test.ts
const directory = new URL("./golden/", import.meta.url);
const cases: Array<[string, "table" | "markdown" | "json" | "junit" | "sarif", string, number]> = [
  ["failures", "table", "failures.table.txt", 100],
  ["failures", "table", "failures.narrow.table.txt", 60],
  ["audit-findings", "table", "audit-findings.table.txt", 120],
  ["empty-run", "table", "empty-run.table.txt", 80],
  ["could-not-run", "table", "could-not-run.table.txt", 100],
  ["input-refused", "table", "input-refused.table.txt", 100],
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

describe("golden output", () => {
  it.each(cases)("%s as %s matches %s", (name, format, file, width) => {
    const output = renderers[format](sampleReports[name]!, { color: false, width });
    const path = new URL(file, directory);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(directory, { recursive: true });
      writeFileSync(path, output);
    }
    // A missing golden is a failure, not a new golden: only UPDATE_GOLDEN=1 writes one.
    expect(existsSync(path), `${file} is missing: write it with UPDATE_GOLDEN=1 and read the diff`).toBe(true);
    expect(output).toBe(readFileSync(path, "utf8"));
  });
});
