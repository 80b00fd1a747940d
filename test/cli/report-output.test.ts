import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import type { CommandIo } from "../../src/cli/command.js";
import { InputError, UsageError } from "../../src/model/errors.js";
import { outputFlags } from "../../src/cli/output-flags.js";
import { emitReport, renderOptionsFor } from "../../src/cli/report-output.js";
import { runCli } from "../support/cli.js";
import { readReport } from "../hardening/report-check.js";
import { sampleReports } from "../report/sample-reports.js";

function fakeIo(options: { tty?: boolean; env?: NodeJS.ProcessEnv; columns?: number; cwd?: string } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty ?? false, columns: options.columns });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let out = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const io: CommandIo = { stdout, stderr, stdin: new PassThrough(), env: options.env ?? {}, cwd: options.cwd ?? tmpdir() };
  return { io, output: () => out };
}

const parse = (argv: string[]) => parseArgs(argv, outputFlags, "run");

describe("outputFlags", () => {
  it("accept -o FORMAT and --out DIR, and reject unknown formats", () => {
    const args = parse(["-o", "sarif", "--out", "reports/"]);
    expect(args.flags.output).toBe("sarif");
    expect(args.flags.out).toBe("reports/");
    expect(parse([]).flags.output).toBe("table");
    expect(() => parse(["-o", "pdf"])).toThrow(UsageError);
  });
});

describe("renderOptionsFor", () => {
  it("colours only on a terminal without NO_COLOR, and uses its width", () => {
    expect(renderOptionsFor(fakeIo({ tty: true, columns: 91 }).io)).toEqual({ color: true, width: 91 });
    expect(renderOptionsFor(fakeIo({ tty: true, columns: 91, env: { NO_COLOR: "1" } }).io).color).toBe(false);
    expect(renderOptionsFor(fakeIo({ tty: true, env: { NO_COLOR: "" } }).io).color).toBe(true);
    expect(renderOptionsFor(fakeIo({ tty: false }).io)).toEqual({ color: false, width: 120 });
    expect(renderOptionsFor(fakeIo({ tty: false, env: { COLUMNS: "70" } }).io).width).toBe(70);
  });
});

describe("emitReport", () => {
  it("prints the chosen format and returns the report's exit code", async () => {
    const { io, output } = fakeIo();
    expect(await emitReport(sampleReports.failures!, parse(["-o", "json"]), io)).toBe(1);
    expect(JSON.parse(output()).summary.outcome).toBe("failed");
    const pass = fakeIo();
    expect(await emitReport(sampleReports["all-pass"]!, parse([]), pass.io)).toBe(0);
    expect(pass.output()).toContain("Outcome: PASSED");
    expect(await emitReport(sampleReports["could-not-run"]!, parse(["-o", "markdown"]), fakeIo().io)).toBe(3);
  });

  it("writes the four files under --out, relative to the working directory", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "saprobe-cwd-"));
    const { io } = fakeIo({ cwd });
    await emitReport(sampleReports["audit-findings"]!, parse(["--out", "reports/"]), io);
    expect(readdirSync(join(cwd, "reports")).sort()).toEqual(["report.json", "report.md", "report.sarif", "report.xml"]);
  });

  it("--out alone writes the four files into reports/ under the working directory", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "saprobe-cwd-"));
    const { io } = fakeIo({ cwd });
    await emitReport(sampleReports["audit-findings"]!, parse(["--out", "-o", "json"]), io);
    expect(readdirSync(join(cwd, "reports")).sort()).toEqual(["report.json", "report.md", "report.sarif", "report.xml"]);
  });

  it("names --out when the directory cannot be written, after printing the report", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "saprobe-cwd-"));
    writeFileSync(join(cwd, "blocked"), "");
    const { io, output } = fakeIo({ cwd });
    const failure = emitReport(sampleReports.failures!, parse(["--out", "blocked/reports"]), io);
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/--out blocked\/reports/);
    expect(output()).toContain("Outcome: FAILED");
  });
});

describe("--out when there is no usable connection at all (exit 2)", () => {
  it.each(["run", "audit"])("saprobe %s still writes the four files, with the reason in errors, and prints no report on stdout", async (command) => {
    const home = mkdtempSync(join(tmpdir(), "saprobe-nohome-"));
    const out = join(home, "reports");
    const result = await runCli([command, "--out", out, "-o", "json"], { env: { HOME: home }, cwd: home });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no usable connection to a Kubernetes API server");
    const { report, problems } = readReport(out);
    expect(problems).toEqual([]);
    expect(report?.command).toBe(command);
    expect(report?.summary.outcome).toBe("could-not-run");
    expect(report?.errors.map((error) => error.code)).toEqual(["E_CONNECTION_CONFIG"]);
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md", "report.sarif", "report.xml"]);
  });

  it("writes nothing when --out is not given", async () => {
    const home = mkdtempSync(join(tmpdir(), "saprobe-nohome-"));
    const result = await runCli(["run"], { env: { HOME: home }, cwd: home });
    expect(result.code).toBe(2);
    expect(readdirSync(home)).toEqual([]);
  });
});
