import { clusterAdminPower } from "../audit/cluster-admin-power.js";
import { severityOfPermission } from "../audit/permission-severity.js";
import type { Catalogue } from "../audit/rule-types.js";
import type { Severity } from "../model/report.js";
import { atomAsRule, atomKey, type AtomicRule } from "../rbac/covers.js";

/*
 * How serious an extra permission is, in the audit catalogue's words (src/audit/permission-severity.ts,
 * the one home of "what would the audit say of this permission"): "every verb on every resource" is
 * cluster-admin power (critical) and "get secrets" cluster-wide is secrets-read (high), exactly as in
 * `saprobe audit`. The atoms of one scope are also weighed together, since several can add up to
 * cluster-admin power (every REST verb listed one by one on every resource). A permission no audit
 * rule names is `medium`, the level an unexplained grant deserves.
 */

/** The level of an extra permission no audit rule names. */
export const UNRATED_EXTRA_SEVERITY: Severity = "medium";

/** What the catalogue says of one permission. */
export interface PermissionRating {
  severity: Severity;
  /** The audit rule that rates it most severely (empty when none does). */
  rules: string[];
  /** That rule's title, e.g. `Can read Secrets`. */
  title?: string;
}

/**
 * Rates each atom the identity holds beyond its declaration at `scope` (`cluster` or a namespace).
 * Returns a rating per `atomKey`.
 */
export function ratePermissions(catalogue: Catalogue, scope: string, atoms: readonly AtomicRule[]): Map<string, PermissionRating> {
  const titles = new Map(catalogue.rules.map((rule) => [rule.id, rule.title]));
  const adminRule = catalogue.rules.find((rule) => rule.match.kind === "cluster-admin");
  const power = clusterAdminPower(atoms.filter((atom) => atom.nonResourceURL === undefined).map(atomAsRule));
  const ratings = new Map<string, PermissionRating>();
  for (const atom of atoms) {
    const partOfAdminPower = power && !power.restricted && adminRule && atom.apiGroup === "*" && atom.resource === "*";
    const verdict = partOfAdminPower
      ? severityOfPermission(catalogue, { verb: "*", apiGroup: "*", resource: "*", scope })
      : atom.nonResourceURL === undefined
        ? severityOfPermission(catalogue, {
            verb: atom.verb,
            apiGroup: atom.apiGroup ?? "",
            resource: atom.resource ?? "",
            scope,
            ...(atom.resourceName !== undefined ? { resourceNames: [atom.resourceName] } : {}),
          })
        : undefined;
    ratings.set(
      atomKey(atom),
      verdict
        ? { severity: verdict.severity, rules: [verdict.rule], ...(titles.get(verdict.rule) ? { title: titles.get(verdict.rule) as string } : {}) }
        : { severity: UNRATED_EXTRA_SEVERITY, rules: [] },
    );
  }
  return ratings;
}
