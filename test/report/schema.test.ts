import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { REPORT_SCHEMA_VERSION, type Report } from "../../src/model/report.js";
import { renderers } from "../../src/report/render/index.js";
import { sampleReports } from "./sample-reports.js";

const schema = JSON.parse(readFileSync(new URL("../../reports/report.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;

function makeValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // RFC 3339 date-time, as `Date.toISOString()` writes it; ajv-formats is not a dependency.
  ajv.addFormat("date-time", {
    type: "string",
    validate: (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text)),
  });
  return ajv.compile(schema);
}

const validate = makeValidator();

function errorsOf(value: unknown): string {
  validate(value);
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`).join("; ");
}

describe("reports/report.schema.json", () => {
  it("carries the model's schema version", () => {
    expect((schema.properties as { schemaVersion: { const: string } }).schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
  });

  it.each(Object.entries(sampleReports))("accepts report.json of %s", (_name, report) => {
    const json = JSON.parse(renderers.json(report, { color: false, width: 80 })) as unknown;
    expect(errorsOf(json)).toBe("");
  });

  it("rejects a field the model does not have, so schema and model cannot drift apart silently", () => {
    const report = structuredClone(sampleReports.failures) as Report & { extra?: unknown };
    report.extra = 1;
    expect(errorsOf(report)).toContain("must NOT have additional properties");
    const result = structuredClone(sampleReports.failures) as Report;
    (result.results[0] as unknown as Record<string, unknown>).verdict = "pass";
    expect(errorsOf(result)).toContain("/results/0");
  });

  it("rejects wrong vocabularies and dates", () => {
    const report = structuredClone(sampleReports["audit-findings"]) as Report;
    (report.findings[0] as unknown as Record<string, unknown>).severity = "urgent";
    (report.summary as unknown as Record<string, unknown>).outcome = "ok";
    (report as unknown as Record<string, unknown>).startedAt = "yesterday";
    const errors = errorsOf(report);
    expect(errors).toContain("/findings/0/severity");
    expect(errors).toContain("/summary/outcome");
    expect(errors).toContain("/startedAt");
  });
});
