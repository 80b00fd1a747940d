/** The audit's public surface: the rule catalogue as data, one pure engine, and the live reader. */
export type { AuditRule, Catalogue, MatcherKind, PermissionPattern, RuleMatcher } from "./rule-types.js";
export { BUILTIN_RULES_DIR, loadCatalogue } from "./files/catalogue.js";
export { customizeCatalogue, loadAuditConfig, parseSeverityOverrides, type AuditCustomization } from "./files/audit-config.js";
export { applyAllowlist, loadAllowlist, type AllowlistEntry } from "./files/allowlist.js";
export { auditSnapshot, auditSnapshot as audit, type AuditOptions } from "./engine.js";
export { severityOfPermission, type HeldPermission, type PermissionVerdict } from "./permission-severity.js";
export { MATCHERS } from "./matchers/registry.js";
export { auditLive, type LiveAuditOptions, type LiveAuditOutcome } from "./live/audit.js";
export { scanKubeconfig } from "./files/kubeconfig-scan.js";
export { certificateRequestSubject } from "./csr-subject.js";
export { SYSTEM_MASTERS, type MastersEvidence } from "./masters-findings.js";
export type { UnreadableResource } from "./unknown-findings.js";
