// Runs the built CLI (`bin/saprobe.js`, the dist bundle) as a user would: `audit --manifests DIR -o json`
// over one case's files, and hands back the report's findings and errors.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The CLI every comparison runs: the repository's own build, never a globally installed one. */
export const SAPROBE = join(REPO, "bin", "saprobe.js");

/** Audits one case's files offline; resolves to { findings, errors, warnings, exitCode }. */
export function auditCase(files) {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-peer-"));
  files.forEach((file, index) => writeFileSync(join(dir, `${String(index).padStart(2, "0")}-${basename(file.name)}`), file.text));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SAPROBE, "audit", "--manifests", dir, "-o", "json"],
      { maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        let report;
        try {
          report = JSON.parse(stdout);
        } catch {
          resolve({
            findings: [],
            errors: [`saprobe exited ${exitCode} without a JSON report: ${stderr.trim().split("\n")[0] ?? ""}`],
            warnings: [],
            exitCode,
          });
          return;
        }
        const messages = (list) => (list ?? []).map((item) => (typeof item === "string" ? item : (item.message ?? JSON.stringify(item))));
        // A document saprobe refuses (as kubectl apply would) is not audited: say so in the row.
        const refused = (report.input?.refused ?? []).map((item) => `refused ${basename(item.file)}:${item.line}: ${item.message}`);
        resolve({ findings: report.findings ?? [], errors: [...messages(report.errors), ...refused], warnings: messages(report.warnings), exitCode });
      },
    );
  });
}

/** Runs `work` over items with at most `limit` at once (the machine is shared: two by default). */
export async function mapLimited(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
