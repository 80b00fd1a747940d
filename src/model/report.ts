import type { UsageSection } from "./usage.js";

/**
 * The one report model. `run` and `audit` build a `Report`; renderers only format it; the CLI
 * turns it into an exit code. Field names here are the JSON field names of `report.json`
 * (described by `reports/report.schema.json`); change both together and bump `schemaVersion`.
 */

/** Version of the `report.json` layout. */
export const REPORT_SCHEMA_VERSION = "2.0";

/**
 * Outcome of one check. `error` means saprobe could not tell (never a silent pass); `info` is an
 * observation with no expectation to judge it by (an access probe without `--expect`): reported,
 * never a failure.
 */
export type Status = "pass" | "fail" | "skip" | "error" | "info";

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
  /** What to do about it, when saprobe knows (the advice of a run that could not run). */
  fix?: string;
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
  /** One sentence a person can read: what was observed and the verdict. */
  message: string;
  /** What was observed, without any verdict (the probe's own sentence). */
  observation?: string;
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

/** `ServiceAccount ci/runner`, `ClusterRole admin`: the one way saprobe writes an object, as kubectl's messages do. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** Where a manifest object came from. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
  /** Index of the YAML document in the file (0-based). */
  document?: number;
}

/** A manifest document (or a whole input) that could not be used: where, and why. */
export interface RefusedInput {
  file: string;
  line?: number;
  column?: number;
  /** Index of the YAML document in the file (0-based). */
  document?: number;
  message: string;
}

/** A file given as input that holds no Kubernetes object (a chart's source, a kustomization), and what to audit instead. */
export interface SkippedInput {
  file: string;
  reason: string;
}

/**
 * What an offline audit was given. A document that cannot be used is refused (named with file and
 * line) while every other object is still audited; any refusal makes the outcome `input-refused`.
 */
export interface ManifestInput {
  /** Every file read, in order (`-` for standard input). */
  files: string[];
  skipped: SkippedInput[];
  refused: RefusedInput[];
  /** The namespace objects without metadata.namespace were placed in, as `kubectl apply` would: `-n`, else `default`. */
  defaultNamespace: { namespace: string; source: "flag" | "default"; objects: number };
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
  /**
   * Every binding that gives the subject this rule, most severe first (the first is `binding`/`role`);
   * present only when there is more than one.
   */
  grants?: GrantRef[];
  /** For live audits: what the server's SubjectAccessReview said about this finding. */
  confirmation?: { agreed: boolean; detail: string };
  /** For live audits: why the server could not be asked about this finding (a review failed, the cross-check's deadline passed). */
  unconfirmed?: { reason: string };
  /** Suppressed by an allowlist entry: the reason given there. */
  suppressed?: { reason: string; expires?: string };
  /** For `cluster-admin-path`: the hops from the subject to cluster-admin power; for `high-value-identity-path`, to that identity. In order. */
  path?: PathHop[];
}

/** A request one hop of a path relies on, and the identity that makes it (for a SubjectAccessReview). */
export interface PathRequest {
  as: ObjectRef;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  /** "" for cluster-scoped requests. */
  namespace: string;
  /** Allowed only by a grant an earlier hop gives (a self-grant): not asked of the server. */
  planned?: boolean;
  /** Allowed only once this holds (a pod the scheduler binds later, bound to the node): not asked of the server, which denies it until then. */
  awaits?: string;
}

/** The binding -> role -> rule that allows one request of a hop. */
export interface PathGrant {
  /** The binding subject that matched (the identity itself, or a group it is in). */
  subject: ObjectRef;
  binding: ObjectRef;
  role: ObjectRef;
  rule: unknown;
  source?: SourceLocation;
  /** A binding or rule an earlier hop creates (a self-grant): not on the server yet. */
  planned?: boolean;
}

/** One step of an attack path: "with this permission, act as that identity" (or hold cluster-admin power). */
export interface PathHop {
  /** The edge kind, e.g. `serviceaccount-token`, `pod-create`, `impersonate`, `holds`. */
  edge: string;
  /** The permission used, in words: `create serviceaccounts/token "kustomize-controller" in flux-system`. */
  permission: string;
  /** What the hop leads to: an identity, or `{ kind: "Power", name: "cluster-admin" }`. */
  reaches: ObjectRef;
  grants: PathGrant[];
  requests: PathRequest[];
  /** A condition the audit could not see (a pod that runs, a Secret that exists); absent when none. */
  precondition?: string;
  /** For live audits: whether the server's SubjectAccessReviews agree with every request of the hop. */
  confirmation?: { agreed: boolean; detail: string };
}

/** One binding through which a subject gets what a finding reports. */
export interface GrantRef {
  binding: ObjectRef;
  role: ObjectRef;
  /** `cluster` or the namespace the grant is confined to. */
  scope: string;
  severity: Severity;
  source?: SourceLocation;
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
  /** Observations without an expectation (`info`). */
  info: number;
  /** Active findings with status `finding`, per severity: the ones that need attention. */
  findings: Record<Severity, number>;
  unknown: number;
  /** Defaults every cluster ships (status `expected`): folded into this count where findings are listed for a person. */
  expected: number;
  /** The overall outcome the exit code is derived from. */
  outcome: "passed" | "failed" | "input-refused" | "could-not-run";
}

/** The finished report of one `run` or `audit`. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: "saprobe"; version: string };
  command: "run" | "audit" | "usage";
  startedAt: string;
  finishedAt: string;
  target: Target;
  /** Offline: what the manifests given held, skipped and refused. */
  input?: ManifestInput;
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

/**
 * A finding a person should look at: not a cluster default (`expected`). Reports list these first
 * (see `buildReport`); the table folds the others into `summary.expected`.
 */
export function needsAttention(finding: Pick<Finding, "status">): boolean {
  return finding.status !== "expected";
}

/** A check that did not pass: it failed, or could not tell (never a pass). */
export function didNotPass(result: Pick<CheckResult, "status">): boolean {
  return result.status === "fail" || result.status === "error";
}

/**
 * A finding listed among the problems and able to fail the run: it needs attention (a finding or an
 * unknown verdict) and no allowlist entry suppresses it. The rest (expected defaults, suppressed
 * findings) are folded away by every renderer.
 */
export function isListed(finding: Pick<Finding, "status" | "suppressed">): boolean {
  return needsAttention(finding) && finding.suppressed === undefined;
}

/** A finding to act on: a finding proper (not an unknown verdict or an expected default), not suppressed. Its remediation is listed. */
export function isActionable(finding: Pick<Finding, "status" | "suppressed">): boolean {
  return finding.status === "finding" && finding.suppressed === undefined;
}

/** What a report's remediation section lists: the checks that did not pass, and the findings to act on. */
export function toRemediate(report: Pick<Report, "results" | "findings">): { checks: CheckResult[]; findings: Finding[] } {
  return { checks: report.results.filter(didNotPass), findings: report.findings.filter(isActionable) };
}
