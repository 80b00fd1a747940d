/** The RBAC engine's public surface: pure functions over RBAC objects, no I/O. */
export type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  ObjectMeta,
  PolicyRule,
  RbacObject,
  RbacSnapshot,
  RequestAttributes,
  Role,
  RoleBinding,
  RoleRef,
  ServiceAccount,
  Subject,
  UserInfo,
} from "./types.js";
export type { Decision, EffectiveRule, Grant, RulesReview, SubjectGrant } from "./decision.js";
export { apiGroupMatches, nonResourceURLMatches, resourceMatches, resourceNameMatches, ruleAllows, rulesAllow, verbMatches } from "./match.js";
export { aggregateClusterRoles, policyRulesEqual } from "./aggregate.js";
export { compileLabelSelector } from "./selector.js";
export { createAuthorizer, evaluate, type Authorizer, type AuthorizerOptions } from "./authorizer.js";
export { parseServiceAccountUsername, userInfoFor, ANONYMOUS_USER } from "./users.js";
export { describeSubject, serviceAccountUsername, subjectAppliesToUser } from "./subjects.js";
export { BOOTSTRAP_POLICY_VERSION, bootstrapPolicy, emptySnapshot, mergeSnapshots, withBootstrapPolicy } from "./bootstrap.js";
export { parseRequest, describeRequest, BUILTIN_RESOURCES_VERSION, type ParsedRequest } from "./request-spec.js";
export { formatRule, formatPath, formatSubject, explainDecision } from "./format.js";
export { describeGrantSource } from "./resolve.js";
