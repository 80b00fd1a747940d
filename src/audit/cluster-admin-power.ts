import { apiGroupMatches, resourceMatches, verbMatches } from "../rbac/match.js";
import type { PolicyRule } from "../rbac/types.js";

/*
 * What counts as cluster-admin power in a role's rules. A `*` verb on every resource of every group
 * is what the bootstrap cluster-admin role is; the same rules with every REST verb spelled out one by
 * one are the same power in practice: create on every resource covers serviceaccounts/token (a token
 * for any ServiceAccount, including the controllers that hold escalate and bind), so the holder can
 * give itself the rest (checked on v1.37.2: a token for clusterrole-aggregation-controller, then its
 * escalate on the holder's own ClusterRole, gave '*' on '*').
 */

/** The verbs the REST API serves on every resource (RBAC has no shorthand for them other than `*`). */
export const EVERY_REST_VERB: readonly string[] = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

/** True for a rule that grants every verb on every resource of every API group (what cluster-admin is). */
export function isFullWildcard(rule: PolicyRule): boolean {
  return verbMatches(rule, "*") && apiGroupMatches(rule, "*") && resourceMatches(rule, "*", "");
}

/** Cluster-admin power found in a role's rules: the rules that give it, and how. */
export interface ClusterAdminPower {
  /** The rules that make up the power, as written. */
  rules: PolicyRule[];
  /** Every rule that would give it lists resourceNames: the power reaches only objects of those names. */
  restricted: boolean;
  /** No `*` verb: the power comes from every REST verb listed one by one. */
  spelledOut: boolean;
}

function onEverything(rule: PolicyRule): boolean {
  return apiGroupMatches(rule, "*") && resourceMatches(rule, "*", "");
}

function named(rule: PolicyRule): boolean {
  return (rule.resourceNames ?? []).length > 0;
}

/**
 * The cluster-admin power a role's rules hold, or undefined. Several rules may add up to it (one
 * with `get, list, watch` and one with the writes, both on `*` of `*`).
 */
export function clusterAdminPower(rules: readonly PolicyRule[]): ClusterAdminPower | undefined {
  const everything = rules.filter(onEverything);
  if (everything.length === 0) return undefined;
  const open = everything.filter((rule) => !named(rule));
  const wildcard = open.filter((rule) => verbMatches(rule, "*"));
  if (wildcard.length > 0) return { rules: wildcard, restricted: false, spelledOut: false };
  if (EVERY_REST_VERB.every((verb) => open.some((rule) => verbMatches(rule, verb)))) {
    return { rules: open.filter((rule) => EVERY_REST_VERB.some((verb) => verbMatches(rule, verb))), restricted: false, spelledOut: true };
  }
  const restricted = everything.filter((rule) => verbMatches(rule, "*"));
  if (restricted.length > 0) return { rules: restricted, restricted: true, spelledOut: false };
  return undefined;
}
