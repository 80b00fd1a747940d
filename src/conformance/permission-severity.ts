import { auditSnapshot } from "../audit/engine.js";
import type { Catalogue } from "../audit/rule-types.js";
import type { Severity } from "../model/report.js";
import { SEVERITIES } from "../model/report.js";
import { atomAsRule, atomKey, type AtomicRule } from "../rbac/covers.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import type { RbacSnapshot, Subject } from "../rbac/types.js";

/*
 * How serious an extra permission is, in the audit catalogue's words: the permissions are put in one
 * role bound to the identity at their scope, and the audit engine rates that snapshot. So "every verb
 * on every resource" is cluster-admin power (critical) and "get secrets" is secrets-read (high) here
 * exactly as in `saprobe audit`; a permission no audit rule names is `medium`, the level an
 * unexplained grant deserves.
 */

/** The level of an extra permission no audit rule names. */
export const UNRATED_EXTRA_SEVERITY: Severity = "medium";

/** What the catalogue says of one permission. */
export interface PermissionRating {
  severity: Severity;
  /** The audit rule ids that fire, most severe first. */
  rules: string[];
  /** The most severe rule's title, e.g. `Can read Secrets`. */
  title?: string;
}

const ROLE_NAME = "saprobe:compared-permissions";

function subjectFor(username: string): Subject {
  const account = parseServiceAccountUsername(username);
  return account ? { kind: "ServiceAccount", name: account.name, namespace: account.namespace } : { kind: "User", name: username, apiGroup: "rbac.authorization.k8s.io" };
}

function snapshotFor(atoms: readonly AtomicRule[], scope: string, username: string): RbacSnapshot {
  const rules = atoms.map(atomAsRule);
  const subjects = [subjectFor(username)];
  const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ROLE_NAME };
  const empty: RbacSnapshot = { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] };
  const clusterRoles = [{ kind: "ClusterRole" as const, metadata: { name: ROLE_NAME }, rules }];
  return scope === "cluster"
    ? { ...empty, clusterRoles, clusterRoleBindings: [{ kind: "ClusterRoleBinding", metadata: { name: ROLE_NAME }, roleRef, subjects }] }
    : { ...empty, clusterRoles, roleBindings: [{ kind: "RoleBinding", metadata: { name: ROLE_NAME, namespace: scope }, roleRef, subjects }] };
}

function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Rates each atom the identity holds beyond its declaration at `scope` (`cluster` or a namespace).
 * Returns a rating per `atomKey`; an atom no rule names gets `UNRATED_EXTRA_SEVERITY`.
 */
export function ratePermissions(catalogue: Catalogue, username: string, scope: string, atoms: readonly AtomicRule[]): Map<string, PermissionRating> {
  const ratings = new Map<string, PermissionRating>();
  if (atoms.length === 0) return ratings;
  const byRule = new Map(atoms.map((atom) => [JSON.stringify(atomAsRule(atom)), atomKey(atom)]));
  const findings = auditSnapshot(snapshotFor(atoms, scope, username), catalogue, { mode: "live" });
  for (const finding of findings) {
    if (finding.status !== "finding" || finding.binding?.name !== ROLE_NAME) continue;
    // A finding about the whole role (cluster-admin power) names no rule: it concerns every atom.
    const keys = finding.rules.length > 0 ? finding.rules.map((rule) => byRule.get(JSON.stringify(rule))).filter((key): key is string => key !== undefined) : [...byRule.values()];
    for (const key of keys) {
      const known = ratings.get(key);
      if (!known) ratings.set(key, { severity: finding.severity, rules: [finding.rule], title: finding.title });
      else if (!known.rules.includes(finding.rule)) {
        const moreSevere = rank(finding.severity) < rank(known.severity);
        ratings.set(key, moreSevere ? { severity: finding.severity, rules: [finding.rule, ...known.rules], title: finding.title } : { ...known, rules: [...known.rules, finding.rule] });
      }
    }
  }
  for (const atom of atoms) if (!ratings.has(atomKey(atom))) ratings.set(atomKey(atom), { severity: UNRATED_EXTRA_SEVERITY, rules: [] });
  return ratings;
}
