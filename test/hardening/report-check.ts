/**
 * Reads a `report.json` that saprobe wrote and checks it against reports/report.schema.json, so a
 * fault that leaves a half-written or malformed report fails the test.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { Report } from "../../src/model/report.js";
import { REPO } from "../support/cli.js";

const schema = JSON.parse(readFileSync(join(REPO, "reports", "report.schema.json"), "utf8")) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat("date-time", { type: "string", validate: (text: string) => !Number.isNaN(Date.parse(text)) });
const validate = ajv.compile(schema);

/** The report in `dir`, or a description of what is wrong with it. */
export function readReport(dir: string): { report: Report; problems: string[] } | { report?: undefined; problems: string[] } {
  const file = join(dir, "report.json");
  if (!existsSync(file)) return { problems: [`${file} was not written`] };
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { problems: [`${file} is not JSON: ${(error as Error).message}`] };
  }
  const valid = validate(report);
  const problems = valid ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""}`);
  return { report: report as Report, problems };
}
