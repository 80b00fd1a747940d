import type { UsageSection } from "./usage.js";

/**
 * The one report model. `run` and `audit` build a `Report`; renderers only format it; the CLI
 * turns it into an exit code. Field names here are the JSON field names of `report.json`
 * (described by `reports/report.schema.json`); change both together and bump `schemaVersion`.
 */

/** Version of the `report.json` layout. */
export const REPORT_SCHEMA_VERSION = "1.0";

/** Outcome of one check. `error` means saprobe could not tell (never a silent pass). */
export type Status = "pass" | "fail" | "skip" | "error";

/** How serious a failed check or a finding is. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** Severities from most to least serious. */
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** What a check expects the API server to do. */
export type Expectation = "allowed" | "denied" | "any";

/** Where an expectation came from: the check definition or the expected RBAC (`--expect`). */
export type ExpectationSource = "check" | "rbac";

/** A problem that stopped a check or a whole step, as a value: stable code plus a sentence. */
export interface ErrorValue {
  code: string;
  message: string;
}

/** One live check's result. */
export interface CheckResult {
  /** Check id from the check file, e.g. `list-nodes`. Part of the report contract. */
  id: string;
  title: string;
  /** Probe kind that ran (`tls`, `anonymous`, `version`, `whoami`, `list`, `watch`, ...). */
  probe: string;
  status: Status;
  severity: Severity;
  /** What was expected, e.g. `denied`, `allowed`, `tls-unknown-issuer`. */
  expected: string;
  expectedSource: ExpectationSource;
  /** What was observed, e.g. `allowed`, `denied`, `unauthorized`, `timeout`. */
  observed: string;
  /** One sentence a person can read. */
  message: string;
  /** Facts behind the verdict: HTTP status, Status reason/message, TLS error code, server version... */
  evidence: Record<string, unknown>;
  remediation?: string;
  /** The request that was made, without credentials. */
  request?: { method: string; path: string };
  durationMs: number;
  error?: ErrorValue;
}

/** A Kubernetes object reference used in findings. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** Where a manifest object came from. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
  /** Index of the YAML document in the file (0-based). */
  document?: number;
}

/** Three verdicts for an audit rule: a finding, an expected default, or could not tell. */
export type FindingStatus = "finding" | "expected" | "unknown";

/** One audit finding. */
export interface Finding {
  /** Audit rule id, e.g. `cluster-admin-binding`, `secrets-read`. */
  rule: string;
  severity: Severity;
  status: FindingStatus;
  title: string;
  /** One sentence that explains the path: subject -> binding -> role -> rule. */
  message: string;
  subject?: ObjectRef;
  binding?: ObjectRef;
  role?: ObjectRef;
  /** `cluster` or the namespace the grant is confined to. */
  scope: string;
  /** The policy rules that matched, as written in the role. */
  rules: unknown[];
  source?: SourceLocation;
  remediation: string;
  /** CIS Kubernetes Benchmark item, e.g. `5.1.1`. */
  cis?: string;
  /** For live audits: what the server's SubjectAccessReview said about this finding. */
  confirmation?: { agreed: boolean; detail: string };
  /** Suppressed by an allowlist entry: the reason given there. */
  suppressed?: { reason: string; expires?: string };
}

/** A difference between the expected RBAC objects and the live ones. */
export interface DriftItem {
  object: ObjectRef;
  change: "missing" | "changed" | "extra-subject" | "missing-subject" | "skipped";
  detail: string;
}

/** Who saprobe talked to and as whom. Never contains credentials. */
export interface Target {
  server?: string;
  /** `flags`, `kubeconfig`, `in-cluster`, or `manifests` for offline audits. */
  source: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  /** How the connection was chosen, one line per step. */
  explain?: string[];
  identity?: { username: string; groups: string[]; source: string };
  serverVersion?: string;
}

/** Counts computed once when the report is finished; renderers never count. */
export interface Summary {
  total: number;
  pass: number;
  fail: number;
  skip: number;
  error: number;
  findings: Record<Severity, number>;
  unknown: number;
  /** The overall outcome the exit code is derived from. */
  outcome: "passed" | "failed" | "could-not-run";
}

/** The finished report of one `run` or `audit`. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: "saprobe"; version: string };
  command: "run" | "audit" | "usage";
  startedAt: string;
  finishedAt: string;
  target: Target;
  results: CheckResult[];
  findings: Finding[];
  drift: DriftItem[];
  /** Problems of the run as a whole (e.g. could not connect), as values. */
  errors: ErrorValue[];
  /** Lines worth a person's attention that are not results (legacy auth, insecure TLS...). */
  warnings: string[];
  summary: Summary;
  /** `saprobe usage`: what each identity did per the audit log, against what it is granted. */
  usage?: UsageSection;
}

/** A check that did not pass: it failed, or could not tell (never a pass). */
export function didNotPass(result: Pick<CheckResult, "status">): boolean {
  return result.status === "fail" || result.status === "error";
}
