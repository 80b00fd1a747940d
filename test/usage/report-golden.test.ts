import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/index.js";
import { loadManifests } from "../../src/manifests/index.js";
import { buildReport } from "../../src/report/build.js";
import { REPORT_FORMATS, renderers } from "../../src/report/render/index.js";
import { readLogLines, readUsage, usageOutcome, usageSection } from "../../src/usage/index.js";
import { expectGolden } from "../support/golden.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const LOG = "fixtures/usage/audit.log";
const GRANTED = "fixtures/usage/granted.yaml";
const golden = new URL("./golden/", import.meta.url);
const EXTENSIONS = { table: "txt", json: "json", junit: "xml", sarif: "sarif", markdown: "md", html: "html" } as const;

// The granted-vs-used report of the fixed log against the fixed manifests, end to end (reader,
// comparison, report, renderers), in every format. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run test/usage/report-golden.test.ts
async function fixtureReport() {
  const read = await readUsage(readLogLines([LOG], { cwd: ROOT }), { identities: [] });
  const loaded = await loadManifests([GRANTED], { cwd: ROOT });
  const granted = { snapshot: loaded.snapshot, source: "manifests" as const, catalogue: loadCatalogue() };
  const outcome = usageOutcome(read, granted);
  const report = buildReport({
    command: "usage",
    startedAt: new Date("2026-12-07T04:00:00.000Z"),
    finishedAt: new Date("2026-12-07T04:00:00.400Z"),
    target: { source: "manifests", explain: [`read ${GRANTED}`] },
    findings: outcome.findings,
    usage: usageSection(read, [LOG], {}, outcome, granted),
  });
  return { ...report, tool: { name: "saprobe" as const, version: "0.0.0-test" } };
}

describe("the granted-vs-used report of a fixed log, in every format", () => {
  it.each(REPORT_FORMATS)("%s matches its golden file", async (format) => {
    const text = renderers[format](await fixtureReport(), { color: false, width: 120 });
    expectGolden(new URL(`fixture-report.${EXTENSIONS[format]}`, golden), text);
  });

  it("fails at the default level: the unused cluster-admin grant is critical", async () => {
    const report = await fixtureReport();
    expect(report.summary.outcome).toBe("failed");
    expect(report.findings[0]).toMatchObject({ rule: "usage-unused-grant", severity: "critical", role: { kind: "ClusterRole", name: "cluster-admin" } });
  });
});
