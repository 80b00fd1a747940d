/**
 * saprobe as a library: `import { ... } from "saprobe"`. Named exports only, each documented at
 * its definition. Each area appends its own block below.
 */

// The report model.
export type {
  CheckResult,
  DriftItem,
  ErrorValue,
  Finding,
  ObjectRef,
  Report,
  Severity,
  SourceLocation,
  Status,
  Summary,
  Target,
} from "./model/report.js";
export { REPORT_SCHEMA_VERSION, SEVERITIES } from "./model/report.js";
export { ExitCode, SaprobeError, UsageError, InputError, ConnectionConfigError, CouldNotRunError, isSaprobeError } from "./model/errors.js";
export { Secret } from "./model/secret.js";

// Reports: build once, render in any format, write the --out files.
export { buildReport, exitCodeFor, type ReportInput } from "./report/build.js";
export { renderers, renderReport, REPORT_FORMATS, type RenderOptions, type Renderer, type ReportFormat } from "./report/render/index.js";
export { writeReportFiles, REPORT_FILES } from "./report/write.js";

// The RBAC engine (pure), manifest loading, and conformance (expected RBAC vs live).
export type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  ObjectMeta,
  PolicyRule,
  RbacObject,
  RbacSnapshot,
  RequestAttributes,
  Role,
  RoleBinding,
  RoleRef,
  ServiceAccount,
  Subject,
  UserInfo,
} from "./rbac/index.js";
export type { Decision, EffectiveRule, Grant, RulesReview, SubjectGrant, Authorizer, AuthorizerOptions, ParsedRequest } from "./rbac/index.js";
export { apiGroupMatches, nonResourceURLMatches, resourceMatches, resourceNameMatches, ruleAllows, rulesAllow, verbMatches } from "./rbac/index.js";
export { aggregateClusterRoles, policyRulesEqual, compileLabelSelector, createAuthorizer, evaluate } from "./rbac/index.js";
export { parseServiceAccountUsername, userInfoFor, ANONYMOUS_USER, describeSubject, serviceAccountUsername, subjectAppliesToUser } from "./rbac/index.js";
export { BOOTSTRAP_POLICY_VERSION, bootstrapPolicy, emptySnapshot, mergeSnapshots, withBootstrapPolicy } from "./rbac/index.js";
export {
  parseRequest,
  describeRequest,
  BUILTIN_RESOURCES_VERSION,
  formatRule,
  formatPath,
  formatSubject,
  explainDecision,
  describeGrantSource,
} from "./rbac/index.js";
export { loadManifests, DEFAULT_LIMITS, schemaKubernetesVersion, type LoadOptions, type LoadedManifests, type LoadLimits } from "./manifests/index.js";
export { expectedVerdict, diffRbac, checkDrift, readLiveRbac, type ExpectedVerdict, type LiveRbac } from "./conformance/index.js";

// Connections: flags + environment + kubeconfig/in-cluster -> Connection; the undici KubeClient.
export type { Connection, ConnectionSource, Credentials, Impersonation, TlsSettings } from "./connect/types.js";
export type { ConnectionOverrides, ResolveInput } from "./connect/input.js";
export { resolveConnection } from "./connect/resolve.js";
export { describeConnection, type ConnectionView } from "./connect/describe.js";
export type {
  KubeClient,
  KubeResponse,
  RequestOptions,
  RequestOutcome,
  TransportFailure,
  TransportFailureCode,
  WatchEvent,
  WatchOutcome,
} from "./kube/types.js";
export { createKubeClient, DEFAULT_BODY_LIMIT_BYTES, type KubeClientOptions } from "./kube/client.js";
export { WatchStreamError } from "./kube/watch-stream.js";

// The audit: rule catalogue (checks/audit), the pure engine (`audit` = `auditSnapshot`), live reading.
export type {
  AuditRule,
  Catalogue,
  MatcherKind,
  PermissionPattern,
  RuleMatcher,
  AuditCustomization,
  AllowlistEntry,
  AuditOptions,
  HeldPermission,
  PermissionVerdict,
} from "./audit/index.js";
export type { LiveAuditOptions, LiveAuditOutcome, MastersEvidence, UnreadableResource } from "./audit/index.js";
export { BUILTIN_RULES_DIR, loadCatalogue, customizeCatalogue, loadAuditConfig, parseSeverityOverrides, applyAllowlist, loadAllowlist } from "./audit/index.js";
export { auditSnapshot, audit, severityOfPermission, MATCHERS, auditLive, scanKubeconfig, certificateRequestSubject, SYSTEM_MASTERS } from "./audit/index.js";

// Live checks: check files (checks/*.yaml), probes, the runner, and token diagnostics.
export { loadCheckFile, loadDefaultChecks, parseCheckFile, CheckFileError, DEFAULT_CHECKS_FILE, type ParsedCheckFile } from "./checks/load.js";
export { assembleSuite, type CheckSuite } from "./checks/suite.js";
export { PROBE_KINDS, type AccessQuestion, type CheckDefinition, type CheckProblem, type ProbeKind } from "./checks/types.js";
export { PROBES } from "./probes/index.js";
export type { IdentityLookup, Probe, ProbeContext } from "./probes/types.js";
export { runChecks, type RunChecksOptions, type RunOutcome } from "./run/runner.js";
export { systemCaConnection } from "./run/context.js";
export { diagnoseToken, formatDuration, type TokenDiagnosis } from "./token/diagnose.js";
export { readServiceAccountDir, readTokenFile, tokenOfConnection, type TokenRead } from "./token/source.js";
