import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditSnapshot, type AuditOptions } from "../../src/audit/engine.js";
import { loadManifests } from "../../src/manifests/index.js";
import type { Finding, ObjectRef, Report } from "../../src/model/report.js";

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
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Reads a YAML file of the fixtures. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(path, "utf8")) as T;
}

/** Audits manifest files offline with the built-in catalogue, as `saprobe audit --manifests` does. */
export async function auditFiles(paths: string[], options: Partial<AuditOptions> = {}): Promise<Finding[]> {
  const { snapshot, podSecurity } = await loadManifests(paths);
  return auditSnapshot(snapshot, loadCatalogue(), { mode: "offline", pathFacts: { podSecurity }, ...options });
}

/** `saprobe ARGV` in-process: the one CLI harness (test/support/cli.ts), under the name these tests use. */
export { runCli as runSaprobe } from "../support/cli.js";

/** A report's path findings (cluster-admin-path, high-value-identity-path) for the user `name`. */
export function userPathFindings(report: Report, name: string): Finding[] {
  return report.findings.filter((finding) => finding.rule.endsWith("-path") && finding.subject?.kind === "User" && finding.subject.name === name);
}
