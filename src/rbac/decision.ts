import type { ObjectRef, SourceLocation } from "../model/report.js";
import type { PolicyRule, Subject } from "./types.js";

/** The path that grants a request: binding -> role -> rule, and the binding subject that matched. */
export interface Grant {
  /** The RoleBinding or ClusterRoleBinding. */
  binding: ObjectRef;
  /** The Role or ClusterRole the binding refers to (a Role's namespace is the binding's). */
  role: ObjectRef;
  /** The matching rule, as written in the role (after aggregation when it was resolved offline). */
  rule: PolicyRule;
  /** The binding subject that matched the user. */
  subject: Subject;
  /** `cluster` for a ClusterRoleBinding, else the namespace the grant is confined to. */
  scope: string;
  /** Where the binding was read from, when it came from a manifest. */
  source?: SourceLocation;
}

/** An authorization answer, with its reason and the explanations a "no" deserves. */
export interface Decision {
  allowed: boolean;
  /**
   * Upstream wording: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`; for a
   * "no", `RBAC: <resolution errors>` or "" exactly as the apiserver's RBAC authorizer would say (a
   * SubjectAccessReview shows a "no" reason prefixed with the authorizer's name: `rbac: RBAC: ...`).
   */
  reason: string;
  /** The grant that allowed the request (absent for "no" and for privileged groups). */
  grant?: Grant;
  /** Human sentences about bindings that almost grant the request but do not (only for "no"). */
  nearMisses: string[];
  /** Resolution errors met on the way (missing roles, unsupported roleRef kinds), upstream wording. */
  errors: string[];
}

/** One rule that applies to a user in a namespace, with where it comes from. */
export interface EffectiveRule {
  rule: PolicyRule;
  grant: Omit<Grant, "rule">;
}

/** Rules that apply to a user in a namespace plus the errors met resolving them (like SelfSubjectRulesReview). */
export interface RulesReview {
  rules: EffectiveRule[];
  errors: string[];
}

/** A subject that may perform a request ("who can"), with the path that allows it. */
export interface SubjectGrant {
  subject: Subject;
  /** Absent for the privileged group (`system:masters`), which is allowed before RBAC. */
  grant?: Grant;
  /** Set when the subject, as written, can never match a user (e.g. a ServiceAccount without namespace in a ClusterRoleBinding). */
  matchesNobody?: string;
}
