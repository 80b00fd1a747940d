import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { renderers } from "../../src/report/render/index.js";
import { sampleReports } from "./sample-reports.js";

const run = promisify(execFile);

/** The official validator's native binary, made executable (npm may unpack it without the x bit). */
function multitool(): string {
  const require = createRequire(import.meta.url);
  const binary = require("@microsoft/sarif-multitool") as string;
  chmodSync(binary, 0o755);
  return binary;
}

interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      suppressions?: unknown[];
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } } }>;
    }>;
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: unknown[] }>;
  }>;
}

function sarifOf(name: string): SarifLog {
  return JSON.parse(renderers.sarif(sampleReports[name]!, { color: false, width: 80 })) as SarifLog;
}

describe("SARIF, checked by the official SARIF multitool", () => {
  // One validator process for every file: the tool is a 95 MB .NET binary and its start-up
  // dominates, especially on a busy 2-core machine.
  it("has no errors under the SARIF and GitHub ingestion rules, for every sample report", async () => {
    const binary = multitool();
    const dir = mkdtempSync(join(tmpdir(), "saprobe-sarif-"));
    const inputs = Object.keys(sampleReports).map((name) => {
      const file = join(dir, `${name}.sarif`);
      writeFileSync(file, renderers.sarif(sampleReports[name]!, { color: false, width: 80 }));
      return file;
    });
    const output = join(dir, "validation.json");
    const { stdout } = await run(binary, ["validate", ...inputs, "--output", output, "--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh"], {
      timeout: 110_000,
    });
    expect(stdout).toContain(`Done. ${inputs.length} files scanned.`);
    expect(stdout).toContain("Analysis completed successfully");
    type Validation = {
      runs: Array<{
        results?: Array<{
          level?: string;
          ruleId: string;
          message: { text?: string };
          locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
        }>;
      }>;
    };
    const validation = JSON.parse(readFileSync(output, "utf8")) as Validation;
    const errors = (validation.runs[0]?.results ?? []).filter((result) => result.level === "error");
    expect(errors.map((error) => `${error.locations?.[0]?.physicalLocation?.artifactLocation?.uri}: ${error.ruleId} ${error.message.text ?? ""}`)).toEqual([]);
  }, 120_000);

  it("is actually checked: the validator reports an error for a broken log", async () => {
    const binary = multitool();
    const dir = mkdtempSync(join(tmpdir(), "saprobe-sarif-"));
    const input = join(dir, "broken.sarif");
    const log = sarifOf("audit-findings") as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete log.runs[0]!.results[0]!.message;
    writeFileSync(input, JSON.stringify(log));
    const output = `${input}.validation.json`;
    await run(binary, ["validate", input, "--output", output, "--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh"], { timeout: 110_000 }).catch(
      () => undefined,
    );
    const validation = JSON.parse(readFileSync(output, "utf8")) as { runs: Array<{ results?: Array<{ level?: string }> }> };
    expect((validation.runs[0]?.results ?? []).some((result) => result.level === "error")).toBe(true);
  }, 120_000);

  it("maps severities to levels and points manifest findings at file and line", () => {
    const log = sarifOf("audit-findings");
    const run0 = log.runs[0]!;
    const byRule = (id: string) => run0.results.filter((result) => result.ruleId === id);
    expect(byRule("cluster-admin-binding").map((result) => result.level)).toEqual(["error"]);
    expect(byRule("secrets-read")[0]?.level).toBe("error");
    expect(byRule("pods-create")[0]?.level).toBe("warning");
    expect(byRule("nodes-proxy")[0]?.level).toBe("note");
    expect(byRule("nodes-proxy")[0]?.suppressions).toHaveLength(1);
    const location = byRule("cluster-admin-binding")[0]?.locations[0]?.physicalLocation;
    expect(location).toEqual({ artifactLocation: { uri: "manifests/dashboard.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 12, startColumn: 1 } });
    expect(byRule("secrets-read")[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("charts/runner%20templates/rbac.yaml");
    for (const result of run0.results) expect(run0.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
  });

  it("reports failed checks and run-level errors, not passes", () => {
    expect(sarifOf("all-pass").runs[0]?.results).toEqual([]);
    const failures = sarifOf("failures").runs[0]!;
    expect(failures.results.map((result) => result.ruleId)).toEqual(["list-pods-all", "watch-nodes"]);
    expect(failures.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("api/v1/pods");
    const couldNotRun = sarifOf("could-not-run").runs[0]!;
    expect(couldNotRun.invocations[0]?.executionSuccessful).toBe(false);
    expect(couldNotRun.invocations[0]?.toolExecutionNotifications).toHaveLength(1);
  });
});
