import type { Finding, ObjectRef } from "../../model/report.js";
import { fieldName } from "../../input/schema-problems.js";
import { parseServiceAccountUsername } from "../../rbac/users.js";
import { readAuditFile, throwIfProblems, type Problem } from "./validated-yaml.js";

/** One allowlist entry: every field it sets must match the finding. */
export interface AllowlistEntry {
  rule: string;
  subject?: ObjectRef;
  binding?: ObjectRef;
  role?: ObjectRef;
  scope?: string;
  reason: string;
  /** Last day (YYYY-MM-DD, UTC) the entry suppresses. */
  expires?: string;
  /** Where it was written, for messages. */
  file: string;
  position: number;
}

const OBJECT_FORMS = /^([A-Z][A-Za-z]*)[: /](?:([^/\s]+)\/)?([^/\s]+)$/;

/**
 * An object written any way saprobe prints one: `Kind namespace/name` (the reports), `Kind:namespace/name`
 * (the original allowlist form), `Kind/namespace/name` (older reports), each without the namespace for
 * cluster objects (a Kind begins with a capital letter), and a ServiceAccount's username `system:serviceaccount:NS:NAME`.
 */
export function parseObjectRef(text: string): ObjectRef | undefined {
  const serviceAccount = parseServiceAccountUsername(text);
  // Names with a slash or a space are no object's: such an entry is refused, not kept to match nothing.
  if (serviceAccount) return /[/\s]/.test(`${serviceAccount.namespace}${serviceAccount.name}`) ? undefined : { kind: "ServiceAccount", ...serviceAccount };
  const match = OBJECT_FORMS.exec(text);
  if (!match) return undefined;
  const [, kind, namespace, name] = match as unknown as [string, string, string | undefined, string];
  return namespace === undefined ? { kind, name } : { kind, namespace, name };
}

type RawEntry = Omit<AllowlistEntry, "subject" | "binding" | "role" | "file" | "position"> & { subject?: string; binding?: string; role?: string };

/** Reads an allowlist file (checks/audit/allowlist.schema.json); problems are an `InputError` naming the file and line. */
export function loadAllowlist(file: string): AllowlistEntry[] {
  const read = readAuditFile(file, "allowlist.schema.json");
  const problems: Problem[] = [...read.problems];
  const data = read.value as { allow: RawEntry[] } | undefined;
  const entries = (data?.allow ?? []).map((raw, position) => {
    const entry: AllowlistEntry = { rule: raw.rule, reason: raw.reason, file, position };
    for (const field of ["subject", "binding", "role"] as const) {
      const text = raw[field];
      if (text === undefined) continue;
      const ref = parseObjectRef(text);
      if (ref) entry[field] = ref;
      else
        problems.push({
          file,
          ...read.place(["allow", position, field]),
          message: `${fieldName(["allow", position, field])}: "${text}" is not an object; write it as the reports do, e.g. "ServiceAccount apps/myapp", "ClusterRole cluster-admin" or "system:serviceaccount:apps:myapp"`,
        });
    }
    if (raw.scope) entry.scope = raw.scope;
    if (raw.expires) {
      entry.expires = raw.expires;
      if (Number.isNaN(Date.parse(`${raw.expires}T00:00:00Z`)))
        problems.push({
          file,
          ...read.place(["allow", position, "expires"]),
          message: `${fieldName(["allow", position, "expires"])}: "${raw.expires}" is not a date`,
        });
    }
    return entry;
  });
  throwIfProblems("allowlist", problems);
  return entries;
}

function refMatches(wanted: ObjectRef | undefined, actual: ObjectRef | undefined): boolean {
  if (!wanted) return true;
  return actual !== undefined && wanted.kind === actual.kind && wanted.name === actual.name && (wanted.namespace ?? "") === (actual.namespace ?? "");
}

function entryMatches(entry: AllowlistEntry, finding: Finding): boolean {
  return (
    (entry.rule === "*" || entry.rule === finding.rule) &&
    refMatches(entry.subject, finding.subject) &&
    refMatches(entry.binding, finding.binding) &&
    refMatches(entry.role, finding.role) &&
    (entry.scope === undefined || entry.scope === finding.scope)
  );
}

function isExpired(entry: AllowlistEntry, now: Date): boolean {
  // The entry is good through the whole of its last day (UTC).
  return entry.expires !== undefined && now.getTime() >= Date.parse(`${entry.expires}T00:00:00Z`) + 86_400_000;
}

function describeEntry(entry: AllowlistEntry): string {
  return `${entry.file} entry ${entry.position + 1} (rule ${entry.rule})`;
}

/**
 * Marks findings an allowlist entry covers as suppressed (they stay in the report with the reason).
 * Expired entries stop suppressing; each one, and each entry that matched nothing, becomes a warning.
 * `unknown` verdicts are never suppressed: an allowlist cannot turn "could not tell" into a pass.
 */
export function applyAllowlist(findings: readonly Finding[], entries: readonly AllowlistEntry[], now: Date): { findings: Finding[]; warnings: string[] } {
  const warnings: string[] = [];
  const used = new Set<AllowlistEntry>();
  const expiredHits = new Map<AllowlistEntry, number>();
  const result = findings.map((finding) => {
    if (finding.status === "unknown") return finding;
    for (const entry of entries) {
      if (!entryMatches(entry, finding)) continue;
      if (isExpired(entry, now)) {
        expiredHits.set(entry, (expiredHits.get(entry) ?? 0) + 1);
        continue;
      }
      used.add(entry);
      const suppressed: NonNullable<Finding["suppressed"]> = { reason: entry.reason };
      if (entry.expires) suppressed.expires = entry.expires;
      return { ...finding, suppressed };
    }
    return finding;
  });
  for (const entry of entries) {
    if (isExpired(entry, now)) {
      const hits = expiredHits.get(entry) ?? 0;
      warnings.push(
        `allowlist ${describeEntry(entry)} expired on ${entry.expires} and no longer suppresses anything (${hits} finding${hits === 1 ? "" : "s"} it matches now count).`,
      );
    } else if (!used.has(entry)) {
      warnings.push(`allowlist ${describeEntry(entry)} matches no finding; remove it if the finding is gone.`);
    }
  }
  return { findings: result, warnings };
}
