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
  /** The identity's own permissions, unnarrowed: the API server's bind and escalate checks ask these. */
  unrestricted: PermissionSource;
}

const matchesByRules = new WeakMap<readonly PolicyRule[], Map<string, PolicyRule[]>>();

function questionKey(question: Question): string {
  return `${question.verb} ${question.group} ${question.resource} ${question.subresource ?? ""}`;
}

/** The rules of a role that allow a question (remembered per role: many identities share a role). */
function matchingRules(rules: readonly PolicyRule[], question: Question): PolicyRule[] {
  let memo = matchesByRules.get(rules);
  if (!memo) matchesByRules.set(rules, (memo = new Map()));
  const key = questionKey(question);
  let matched = memo.get(key);
  if (!matched) {
    const combined = combinedResourceOf(question.resource, question.subresource);
    matched = rules.filter((rule) => verbMatches(rule, question.verb) && apiGroupMatches(rule, question.group) && resourceMatches(rule, combined, question.subresource ?? ""));
    memo.set(key, matched);
  }
  return matched;
}

/** The permissions an identity holds through its grants. */
export function grantSource(ref: ObjectRef, grants: readonly IdentityGrant[]): PermissionSource {
  const cache = new Map<string, Reach[]>();
  const source: PermissionSource = {
    ref,
    reach(question) {
      const key = `${questionKey(question)} ${question.clusterScoped ? "c" : "n"}`;
      let reaches = cache.get(key);
      if (reaches) return reaches;
      reaches = [];
      for (const grant of grants) {
        if (question.clusterScoped && grant.namespace !== "") continue;
        for (const rule of matchingRules(grant.rules, question)) {
          const names = rule.resourceNames ?? [];
          reaches.push({ namespace: grant.namespace, ...(names.length > 0 ? { names } : {}), evidence: [{ as: ref, grant, rule, question }] });
        }
      }
      cache.set(key, reaches);
      return reaches;
    },
    get unrestricted() {
      return source;
    },
  };
  return source;
}

/** Where two reaches overlap (namespace and names), with the evidence of both; undefined when nowhere. */
export function intersectReach(left: Reach, right: Reach): Reach | undefined {
  let namespace: string;
  if (left.namespace === "") namespace = right.namespace;
  else if (right.namespace === "" || right.namespace === left.namespace) namespace = left.namespace;
  else return undefined;
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
  const cache = new Map<string, Reach[]>();
  return {
    ref: target.ref,
    unrestricted: target,
    reach(question) {
      const key = `${questionKey(question)} ${question.clusterScoped ? "c" : "n"}`;
      let reaches = cache.get(key);
      if (reaches) return reaches;
      reaches = [];
      const allowedOn = impersonator.reach({ ...question, verb: `impersonate-on:${mode}:${question.verb}` });
      if (allowedOn.length > 0) {
        for (const own of target.reach(question)) {
          for (const on of allowedOn) {
            const both = intersectReach(own, on);
            if (both) reaches.push(both);
          }
        }
      }
      cache.set(key, reaches);
      return reaches;
    },
  };
}

/** True when the names of a reach include `name` (no names means every name). */
export function reachNames(reach: Reach, name: string): boolean {
  return !reach.names || reach.names.includes(name);
}
