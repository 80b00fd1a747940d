import { apiGroupMatches, resourceMatches, verbMatches } from "../rbac/match.js";
import type { PolicyRule } from "../rbac/types.js";
import type { AuditRule, PermissionPattern } from "./rule-types.js";

/*
 * Asks a role's rules the questions the catalogue's permission patterns stand for, with the RBAC
 * engine's own matchers (so "*", "*\/scale" and exact subresources behave as in the apiserver).
 * resourceNames are looked at separately: a rule that would match but lists resourceNames grants
 * the permission only for those names, which we report as "restricted" rather than as full access.
 */

/** How much of a permission a rule (or role) grants. */
export const GrantLevel = { none: 0, restricted: 1, full: 2 } as const;

/** A grant level: 0 none, 1 restricted by resourceNames, 2 full. */
export type GrantLevel = (typeof GrantLevel)[keyof typeof GrantLevel];

/** A permission pattern with a position in the compiled catalogue. */
interface IndexedPattern {
  pattern: PermissionPattern;
  index: number;
}

/** A permissions rule, compiled: which pattern positions belong to its anyOf and allOf. */
export interface CompiledPermissionRule {
  rule: AuditRule;
  anyOf: IndexedPattern[];
  allOf: IndexedPattern[];
  /** Position among the catalogue's permissions rules (where a role's answer to it is remembered). */
  position: number;
  /** Some pattern applies only in some namespaces (`namespaces`), so the answer depends on which. */
  namespaceBound: boolean;
  /** The namespaces a namespace-bound rule reaches through a RoleBinding (every pattern is bound to some). */
  reachableNamespaces?: ReadonlySet<string>;
  /** The patterns' sensitiveNames, together. */
  sensitiveNames: ReadonlySet<string>;
}

/** Every permission pattern of a catalogue, numbered, so a policy rule is evaluated once for all of them. */
export interface CompiledPatterns {
  patterns: PermissionPattern[];
  rules: CompiledPermissionRule[];
}

/** Numbers the patterns of every `permissions` rule of the catalogue. */
export function compilePatterns(rules: readonly AuditRule[]): CompiledPatterns {
  const patterns: PermissionPattern[] = [];
  const number = (pattern: PermissionPattern): IndexedPattern => ({ pattern, index: patterns.push(pattern) - 1 });
  const compiled: CompiledPermissionRule[] = [];
  for (const rule of rules) {
    if (rule.match.kind !== "permissions") continue;
    const all = [...(rule.match.anyOf ?? []), ...(rule.match.allOf ?? [])];
    const everyBound = all.every((pattern) => pattern.namespaces !== undefined || pattern.scope === "cluster");
    compiled.push({
      rule,
      anyOf: (rule.match.anyOf ?? []).map(number),
      allOf: (rule.match.allOf ?? []).map(number),
      position: compiled.length,
      namespaceBound: all.some((pattern) => pattern.namespaces !== undefined),
      ...(everyBound ? { reachableNamespaces: new Set(all.flatMap((pattern) => pattern.namespaces ?? [])) } : {}),
      sensitiveNames: new Set(all.flatMap((pattern) => pattern.sensitiveNames ?? [])),
    });
  }
  return { patterns, rules: compiled };
}

function subresourceOf(resource: string): string {
  const slash = resource.indexOf("/");
  return slash < 0 ? "" : resource.slice(slash + 1);
}

/** resourceNames limit a grant, unless they name the pattern's most powerful targets (`bind` on cluster-admin). */
function namesGrant(rule: PolicyRule, pattern: PermissionPattern): GrantLevel {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return GrantLevel.full;
  const sensitive = pattern.sensitiveNames;
  return sensitive !== undefined && names.some((name) => sensitive.includes(name)) ? GrantLevel.full : GrantLevel.restricted;
}

/** How much of one pattern one policy rule grants (any verb x group x resource of the pattern counts). */
export function patternGrant(rule: PolicyRule, pattern: PermissionPattern): GrantLevel {
  for (const verb of pattern.verbs) {
    if (!verbMatches(rule, verb)) continue;
    for (const group of pattern.apiGroups) {
      if (!apiGroupMatches(rule, group)) continue;
      for (const resource of pattern.resources) {
        const subresource = subresourceOf(resource);
        if (!resourceMatches(rule, resource, subresource)) continue;
        // A create or deletecollection of whole objects carries no name when it is authorized, so a rule
        // limited to resourceNames never allows it (the RBAC documentation; `can-i` says the same).
        if (subresource === "" && (verb === "create" || verb === "deletecollection") && (rule.resourceNames ?? []).length > 0) continue;
        return namesGrant(rule, pattern);
      }
    }
  }
  return GrantLevel.none;
}

/**
 * Evaluates policy rules against every compiled pattern. A rule can only grant a pattern whose
 * resource it names exactly, or that its `*` or `*\/subresource` covers (upstream ResourceMatches), so
 * an index by resource picks the few candidate patterns and the RBAC matchers decide those: a rule
 * about configmaps costs one map lookup, however large the catalogue.
 */
export class PatternEvaluator {
  readonly #patternCount: number;
  readonly #patterns: PermissionPattern[];
  readonly #byResource = new Map<string, number[]>();
  readonly #bySubresource = new Map<string, number[]>();
  readonly #none: Levels;

  constructor(compiled: CompiledPatterns) {
    this.#patterns = compiled.patterns;
    this.#patternCount = compiled.patterns.length;
    this.#none = Object.freeze(compiled.patterns.map(() => GrantLevel.none)) as Levels;
    compiled.patterns.forEach((pattern, index) => {
      for (const resource of pattern.resources) {
        addTo(this.#byResource, resource, index);
        const slash = resource.indexOf("/");
        if (slash >= 0) addTo(this.#bySubresource, resource.slice(slash + 1), index);
      }
    });
  }

  /** Generation stamps per pattern position: a pattern met twice while evaluating one rule is asked once. */
  #seen = new Int32Array(0);
  #generation = 0;

  /** Grant levels of one policy rule, one entry per pattern position (a shared all-zero array when it grants none). */
  levels(rule: PolicyRule): Levels {
    const resources = rule.resources ?? [];
    // No closure per rule: a big cluster has tens of thousands of roles, each rule read once.
    let levels: Levels | undefined;
    if (resources.includes("*")) {
      for (let index = 0; index < this.#patternCount; index++) levels = this.#consider(rule, index, levels);
      return levels ?? this.#none;
    }
    if (this.#seen.length !== this.#patternCount) this.#seen = new Int32Array(this.#patternCount);
    const generation = ++this.#generation;
    for (const resource of resources) {
      const found = resource.startsWith("*/") ? this.#bySubresource.get(resource.slice(2)) : this.#byResource.get(resource);
      if (found === undefined) continue;
      for (const index of found) {
        if (this.#seen[index] === generation) continue;
        this.#seen[index] = generation;
        levels = this.#consider(rule, index, levels);
      }
    }
    return levels ?? this.#none;
  }

  /** `levels` with the rule's grant of pattern `index` set (made when the first pattern is granted). */
  #consider(rule: PolicyRule, index: number, levels: Levels | undefined): Levels | undefined {
    const grant = patternGrant(rule, this.#patterns[index] as PermissionPattern);
    if (grant === GrantLevel.none) return levels;
    const written = levels ?? new Array<GrantLevel>(this.#patternCount).fill(GrantLevel.none);
    written[index] = grant;
    return written;
  }

  /** Levels of a role's rules, plus their maximum per pattern (so most audit rules are rejected with one lookup). */
  roleLevels(rules: readonly PolicyRule[]): RoleLevels {
    const perRule: Levels[] = [];
    const granting: Levels[] = [];
    for (const rule of rules) {
      const levels = this.levels(rule);
      perRule.push(levels);
      if (levels !== this.#none) granting.push(levels);
    }
    if (granting.length === 0) return { perRule, best: this.#none, answers: [] };
    if (granting.length === 1) return { perRule, best: granting[0] as Levels, answers: [] };
    const best = new Array<GrantLevel>(this.#patternCount).fill(GrantLevel.none);
    for (const levels of granting)
      for (let index = 0; index < this.#patternCount; index++) best[index] = Math.max(best[index] as GrantLevel, levels[index] as GrantLevel) as GrantLevel;
    return { perRule, best, answers: [] };
  }
}

function addTo(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}

/** What a role grants of one permissions rule: the level and the policy rules that contribute. */
export interface PermissionMatch {
  grant: GrantLevel;
  matchedRules: PolicyRule[];
}

/** Grant levels, one per pattern position. */
export type Levels = GrantLevel[];

/** A permissions rule's answer for one role and scope, with the text findings quote from it. */
export interface PermissionAnswer extends PermissionMatch {
  /** `restricted by resourceNames to a, b` when the grant is restricted, else empty. */
  restrictedTo: string;
  /** The resourceNames of the matched rules that name the most powerful targets (no restriction), each once. */
  sensitiveNames: string[];
  /** The verbs the matched rules grant, as findings say them: ` (verbs get, list)`. */
  verbsText: string;
  /** The finding text the matcher derives from this answer, made once for every binding of the role. */
  remediation?: string;
}

/** A role's rules evaluated against every pattern: per rule, and the best level over all rules. */
export interface RoleLevels {
  perRule: Levels[];
  best: Levels;
  /**
   * Answers per permissions rule position and scope (see `answerFor`), filled on first use: in a
   * big cluster thousands of bindings share one role (edit, view), and each asks the same questions.
   */
  answers: (PermissionAnswer | undefined)[];
}

const NO_MATCH: PermissionMatch = { grant: GrantLevel.none, matchedRules: [] };
const NO_ANSWER: PermissionAnswer = { ...NO_MATCH, restrictedTo: "", sensitiveNames: [], verbsText: "" };

/** ` (verbs get, list)`, or what a `*` verb really grants: findings say exactly what the rules allow. */
function verbsTextOf(matched: readonly PolicyRule[]): string {
  const verbs: string[] = [];
  for (const rule of matched) for (const verb of rule.verbs) if (!verbs.includes(verb)) verbs.push(verb);
  return verbs.includes("*") ? ` (verb "*": every verb, writes and deletes included)` : ` (verbs ${verbs.join(", ")})`;
}

/** Whether a grant in `scope` (`cluster` or a namespace) reaches the pattern at all. */
function reaches(pattern: PermissionPattern, scope: string): boolean {
  if (scope === "cluster") return true;
  // A RoleBinding cannot grant cluster-scoped resources, and reaches only its own namespace.
  return pattern.scope !== "cluster" && (pattern.namespaces === undefined || pattern.namespaces.includes(scope));
}

function levelOf(levels: RoleLevels, entry: IndexedPattern, scope: string): GrantLevel {
  return reaches(entry.pattern, scope) ? ((levels.best[entry.index] ?? 0) as GrantLevel) : GrantLevel.none;
}

/**
 * Evaluates one permissions rule against a role's rules granted in `scope` (`cluster` for a
 * ClusterRoleBinding, else the RoleBinding's namespace). Patterns marked `scope: cluster` count only
 * cluster-wide; patterns with `namespaces` only there or cluster-wide.
 */
export function matchPermissionRule(compiled: CompiledPermissionRule, rules: readonly PolicyRule[], levels: RoleLevels, scope: string): PermissionMatch {
  let anyOfGrant: GrantLevel = GrantLevel.none;
  for (const entry of compiled.anyOf) anyOfGrant = Math.max(anyOfGrant, levelOf(levels, entry, scope)) as GrantLevel;
  let allOfGrant: GrantLevel = compiled.allOf.length > 0 ? GrantLevel.full : GrantLevel.none;
  for (const entry of compiled.allOf) allOfGrant = Math.min(allOfGrant, levelOf(levels, entry, scope)) as GrantLevel;
  const grant = Math.max(anyOfGrant, allOfGrant) as GrantLevel;
  if (grant === GrantLevel.none) return NO_MATCH;
  // Loops without a list or closure per call: asked once per role and rule, tens of thousands of times on a big cluster.
  const matchedRules: PolicyRule[] = [];
  for (let position = 0; position < rules.length; position++) {
    const ruleLevels = levels.perRule[position] as Levels;
    if (
      (anyOfGrant > GrantLevel.none && contributes(compiled.anyOf, levels, ruleLevels, scope)) ||
      (allOfGrant > GrantLevel.none && contributes(compiled.allOf, levels, ruleLevels, scope))
    )
      matchedRules.push(rules[position] as PolicyRule);
  }
  return { grant, matchedRules };
}

/** Whether a rule (its `ruleLevels`) grants one of `entries` that the role grants in `scope`. */
function contributes(entries: readonly IndexedPattern[], levels: RoleLevels, ruleLevels: Levels, scope: string): boolean {
  for (const entry of entries) if (levelOf(levels, entry, scope) > GrantLevel.none && (ruleLevels[entry.index] ?? 0) > 0) return true;
  return false;
}

function sensitiveNamesOf(compiled: CompiledPermissionRule, matched: readonly PolicyRule[]): string[] {
  const sensitive = compiled.sensitiveNames;
  if (sensitive.size === 0) return [];
  return [...new Set(matched.flatMap((rule) => (rule.resourceNames ?? []).filter((name) => sensitive.has(name))))];
}

/**
 * `matchPermissionRule` for a role's rules and levels, asked once per role and scope: the answer
 * (and its matched rules, shared by the findings that quote them) is remembered on `levels`. Rules
 * with namespace-bound patterns are remembered cluster-wide only (their answer differs per namespace).
 */
export function answerFor(compiled: CompiledPermissionRule, rules: readonly PolicyRule[], levels: RoleLevels, scope: string): PermissionAnswer {
  const cluster = scope === "cluster";
  // Most grants are in namespaces a namespace-bound rule (kube-system ConfigMaps) never reaches.
  if (!cluster && compiled.reachableNamespaces && !compiled.reachableNamespaces.has(scope)) return NO_ANSWER;
  const remembered = cluster || !compiled.namespaceBound;
  const slot = compiled.position * 2 + (cluster ? 1 : 0);
  let answer = remembered ? levels.answers[slot] : undefined;
  if (answer === undefined) {
    const match = matchPermissionRule(compiled, rules, levels, scope);
    // Most questions get "no": one shared answer for those keeps a role bound once from paying for the memo.
    answer =
      match.grant === GrantLevel.none
        ? NO_ANSWER
        : {
            grant: match.grant,
            matchedRules: match.matchedRules,
            restrictedTo: match.grant === GrantLevel.restricted ? restrictedNames(match.matchedRules) : "",
            sensitiveNames: sensitiveNamesOf(compiled, match.matchedRules),
            verbsText: verbsTextOf(match.matchedRules),
          };
    if (remembered) levels.answers[slot] = answer;
  }
  return answer;
}

/** `restricted by resourceNames to a, b`: the names the rules limit a grant to, in order, each once. */
export function restrictedNames(rules: readonly PolicyRule[]): string {
  const names: string[] = [];
  for (const rule of rules) for (const name of rule.resourceNames ?? []) if (!names.includes(name)) names.push(name);
  return `restricted by resourceNames to ${names.join(", ")}`;
}
