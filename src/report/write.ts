import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Report } from "../model/report.js";
import { renderers } from "./render/index.js";
import type { ReportFormat } from "./render/types.js";

/** The files `--out DIR` writes, and the format of each. */
export const REPORT_FILES: ReadonlyArray<{ name: string; format: ReportFormat }> = [
  { name: "report.json", format: "json" },
  { name: "report.xml", format: "junit" },
  { name: "report.sarif", format: "sarif" },
  { name: "report.md", format: "markdown" },
];

/** Report files are readable by a sidecar that uploads them, never writable by others. */
const FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o755;

/**
 * Writes one file so that it ends up with `FILE_MODE` whatever was there before: a fresh temporary
 * file (mode applied at creation, narrowed further by the umask) renamed over the target, which
 * also replaces a symlink at that name instead of writing through it.
 */
function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: FILE_MODE, flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes report.json, report.xml (JUnit), report.sarif and report.md into `dir`, creating it if
 * missing. Returns the paths written, in that order. File-system errors are thrown as they are;
 * the caller names the flag that chose the directory. Synchronous calls: node:fs/promises cost
 * about 3 ms of a run's start-up to load (bench/startup.mjs, `run --out`), for four small files.
 */
export async function writeReportFiles(report: Report, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true, mode: DIRECTORY_MODE });
  // Files get no terminal colour and a generous width: they are read by tools and in editors.
  const options = { color: false, width: 160 };
  const written: string[] = [];
  for (const file of REPORT_FILES) {
    const path = join(dir, file.name);
    writeAtomically(path, renderers[file.format](report, options));
    written.push(path);
  }
  return written;
}
