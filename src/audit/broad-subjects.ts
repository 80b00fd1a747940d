import { bootstrapPolicy } from "../rbac/bootstrap.js";
import type { PolicyRule, Subject } from "../rbac/types.js";
import { rulesNotCoveredBy } from "./rule-coverage.js";

/*
 * "Everyone" subjects, and what the defaults already give them. A binding of one of these subjects
 * to a role that grants more than the default discovery, health and self-review rules gives that
 * role to every caller (or every authenticated identity).
 */

/**
 * `anonymous` for subjects that stand for anonymous callers (every request that reaches the API
 * server: User system:anonymous, Group system:unauthenticated); `all-authenticated` for every
 * authenticated identity or every ServiceAccount (Group system:authenticated, system:serviceaccounts);
 * undefined for an ordinary subject.
 */
export function broadnessOf(subject: Subject): "anonymous" | "all-authenticated" | undefined {
  // Compared in place: this runs for every subject of every binding.
  if (subject.kind === "User") return subject.name === "system:anonymous" ? "anonymous" : undefined;
  if (subject.kind !== "Group") return undefined;
  if (subject.name === "system:unauthenticated") return "anonymous";
  if (subject.name === "system:authenticated" || subject.name === "system:serviceaccounts") return "all-authenticated";
  return undefined;
}

/** The default ClusterRoles bound to everyone: discovery, health and version, self-reviews, OIDC discovery. */
const BASELINE_ROLE_NAMES = ["system:discovery", "system:public-info-viewer", "system:basic-user", "system:service-account-issuer-discovery"];

let baseline: PolicyRule[] | undefined;

function baselineRules(): PolicyRule[] {
  baseline ??= bootstrapPolicy()
    .clusterRoles.filter((role) => BASELINE_ROLE_NAMES.includes(role.metadata.name))
    .flatMap((role) => role.rules);
  return baseline;
}

/**
 * The rules of `rules` that grant something the default everyone-roles do not (each verb, URL,
 * group, resource and name is one atomic request that a default rule must allow, like the apiserver's
 * escalation check). A `*` in the role is only covered by a `*` in a default, so it always counts.
 */
export function rulesBeyondBaseline(rules: readonly PolicyRule[]): PolicyRule[] {
  const allowed = baselineRules();
  return rulesNotCoveredBy(rules, allowed);
}
