import { atomAsRule, atomKey, breakdownRule, ruleCoversAtom, rulesCoverAtom, uncoveredAtoms, type AtomicRule } from "../rbac/covers.js";
import type { PolicyRule, RequestAttributes } from "../rbac/types.js";

/*
 * The pure half of comparing a live permission set with the expected one. The server lists the
 * identity's rules per namespace (SelfSubjectRulesReview); the evaluator lists the expected RBAC's
 * rules for the same user and namespace. Atoms one side allows and the other does not are the
 * candidates; the I/O half confirms each with an access review before it is reported.
 *
 * A rules review cannot tell a ClusterRoleBinding's rule from a RoleBinding's, so grants that reach
 * every compared namespace are also asked about at cluster scope; a difference found there explains
 * the same difference in each namespace, which is then not reported again.
 */

/** Resource atoms (non-resource URLs are compared once, cluster-wide). */
function resourceAtoms(atoms: readonly AtomicRule[]): AtomicRule[] {
  return atoms.filter((atom) => atom.nonResourceURL === undefined);
}

function unique(atoms: readonly AtomicRule[]): AtomicRule[] {
  return [...new Map(atoms.map((atom) => [atomKey(atom), atom])).values()];
}

/** Resource rules only (a rules review lists non-resource rules apart). */
export function resourceRulesOf(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.filter((rule) => (rule.nonResourceURLs ?? []).length === 0);
}

/** Non-resource rules only. */
export function nonResourceRulesOf(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.filter((rule) => (rule.nonResourceURLs ?? []).length > 0);
}

/** What one side allows that the other does not, as atoms. */
export interface AtomDifferences {
  /** Allowed live, not expected: over-privileged candidates. */
  extra: AtomicRule[];
  /** Expected, not allowed live: under-privileged candidates. */
  missing: AtomicRule[];
}

/** Resource atoms that differ in one namespace. */
export function namespaceDifferences(expected: readonly PolicyRule[], live: readonly PolicyRule[]): AtomDifferences {
  return {
    extra: unique(resourceAtoms(uncoveredAtoms(expected, live))),
    missing: unique(resourceAtoms(uncoveredAtoms(live, expected))),
  };
}

/** Non-resource atoms that differ (non-resource rules only come from cluster-wide bindings). */
export function nonResourceDifferences(expected: readonly PolicyRule[], live: readonly PolicyRule[]): AtomDifferences {
  const expectedUrls = nonResourceRulesOf(expected);
  const liveUrls = nonResourceRulesOf(live);
  return { extra: unique(uncoveredAtoms(expectedUrls, liveUrls)), missing: unique(uncoveredAtoms(liveUrls, expectedUrls)) };
}

/**
 * The resource atoms worth asking about at cluster scope: those the server allows in every compared
 * namespace (a cluster-wide grant shows in each), and those the expected RBAC grants cluster-wide.
 */
export function clusterCandidates(liveByNamespace: readonly (readonly PolicyRule[])[], expectedClusterRules: readonly PolicyRule[]): AtomicRule[] {
  const [first, ...rest] = liveByNamespace;
  const everywhere = first ? resourceAtoms(first.flatMap(breakdownRule)).filter((atom) => rest.every((rules) => rulesCoverAtom(rules, atom))) : [];
  return unique([...everywhere, ...resourceAtoms(resourceRulesOf(expectedClusterRules).flatMap(breakdownRule))]);
}

/** Namespace atoms that a cluster-scope atom of the same direction already explains. */
export function explainedBy(clusterAtoms: readonly AtomicRule[]): (atom: AtomicRule) => boolean {
  const rules = clusterAtoms.map(atomAsRule);
  return (atom) => rules.some((rule) => ruleCoversAtom(rule, atom));
}

/**
 * Drops the atoms another atom of the list already covers (`get pods` beside `* * *`), so a
 * difference is reported once, by its most general form.
 */
export function mostGeneral(atoms: readonly AtomicRule[]): AtomicRule[] {
  const distinct = unique(atoms);
  const rules = distinct.map(atomAsRule);
  return distinct.filter((atom, position) => !rules.some((rule, other) => other !== position && ruleCoversAtom(rule, atom)));
}

/** The request an access review asks to confirm an atom (`*` stays the literal wildcard, as upstream). */
export function atomAttributes(atom: AtomicRule, namespace: string): RequestAttributes {
  if (atom.nonResourceURL !== undefined) return { resourceRequest: false, verb: atom.verb, path: atom.nonResourceURL };
  const combined = atom.resource ?? "";
  const slash = combined.indexOf("/");
  const resource = slash < 0 ? combined : combined.slice(0, slash);
  const subresource = slash < 0 ? undefined : combined.slice(slash + 1);
  return {
    resourceRequest: true,
    verb: atom.verb,
    apiGroup: atom.apiGroup ?? "",
    resource,
    namespace,
    ...(subresource ? { subresource } : {}),
    ...(atom.resourceName !== undefined ? { name: atom.resourceName } : {}),
  };
}
