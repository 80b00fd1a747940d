import { aggregateClusterRoles } from "./aggregate.js";
import type { Decision, EffectiveRule, RulesReview, SubjectGrant } from "./decision.js";
import { ruleAllows } from "./match.js";
import { nearMissesFor } from "./near-miss.js";
import { indexSnapshot } from "./rbac-index.js";
import { aggregateErrorText, describeGrantSource, grantBase, grantOf, visitRulesFor } from "./resolve.js";
import type { RbacSnapshot, RequestAttributes, UserInfo } from "./types.js";
import { subjectsWhoCan } from "./who-can.js";

/** Options for `createAuthorizer`. */
export interface AuthorizerOptions {
  /**
   * Resolve aggregated ClusterRoles offline first (default false: live objects are used as stored,
   * because the apiserver's authorizer only reads `.rules`). Pass true for manifests.
   */
  aggregate?: boolean;
  /** Groups allowed everything before RBAC runs (default `["system:masters"]`, as kube-apiserver does). */
  privilegedGroups?: string[];
  /** Compute near-miss explanations for denials (default true). */
  explainDenials?: boolean;
}

/** Answers RBAC questions about one snapshot, the way kube-apiserver's RBAC authorizer would. */
export interface Authorizer {
  /** May `user` make the request? With the upstream reason, the grant, near misses and errors. */
  authorize(user: UserInfo, attrs: RequestAttributes): Decision;
  /** The rules that apply to `user` in `namespace` ("" = cluster-wide only), with where they come from. */
  rulesFor(user: UserInfo, namespace: string): EffectiveRule[];
  /** Like `rulesFor`, plus the resolution errors (what SelfSubjectRulesReview reports as evaluationError). */
  rulesReview(user: UserInfo, namespace: string): RulesReview;
  /** Every subject that may make the request, each with its path. Privileged groups come first. */
  whoCan(attrs: RequestAttributes): SubjectGrant[];
}

const DEFAULT_PRIVILEGED_GROUPS = ["system:masters"];

/** Builds an authorizer over a snapshot. Pure: no I/O; the snapshot is indexed once. */
export function createAuthorizer(snapshot: RbacSnapshot, options: AuthorizerOptions = {}): Authorizer {
  const effective = options.aggregate ? { ...snapshot, clusterRoles: aggregateClusterRoles(snapshot.clusterRoles) } : snapshot;
  const index = indexSnapshot(effective);
  const privilegedGroups = options.privilegedGroups ?? DEFAULT_PRIVILEGED_GROUPS;
  const explainDenials = options.explainDenials ?? true;

  function authorize(user: UserInfo, attrs: RequestAttributes): Decision {
    const privileged = privilegedGroups.find((group) => user.groups.includes(group));
    if (privileged !== undefined) {
      return { allowed: true, reason: `allowed before RBAC: member of the privileged group ${JSON.stringify(privileged)}`, nearMisses: [], errors: [] };
    }
    const namespace = attrs.resourceRequest ? attrs.namespace : "";
    const errors: string[] = [];
    let decision: Decision | undefined;
    visitRulesFor(index, user, namespace, (visit) => {
      if (visit.rule && ruleAllows(visit.rule, attrs)) {
        const grant = grantOf(visit);
        decision = { allowed: true, reason: `RBAC: allowed by ${describeGrantSource(grant)}`, grant, nearMisses: [], errors };
        return false;
      }
      if (visit.error !== undefined) errors.push(visit.error);
      return true;
    });
    if (decision) return decision;
    return {
      allowed: false,
      reason: errors.length > 0 ? `RBAC: ${aggregateErrorText(errors)}` : "",
      // Always explain a binding to system:masters: users expect it to reach them when it cannot.
      nearMisses: explainDenials ? nearMissesFor(index, user, attrs, [...new Set(["system:masters", ...privilegedGroups])]) : [],
      errors,
    };
  }

  function rulesReview(user: UserInfo, namespace: string): RulesReview {
    const review: RulesReview = { rules: [], errors: [] };
    visitRulesFor(index, user, namespace, (visit) => {
      if (visit.rule) review.rules.push({ rule: visit.rule, grant: grantBase(visit.binding, visit.subjectIndex) });
      else review.errors.push(visit.error);
      return true;
    });
    return review;
  }

  return {
    authorize,
    rulesReview,
    rulesFor: (user, namespace) => rulesReview(user, namespace).rules,
    whoCan: (attrs) => subjectsWhoCan(index, attrs, privilegedGroups),
  };
}

/**
 * One question, one answer: may `user` make the request under `snapshot`? For a single question; to ask
 * many, build an authorizer once with `createAuthorizer` (it indexes the snapshot).
 */
export function evaluate(snapshot: RbacSnapshot, user: UserInfo, attrs: RequestAttributes, options: AuthorizerOptions = {}): Decision {
  return createAuthorizer(snapshot, options).authorize(user, attrs);
}
