import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue } from "../../src/audit/catalogue.js";
import { auditSnapshot, type AuditOptions } from "../../src/audit/engine.js";
import { loadManifests } from "../../src/manifests/index.js";
import type { Finding, ObjectRef } from "../../src/model/report.js";

/** The fixture folders. */
export const FIXTURES = join(import.meta.dirname, "../../fixtures/audit");

/** `Kind:namespace/name` or `Kind:name`, as the expectation files write refs. */
export function refText(ref: ObjectRef | undefined): string {
  if (!ref) return "-";
  return `${ref.kind}:${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** One expected finding of a scenario. Fields left out are not compared. */
export interface ExpectedFinding {
  rule: string;
  subject?: string;
  role?: string;
  severity: string;
  status?: string;
  scope?: string;
  line?: number;
}

/** A finding reduced to what the expectation files state, so the comparison is exact and readable. */
export function comparable(finding: Finding, expected?: ExpectedFinding): string {
  const parts = [finding.rule, finding.subject ? refText(finding.subject) : `role ${refText(finding.role)}`, finding.severity, finding.status];
  if (expected?.scope !== undefined) parts.push(`scope ${finding.scope}`);
  if (expected?.line !== undefined) parts.push(`line ${finding.source?.line}`);
  return parts.join(" | ");
}

/** The same text for an expectation. */
export function expectedText(expected: ExpectedFinding): string {
  const parts = [expected.rule, expected.subject ?? `role ${expected.role}`, expected.severity, expected.status ?? "finding"];
  if (expected.scope !== undefined) parts.push(`scope ${expected.scope}`);
  if (expected.line !== undefined) parts.push(`line ${expected.line}`);
  return parts.join(" | ");
}

/** Names of the sub-folders of a fixture folder. */
export function folders(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** Reads a YAML file of the fixtures. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(path, "utf8")) as T;
}

/** Audits manifest files offline with the built-in catalogue, as `saprobe audit --manifests` does. */
export async function auditFiles(paths: string[], options: Partial<AuditOptions> = {}): Promise<Finding[]> {
  const { snapshot } = await loadManifests(paths);
  return auditSnapshot(snapshot, loadCatalogue(), { mode: "offline", ...options });
}

/** What one in-process CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `saprobe ARGV` in-process (the real command table, parser and exit-code logic) with captured output. */
export async function runSaprobe(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; stderrIsTTY?: boolean } = {}): Promise<CliRun> {
  const { PassThrough, Readable } = await import("node:stream");
  const { main } = await import("../../src/cli/main.js");
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrIsTTY ?? false });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
    env: options.env ?? { HOME: "/nonexistent" },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") };
}
