import type { Severity } from "../model/report.js";
import type { PolicyRule } from "../rbac/types.js";
import { clusterAdminPower } from "./cluster-admin-power.js";
import { compilePatterns, GrantLevel, matchPermissionRule, PatternEvaluator, type CompiledPatterns } from "./permission-match.js";
import type { AuditRule, Catalogue } from "./rule-types.js";
import { isAtLeast, lowerSeverity } from "../model/severity.js";

/*
 * The catalogue's verdict on one permission, asked outside an audit: what would the audit say of an
 * identity that holds exactly this? Same matchers, same scope rules, same severities as the engine.
 */

/** One permission an identity holds. `resource` may carry a subresource (`pods/exec`). */
export interface HeldPermission {
  verb: string;
  apiGroup: string;
  resource: string;
  /** `cluster` for a cluster-wide grant, else the namespace it is confined to. */
  scope: string;
  /** Names the permission is limited to (a restricted grant: a level lower, unless the names are the powerful ones). */
  resourceNames?: string[];
}

/** The rule that rates a permission most severely, and the severity it gives. */
export interface PermissionVerdict {
  rule: string;
  severity: Severity;
}

const compiledCatalogues = new WeakMap<Catalogue, { compiled: CompiledPatterns; evaluator: PatternEvaluator }>();

function compiledFor(catalogue: Catalogue): { compiled: CompiledPatterns; evaluator: PatternEvaluator } {
  let entry = compiledCatalogues.get(catalogue);
  if (!entry) {
    const compiled = compilePatterns(catalogue.rules);
    entry = { compiled, evaluator: new PatternEvaluator(compiled) };
    compiledCatalogues.set(catalogue, entry);
  }
  return entry;
}

function severityFor(rule: AuditRule, clusterWide: boolean, grant: GrantLevel): Severity {
  const base = clusterWide ? rule.severity : (rule.namespacedSeverity ?? rule.severity);
  return grant === GrantLevel.restricted ? lowerSeverity(base) : base;
}

/**
 * The most severe verdict the catalogue's `cluster-admin` and `permissions` rules give one permission,
 * or undefined when no rule rates it. A namespace in `privilegedNamespaces` (default kube-system)
 * counts as cluster-wide, as in the audit.
 */
export function severityOfPermission(
  catalogue: Catalogue,
  permission: HeldPermission,
  privilegedNamespaces: readonly string[] = ["kube-system"],
): PermissionVerdict | undefined {
  const policyRule: PolicyRule = {
    verbs: [permission.verb],
    apiGroups: [permission.apiGroup],
    resources: [permission.resource],
    ...(permission.resourceNames?.length ? { resourceNames: permission.resourceNames } : {}),
  };
  const clusterWide = permission.scope === "cluster" || privilegedNamespaces.includes(permission.scope);
  let best: PermissionVerdict | undefined;
  const consider = (verdict: PermissionVerdict): void => {
    if (!best || (verdict.severity !== best.severity && isAtLeast(verdict.severity, best.severity))) best = verdict;
  };
  const admin = clusterAdminPower([policyRule]);
  if (admin)
    for (const rule of catalogue.rules)
      if (rule.match.kind === "cluster-admin") consider({ rule: rule.id, severity: severityFor(rule, clusterWide, GrantLevel.full) });
  const { compiled, evaluator } = compiledFor(catalogue);
  const levels = evaluator.roleLevels([policyRule]);
  for (const entry of compiled.rules) {
    const match = matchPermissionRule(entry, [policyRule], levels, permission.scope);
    if (match.grant !== GrantLevel.none) consider({ rule: entry.rule.id, severity: severityFor(entry.rule, clusterWide, match.grant) });
  }
  return best;
}
