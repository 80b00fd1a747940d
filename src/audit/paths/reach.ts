import type { ObjectRef } from "../../model/report.js";
import { apiGroupMatches, combinedResourceOf, resourceMatches, verbMatches } from "../../rbac/match.js";
import type { PolicyRule } from "../../rbac/types.js";
import type { IdentityGrant } from "./grants.js";

/*
 * "Where may this identity make this request?" answered from its grants, without a namespace or a
 * name: a ClusterRoleBinding reaches every namespace, a RoleBinding its own; resourceNames narrow
 * the names. Cluster-scoped requests are only ever allowed by ClusterRoleBindings (their namespace
 * is "", and only ClusterRoleBindings are consulted for it). The rule matchers are the RBAC engine's.
 */

/** A request without namespace and name. */
export interface Question {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  clusterScoped?: boolean;
}

/** The rule of a grant that allows a question, and who makes the request. */
export interface Evidence {
  as: ObjectRef;
  grant: IdentityGrant;
  rule: PolicyRule;
  question: Question;
}

/** Where a question is allowed: a namespace ("" = every namespace, or cluster scope) and names (absent = any name). */
export interface Reach {
  namespace: string;
  names?: readonly string[];
  evidence: Evidence[];
}

/** What the edges ask: one identity's permissions, possibly narrowed by the identity impersonating it. */
export interface PermissionSource {
  /** The identity acted as. */
  ref: ObjectRef;
  reach(question: Question): Reach[];
  /** False when no grant allows any question an edge asks: the identity has no edge at all. */
  asksAnything: boolean;
  /** The identity's own permissions, unnarrowed: the API server's bind and escalate checks ask these. */
  unrestricted: PermissionSource;
}

const matchesByRules = new WeakMap<readonly PolicyRule[], Map<Question, PolicyRule[]>>();
const NONE: readonly Reach[] = [];
const EMPTY_PROFILE: ReadonlyMap<Question, PolicyRule[]> = new Map();

/** The questions the edges ask, by combined resource (`pods`, `pods/exec`), so a role is matched against them once. */
const known = new Map<string, Question[]>();
/** Each declared question's combined resource (`pods/exec`): made once, not per rule it is matched against. */
const combinedOf = new Map<Question, string>();

/** Declares the questions the edges ask (module constants); called once by edges.ts. */
export function declareQuestions(questions: readonly Question[]): void {
  for (const question of questions) {
    const combined = combinedResourceOf(question.resource, question.subresource);
    combinedOf.set(question, combined);
    const list = known.get(combined);
    if (list) list.push(question);
    else known.set(combined, [question]);
  }
}

function allows(rule: PolicyRule, question: Question): boolean {
  return (
    verbMatches(rule, question.verb) &&
    apiGroupMatches(rule, question.group) &&
    resourceMatches(rule, combinedOf.get(question) ?? combinedResourceOf(question.resource, question.subresource), question.subresource ?? "")
  );
}

/**
 * Tells `visit` each declared question a rule allows: of all of them for `*` or `*\/sub`, else of those
 * on the resources it names. Without building a list per rule: every rule of every role of a big
 * cluster comes here once (relevance.ts), and most name no resource any question is about.
 */
function eachCandidateAllowed(rule: PolicyRule, visit: (question: Question, rule: PolicyRule) => void): void {
  const resources = rule.resources ?? [];
  for (const resource of resources) {
    if (resource !== "*" && !resource.startsWith("*/")) continue;
    for (const question of combinedOf.keys()) if (allows(rule, question)) visit(question, rule);
    return;
  }
  for (const resource of resources) {
    const questions = known.get(resource);
    if (questions) for (const question of questions) if (allows(rule, question)) visit(question, rule);
  }
}

/**
 * Which declared questions a role allows, and with which of its rules: computed once per role (thousands
 * of bindings share one, and most roles of a big cluster allow none of them).
 */
function profileOf(rules: readonly PolicyRule[]): ReadonlyMap<Question, PolicyRule[]> {
  let profile = matchesByRules.get(rules);
  if (profile) return profile;
  for (const rule of rules)
    eachCandidateAllowed(rule, (question) => {
      profile ??= new Map();
      const list = profile.get(question);
      if (list) list.push(rule);
      else profile.set(question, [rule]);
    });
  profile ??= EMPTY_PROFILE as Map<Question, PolicyRule[]>;
  matchesByRules.set(rules, profile);
  return profile;
}

/** The rules that allow a question: from the role's profile for a declared question, else matched now. */
export function matchingRules(rules: readonly PolicyRule[], question: Question): readonly PolicyRule[] {
  if (combinedOf.has(question)) return profileOf(rules).get(question) ?? [];
  return rules.filter((rule) => allows(rule, question));
}

/**
 * Tells `visit` each declared question a rule of `rules` allows, with the rule, without keeping a profile
 * when there is none yet: relevance.ts reads every role of a big cluster once, and most lead nowhere.
 */
export function eachAllowed(rules: readonly PolicyRule[], visit: (question: Question, rule: PolicyRule) => void): void {
  const profile = matchesByRules.get(rules);
  if (profile) {
    for (const [question, matched] of profile) for (const rule of matched) visit(question, rule);
    return;
  }
  for (const rule of rules) eachCandidateAllowed(rule, visit);
}

/** The permissions an identity holds through its grants (nothing is allocated for a question it cannot ask). */
export function grantSource(ref: ObjectRef, grants: readonly IdentityGrant[]): PermissionSource {
  const source: PermissionSource = {
    ref,
    asksAnything: grants.some((grant) => profileOf(grant.rules).size > 0),
    reach(question) {
      let reaches: Reach[] | undefined;
      for (const grant of grants) {
        if (question.clusterScoped && (grant.namespace !== "" || grant.namespacedOnly)) continue;
        const matched = matchingRules(grant.rules, question);
        if (matched.length === 0) continue;
        reaches ??= [];
        for (const rule of matched) {
          const names = rule.resourceNames ?? [];
          reaches.push({ namespace: grant.namespace, ...(names.length > 0 ? { names } : {}), evidence: [{ as: ref, grant, rule, question }] });
        }
      }
      return reaches ?? (NONE as Reach[]);
    },
    get unrestricted() {
      return source;
    },
  };
  return source;
}

/** Where two namespaces meet ("" = every namespace), or undefined when they do not. */
export function meetNamespaces(left: string, right: string): string | undefined {
  return left === "" ? right : right === "" || right === left ? left : undefined;
}

/** Where two reaches overlap (namespace and names), with the evidence of both; undefined when nowhere. */
export function intersectReach(left: Reach, right: Reach): Reach | undefined {
  const namespace = meetNamespaces(left.namespace, right.namespace);
  if (namespace === undefined) return undefined;
  let names = left.names ?? right.names;
  if (left.names && right.names) {
    const other = new Set(right.names);
    names = left.names.filter((name) => other.has(name));
    if (names.length === 0) return undefined;
  }
  return { namespace, ...(names ? { names } : {}), evidence: [...left.evidence, ...right.evidence] };
}

/**
 * The permissions of `target` while `impersonator` impersonates it with constrained impersonation
 * (`mode`): each request needs the target's permission and the impersonator's
 * `impersonate-on:<mode>:<verb>` on the same resource (RBAC's `*` verb matches that verb too).
 */
export function impersonatedSource(target: PermissionSource, impersonator: PermissionSource, mode: string): PermissionSource {
  // Questions are module constants, so the object is the key; the impersonate-on question is made once per question.
  const cache = new Map<Question, Reach[]>();
  return {
    ref: target.ref,
    unrestricted: target,
    asksAnything: target.asksAnything,
    reach(question) {
      let reaches = cache.get(question);
      if (reaches) return reaches;
      reaches = [];
      const allowedOn = impersonator.reach(impersonateOn(question, mode));
      if (allowedOn.length > 0) {
        for (const own of target.reach(question)) {
          for (const on of allowedOn) {
            const both = intersectReach(own, on);
            if (both) reaches.push(both);
          }
        }
      }
      cache.set(question, reaches);
      return reaches;
    },
  };
}

/** Where the impersonator may make `question` while impersonating with constrained impersonation (`impersonate-on:<mode>:<verb>`). */
export function impersonateOnReach(impersonator: PermissionSource, question: Question, mode: string): Reach[] {
  return impersonator.reach(impersonateOn(question, mode));
}

const onQuestions = new Map<Question, Map<string, Question>>();

/** The question `impersonate-on:<mode>:<verb>` on the same resource, one object per question and mode. */
function impersonateOn(question: Question, mode: string): Question {
  let byMode = onQuestions.get(question);
  if (!byMode) onQuestions.set(question, (byMode = new Map()));
  let derived = byMode.get(mode);
  if (!derived) byMode.set(mode, (derived = { ...question, verb: `impersonate-on:${mode}:${question.verb}` }));
  return derived;
}

/** Reaches without resourceNames: a create names no object, so a rule limited by names never allows it. */
export const unnamed = (reaches: Reach[]): Reach[] =>
  reaches.length === 0 || reaches.every((reach) => !reach.names) ? reaches : reaches.filter((reach) => !reach.names);

/** True when the names of a reach include `name` (no names means every name). */
export function reachNames(reach: Reach, name: string): boolean {
  return !reach.names || reach.names.includes(name);
}
