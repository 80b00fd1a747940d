import type { ObjectRef, Severity, SourceLocation } from "./report.js";

/*
 * The `usage` part of a report (`saprobe usage`): what each identity did according to the API
 * server's audit log, what it was denied, what it was granted and never used, and the minimal RBAC
 * learned from it. Field names are the JSON names in report.json (reports/report.schema.json).
 */

/** One distinct request an identity made, as the authorizer saw it, with how often and when. */
export interface ObservedRequest {
  verb: string;
  /** Resource requests: the API group ("" core), resource, subresource, namespace ("" cluster-wide) and name. */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource requests: the URL path, without the query. */
  nonResourceURL?: string;
  /** Requests in the window (allowed and denied). */
  count: number;
  /** Of those, how many the authorizer refused (403 with decision forbid). */
  denied: number;
  firstSeen: string;
  lastSeen: string;
  /** Denied requests: the rule that would allow them, as a Role rule (kubectl's wording). */
  wouldAllow?: string;
}

/** A granted rule, or part of one, that no request in the window used. */
export interface UnusedGrant {
  binding: ObjectRef;
  role: ObjectRef;
  /** `cluster` or the namespace the grant is confined to. */
  scope: string;
  /** The rule as written in the role. */
  rule: string;
  /** `all` when nothing of the rule was used; otherwise the unused permissions (`delete pods`, `* on * (used: get pods)`). */
  unused: string[];
  /** The most serious level the audit catalogue gives this rule through this binding (`info` when no rule matches). */
  severity: Severity;
  /** The audit rule ids behind `severity`. */
  auditRules: string[];
  source?: SourceLocation;
}

/** One line of the difference between the RBAC granted now and the minimal RBAC learned. */
export interface RuleDiffLine {
  /** `-` granted but not needed, `+` needed but not granted, ` ` both. */
  change: "-" | "+" | " ";
  /** `cluster` or a namespace. */
  scope: string;
  rule: string;
}

/** Everything `saprobe usage` found about one identity. */
export interface IdentityUsage {
  username: string;
  requests: ObservedRequest[];
  unused: UnusedGrant[];
  diff: RuleDiffLine[];
}

/** Where the events came from and what was made of them. */
export interface UsageLog {
  files: string[];
  /** Lines read, and audit events in them. */
  lines: number;
  events: number;
  /** Events inside the window, of the identities asked, counted once per request. */
  counted: number;
  /** Lines that are not audit events, and where the first of them are (`file:line: why`). */
  malformed: number;
  malformedAt: string[];
  /** The window asked for, and the first and last event time seen inside it. */
  since?: string;
  until?: string;
  first?: string;
  last?: string;
}

/** The `usage` section of a report. */
export interface UsageSection {
  log: UsageLog;
  /** Where the granted permissions came from: `manifests`, `live`, or `none` (no comparison). */
  granted: "manifests" | "live" | "none";
  identities: IdentityUsage[];
}
