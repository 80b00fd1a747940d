import { createAuthorizer, type Authorizer } from "../rbac/authorizer.js";
import { withBootstrapPolicy } from "../rbac/bootstrap.js";
import type { Decision } from "../rbac/decision.js";
import { describeGrant } from "../rbac/format.js";
import type { RbacSnapshot, RequestAttributes, UserInfo } from "../rbac/types.js";

/** What the expected RBAC says about one request. */
export interface ExpectedVerdict {
  expected: "allowed" | "denied";
  /** The evaluator's full answer on the expected objects (grant, near misses, errors). */
  decision: Decision;
  /** One sentence: the expected binding -> role that allows it, or why nothing does. */
  because: string;
}

// One authorizer per (snapshot, withDefaults): a run asks dozens of questions of the same files.
const cache = new WeakMap<RbacSnapshot, Map<boolean, Authorizer>>();

/** The authorizer over the expected RBAC (plus the bootstrap policy with `withDefaults`), aggregated as the controller would; built once per snapshot. */
export function authorizerFor(expected: RbacSnapshot, withDefaults: boolean): Authorizer {
  let byDefaults = cache.get(expected);
  if (!byDefaults) cache.set(expected, (byDefaults = new Map()));
  let authorizer = byDefaults.get(withDefaults);
  if (!authorizer) {
    // Expected files are manifests: aggregated roles are resolved as the controller would.
    authorizer = createAuthorizer(withDefaults ? withBootstrapPolicy(expected) : expected, { aggregate: true });
    byDefaults.set(withDefaults, authorizer);
  }
  return authorizer;
}

/**
 * The verdict the expected RBAC gives `user` for `attrs`, for `run --expect`: with `withDefaults`
 * the bootstrap policy is added (so /version, discovery and self-reviews are expected to work).
 */
export function expectedVerdict(expected: RbacSnapshot, user: UserInfo, attrs: RequestAttributes, options: { withDefaults: boolean }): ExpectedVerdict {
  const decision = authorizerFor(expected, options.withDefaults).authorize(user, attrs);
  const because = decision.grant
    ? `expected RBAC allows it: ${describeGrant(decision.grant)}`
    : decision.allowed
      ? decision.reason
      : ["no rule in the expected RBAC grants it", ...decision.nearMisses].join("; ");
  return { expected: decision.allowed ? "allowed" : "denied", decision, because };
}
