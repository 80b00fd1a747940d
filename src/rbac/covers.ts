import type { PolicyRule } from "./types.js";

/*
 * Whether one set of policy rules allows everything another set allows: the comparison the API
 * server itself makes for escalation prevention (k8s.io/component-helpers auth/rbac/validation
 * `Covers`, `BreakdownRule`, `ruleCovers`). Rules are broken into atoms of one verb, one group, one
 * resource and at most one name; an atom is covered when a single rule covers it. A `*` in an atom is
 * the literal wildcard: only a `*` covers it, as only a rule with `*` allows a request for "*".
 */

/** A rule with exactly one verb, and one group, resource and name, or one non-resource URL. */
export interface AtomicRule {
  verb: string;
  /** Absent for a non-resource atom. */
  apiGroup?: string;
  /** `resource` or `resource/subresource`; absent for a non-resource atom. */
  resource?: string;
  resourceName?: string;
  nonResourceURL?: string;
}

/** Splits a rule into atoms, as upstream `BreakdownRule` does (verbs x groups x resources x names, and verbs x URLs). */
export function breakdownRule(rule: PolicyRule): AtomicRule[] {
  const atoms: AtomicRule[] = [];
  for (const apiGroup of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) atoms.push({ verb, apiGroup, resource });
        else for (const resourceName of names) atoms.push({ verb, apiGroup, resource, resourceName });
      }
    }
  }
  for (const nonResourceURL of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) atoms.push({ verb, nonResourceURL });
  }
  return atoms;
}

function has(values: readonly string[] | undefined, value: string): boolean {
  return (values ?? []).includes(value);
}

/** Upstream `resourceCoversAll` for one resource: `*`, the exact name, or `*\/subresource`. */
function resourceCovers(resources: readonly string[] | undefined, resource: string): boolean {
  if (has(resources, "*") || has(resources, resource)) return true;
  const slash = resource.indexOf("/");
  return slash >= 0 && has(resources, `*/${resource.slice(slash + 1)}`);
}

/** Upstream `nonResourceURLCovers`: the same URL, or a prefix ending in `*`. */
function urlCovers(owner: string, url: string): boolean {
  return owner === url || (owner.endsWith("*") && url.startsWith(owner.replace(/\*+$/, "")));
}

/** Whether one rule covers one atom (upstream `ruleCovers`). */
export function ruleCoversAtom(rule: PolicyRule, atom: AtomicRule): boolean {
  if (!has(rule.verbs, "*") && !has(rule.verbs, atom.verb)) return false;
  if (atom.nonResourceURL !== undefined) {
    return (rule.nonResourceURLs ?? []).some((owner) => urlCovers(owner, atom.nonResourceURL as string));
  }
  if (!has(rule.apiGroups, "*") && !has(rule.apiGroups, atom.apiGroup ?? "")) return false;
  if (!resourceCovers(rule.resources, atom.resource ?? "")) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (atom.resourceName !== undefined && names.includes(atom.resourceName));
}

/** Whether any of `rules` covers `atom`. */
export function rulesCoverAtom(rules: readonly PolicyRule[], atom: AtomicRule): boolean {
  return rules.some((rule) => ruleCoversAtom(rule, atom));
}

/** The atoms of `servant` that no rule of `owner` covers (upstream `Covers`); empty when `owner` covers all of it. */
export function uncoveredAtoms(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): AtomicRule[] {
  return servant.flatMap(breakdownRule).filter((atom) => !rulesCoverAtom(owner, atom));
}

/** A stable key for an atom, to deduplicate atoms from several rules or namespaces. */
export function atomKey(atom: AtomicRule): string {
  return atom.nonResourceURL !== undefined
    ? JSON.stringify([atom.verb, atom.nonResourceURL])
    : JSON.stringify([atom.verb, atom.apiGroup, atom.resource, atom.resourceName ?? null]);
}

/** The atom as a one-rule policy rule (for the evaluator, the audit catalogue and reports). */
export function atomAsRule(atom: AtomicRule): PolicyRule {
  if (atom.nonResourceURL !== undefined) return { verbs: [atom.verb], nonResourceURLs: [atom.nonResourceURL] };
  return {
    verbs: [atom.verb],
    apiGroups: [atom.apiGroup ?? ""],
    resources: [atom.resource ?? ""],
    ...(atom.resourceName !== undefined ? { resourceNames: [atom.resourceName] } : {}),
  };
}
