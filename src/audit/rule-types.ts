import type { Severity } from "../model/report.js";

/*
 * The audit rule catalogue, as loaded from checks/audit/*.yaml (see checks/audit/schema.json, which
 * these types mirror). Rules are data; src/audit/engine.ts is the one engine that evaluates them.
 */

/**
 * A permission a rule looks for: every verb x apiGroup x resource combination is one request the
 * role is asked about. `resources` may carry a subresource (`pods/exec`). Cluster-scoped
 * permissions can only be granted through a ClusterRoleBinding.
 */
export interface PermissionPattern {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  scope?: "cluster" | "namespace";
  /** The pattern counts only in these namespaces (or cluster-wide): ConfigMaps of kube-system. */
  namespaces?: string[];
  /** resourceNames that do not lower the severity: limiting a grant to these targets is no limit (`bind` on cluster-admin). */
  sensitiveNames?: string[];
}

/** What a rule looks for. `permissions` is the only kind user rules usually need. */
export type RuleMatcher =
  | { kind: "permissions"; anyOf?: PermissionPattern[]; allOf?: PermissionPattern[] }
  | { kind: "cluster-admin" }
  | { kind: "wildcard" }
  | { kind: "broad-subject" }
  | { kind: "missing-role" }
  | { kind: "default-serviceaccount" }
  | { kind: "unused-serviceaccount" }
  | { kind: "system-masters" }
  | { kind: "modified-default" }
  | { kind: "cluster-admin-path" }
  | { kind: "high-value-identity-path" };

/** The kinds of matcher, for code that dispatches on them. */
export type MatcherKind = RuleMatcher["kind"];

/** One audit rule. */
export interface AuditRule {
  id: string;
  title: string;
  severity: Severity;
  /** Severity when the grant is confined to one ordinary namespace; defaults to `severity`. */
  namespacedSeverity?: Severity;
  rationale: string;
  remediation: string;
  /** The server behaviour the rule depends on (`Kubernetes 1.35 or later, ...`), said in its findings. */
  assumes?: string;
  /** Advice appended to the remediation when the grant is not already limited by resourceNames. */
  narrowing?: string;
  /** CIS Kubernetes Benchmark item (`5.1.1`...), or `none`. */
  cis: string;
  match: RuleMatcher;
  /** The file the rule was loaded from. */
  file?: string;
}

/** The rules an audit runs, in catalogue order. */
export interface Catalogue {
  rules: AuditRule[];
}
