import type { MatcherKind } from "../rule-types.js";
import { broadSubjectMatcher } from "./broad-subject.js";
import { clusterAdminMatcher } from "./cluster-admin.js";
import { clusterAdminPathMatcher } from "./cluster-admin-path.js";
import { defaultServiceAccountMatcher } from "./default-serviceaccount.js";
import { highValueIdentityPathMatcher } from "./high-value-identity-path.js";
import { missingRoleMatcher } from "./missing-role.js";
import { modifiedDefaultMatcher } from "./modified-default.js";
import { permissionsMatcher } from "./permissions.js";
import { systemMastersMatcher } from "./system-masters.js";
import type { Matcher } from "./types.js";
import { unusedServiceAccountMatcher } from "./unused-serviceaccount.js";
import { wildcardMatcher } from "./wildcard.js";

/**
 * Every kind of matcher an audit rule may name, one module each: the only place that dispatches on
 * `match.kind`. The record type makes a kind without a module a compile error, and
 * test/audit/registry.test.ts holds these keys equal to the kinds checks/audit/schema.json accepts.
 */
export const MATCHERS: Readonly<Record<MatcherKind, Matcher>> = {
  permissions: permissionsMatcher,
  "cluster-admin": clusterAdminMatcher,
  wildcard: wildcardMatcher,
  "broad-subject": broadSubjectMatcher,
  "missing-role": missingRoleMatcher,
  "default-serviceaccount": defaultServiceAccountMatcher,
  "unused-serviceaccount": unusedServiceAccountMatcher,
  "system-masters": systemMastersMatcher,
  "modified-default": modifiedDefaultMatcher,
  "cluster-admin-path": clusterAdminPathMatcher,
  "high-value-identity-path": highValueIdentityPathMatcher,
};

/** The matcher of a rule's kind. */
export function matcherOf(kind: MatcherKind): Matcher {
  return MATCHERS[kind];
}
