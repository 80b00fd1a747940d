import type { Finding, ObjectRef } from "../../model/report.js";
import type { ClusterRoleBinding, RequestAttributes, RoleBinding } from "../../rbac/types.js";
import type { AuditOptions } from "../engine.js";
import type { Expectations } from "../expected.js";
import type { CompiledPermissionRule } from "../permission-match.js";
import type { PreparedSnapshot } from "../prepare.js";
import type { AuditRule } from "../rule-types.js";
import type { GrantContext } from "../subject-findings.js";

/** What one audit run shares with every matcher: the prepared snapshot and what the engine learned on the way. */
export interface AuditRun {
  prepared: PreparedSnapshot;
  expectations: Expectations;
  options: AuditOptions;
  /** The compiled form of each `permissions` rule of the catalogue. */
  permissionRules: ReadonlyMap<AuditRule, CompiledPermissionRule>;
  /** `namespace/name` of every bound ServiceAccount, with the first grant that names it (live, with pods read). */
  boundServiceAccounts: Map<string, GrantContext>;
  /** Records that a subject holds unrestricted cluster-admin power in `scope` (`cluster` or a namespace). */
  holdsClusterAdmin(subject: ObjectRef, scope: string): void;
}

/**
 * One kind of matcher (`match.kind` in checks/audit/schema.json). The engine runs every rule of the
 * catalogue through the hooks its kind has, so a second rule of the same kind runs like the first.
 */
export interface Matcher {
  /** What a live audit must read (`resource.group`) for this kind's silence to mean a pass. */
  needs: readonly string[];
  /** Findings of this kind are left out for a subject that holds cluster-admin power where they apply. */
  coveredByClusterAdmin?: boolean;
  /** Asked for every subject of every binding whose role resolves. */
  grant?(rule: AuditRule, context: GrantContext, run: AuditRun): Finding | undefined;
  /** Asked for every binding whose role does not exist (`error` is the apiserver's sentence). */
  unresolved?(rule: AuditRule, binding: ClusterRoleBinding | RoleBinding, error: string, run: AuditRun): Finding | undefined;
  /** Asked once, after every binding was visited. */
  whole?(rule: AuditRule, run: AuditRun): Finding[];
  /** The one request a finding of this kind claims the subject may make (the live cross-check asks the server about it). */
  claimedRequest?(rule: AuditRule, finding: Finding): RequestAttributes | undefined;
}
