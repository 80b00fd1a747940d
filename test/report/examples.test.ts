import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { writeReportFiles } from "../../src/report/write.js";
import { expectGolden } from "../support/golden.js";
import { sampleReports } from "./sample-reports.js";

// reports/examples/ documents every format with real output; this keeps it current.
// Regenerate with UPDATE_GOLDEN=1 npx vitest run --project unit test/report/examples.test.ts
const examples = fileURLToPath(new URL("../../reports/examples/", import.meta.url));

describe("reports/examples", () => {
  it.each([
    ["run", "failures"],
    ["audit", "audit-findings"],
  ])("%s examples are what --out writes today", async (folder, sample) => {
    const target = join(examples, folder);
    const written = await writeReportFiles(sampleReports[sample]!, mkdtempSync(join(tmpdir(), "saprobe-examples-")));
    for (const file of written) expectGolden(join(target, basename(file)), readFileSync(file, "utf8"));
  });
});
