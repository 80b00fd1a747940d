import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReportFiles } from "../../src/report/write.js";
import { sampleReports } from "./sample-reports.js";

const report = sampleReports.failures!;

describe("writeReportFiles", () => {
  it("writes the four formats into a directory it creates", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "saprobe-out-")), "nested", "reports");
    const written = await writeReportFiles(report, dir);
    expect(written).toEqual(["report.json", "report.xml", "report.sarif", "report.md"].map((name) => join(dir, name)));
    expect(readdirSync(dir).sort()).toEqual(["report.json", "report.md", "report.sarif", "report.xml"]);
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8"))).toEqual(report);
    expect(readFileSync(join(dir, "report.xml"), "utf8")).toMatch(/^<\?xml/);
    expect(JSON.parse(readFileSync(join(dir, "report.sarif"), "utf8")).version).toBe("2.1.0");
    expect(readFileSync(join(dir, "report.md"), "utf8")).toMatch(/^### saprobe run/);
  });

  it("creates files nobody else can write, even over a world-writable file of the same name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-out-"));
    writeFileSync(join(dir, "report.json"), "old");
    chmodSync(join(dir, "report.json"), 0o666);
    await writeReportFiles(report, dir);
    for (const name of readdirSync(dir)) {
      const mode = statSync(join(dir, name)).mode & 0o777;
      expect(mode & 0o022, `${name} mode ${mode.toString(8)}`).toBe(0);
    }
    expect(readdirSync(dir).some((name) => name.endsWith(".tmp"))).toBe(false);
  });

  it("replaces a symlink at a report name instead of writing through it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-out-"));
    const victim = join(mkdtempSync(join(tmpdir(), "saprobe-victim-")), "victim.txt");
    writeFileSync(victim, "keep me");
    symlinkSync(victim, join(dir, "report.md"));
    await writeReportFiles(report, dir);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(lstatSync(join(dir, "report.md")).isSymbolicLink()).toBe(false);
  });

  it("fails with the file-system error when the directory cannot be made", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-out-")), "a-file");
    writeFileSync(file, "");
    await expect(writeReportFiles(report, join(file, "reports"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });
});
