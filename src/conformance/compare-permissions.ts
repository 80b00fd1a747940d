import { boundedMap, selfAccessReview, selfRulesReview, type AccessAnswer } from "../kube/access-reviews.js";
import { namespacesToCompare, namespacesWithOwnRules } from "./namespace-scope.js";
import type { KubeClient } from "../kube/types.js";
import type { Authorizer } from "../rbac/authorizer.js";
import { atomKey, type AtomicRule } from "../rbac/covers.js";
import { formatPath } from "../rbac/format.js";
import type { PolicyRule, UserInfo } from "../rbac/types.js";
import {
  atomAttributes,
  clusterCandidates,
  explainedBy,
  mostGeneral,
  namespaceDifferences,
  nonResourceDifferences,
  resourceRulesOf,
} from "./permission-diff.js";

/*
 * `run --expect`, the whole permission set: for the identity saprobe runs as, the server's rules
 * (SelfSubjectRulesReview) in every namespace that matters are compared with what the expected RBAC
 * gives the same user there (the evaluator, bootstrap policy included), and cluster-wide access is
 * asked one permission at a time (SelfSubjectAccessReview). Every difference is confirmed by an access
 * review before it is reported: a rules review may be incomplete, and only the authorizer decides.
 */

/** How many reviews are in flight at once over the run's connection. */
const CONCURRENCY = 8;

/** One permission the server and the expected RBAC disagree on, confirmed by an access review. */
export interface PermissionDifference {
  /** `extra`: granted but not declared (over-privileged); `missing`: declared but denied (under-privileged). */
  direction: "extra" | "missing";
  /** `cluster` or the namespace it was compared in. */
  scope: string;
  atom: AtomicRule;
  /** The access review's answer that confirmed it. */
  confirmedBy: string;
  /** For a missing permission: the expected binding -> role that grants it. */
  expectedGrant?: string;
}

/** What the comparison covered, what it found and what it could not do. */
export interface PermissionComparison {
  /** Namespaces whose rules were compared (reviewed, or holding only the cluster-wide rules). */
  compared: string[];
  /** How many of them got a rules review of their own (the others hold only the cluster-wide rules). */
  reviewed: number;
  /** Namespaces that could not be compared, and why. */
  notCompared: { namespace: string; reason: string }[];
  /** Whether cluster-wide access was compared. */
  clusterCompared: boolean;
  /** Where the list of namespaces came from. */
  namespacesFrom: string;
  /**
   * Why the comparison may have missed a permission (a namespace it could not list or compare); empty
   * when it covered every namespace. A RoleBinding in a namespace not compared can grant anything.
   */
  incomplete: string[];
  /** The server's resource rules for the identity in each compared namespace (ClusterRoleBindings' included). */
  liveRules: Map<string, PolicyRule[]>;
  differences: PermissionDifference[];
  warnings: string[];
}

/** What the comparison needs. */
export interface ComparePermissionsInput {
  client: KubeClient;
  /** The identity exactly as the server reported it (SelfSubjectReview). */
  user: UserInfo;
  /** The expected RBAC (bootstrap policy included when asked), aggregated. */
  expected: Authorizer;
  /** Namespaces always compared: the identity's own, those the expected files name, default, kube-system. */
  namespaces: readonly string[];
  /**
   * The identity that impersonates (the connection without `--as`), when the run impersonates: it
   * lists the namespaces when the identity itself may not. Every question is still asked as the identity.
   */
  reader?: KubeClient;
  signal?: AbortSignal;
}

function confirmation(answer: AccessAnswer): string {
  if (!answer.ok) return answer.error.message;
  return answer.reason || (answer.allowed ? "allowed" : "no authorizer allows it");
}

/** The expected RBAC's rules for the user in a namespace (`""`: cluster-wide bindings only); a privileged group holds everything. */
function expectedRules(input: ComparePermissionsInput, namespace: string): PolicyRule[] {
  if (input.user.groups.includes("system:masters"))
    return [
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["*"], nonResourceURLs: ["*"] },
    ];
  return input.expected.rulesFor(input.user, namespace).map((effective) => effective.rule);
}

function expectedGrant(input: ComparePermissionsInput, atom: AtomicRule, namespace: string): string | undefined {
  const decision = input.expected.authorize(input.user, atomAttributes(atom, namespace));
  return decision.grant ? formatPath(decision.grant) : decision.allowed ? decision.reason : undefined;
}

interface Candidate {
  direction: "extra" | "missing";
  scope: string;
  atom: AtomicRule;
}

/** Asks the server about each candidate; keeps those whose answer confirms the difference. */
async function confirmAll(input: ComparePermissionsInput, candidates: readonly Candidate[], warnings: string[]): Promise<PermissionDifference[]> {
  const options = input.signal ? { signal: input.signal } : {};
  const answers = await boundedMap(candidates, CONCURRENCY, (candidate) =>
    selfAccessReview(input.client, atomAttributes(candidate.atom, candidate.scope === "cluster" ? "" : candidate.scope), options),
  );
  const confirmed: PermissionDifference[] = [];
  candidates.forEach((candidate, position) => {
    const answer = answers[position] as AccessAnswer;
    if (!answer.ok) {
      warnings.push(`--expect: could not confirm a difference (${answer.error.message}); it is not reported`);
      return;
    }
    if (answer.allowed !== (candidate.direction === "extra")) return;
    const grant = candidate.direction === "missing" ? expectedGrant(input, candidate.atom, candidate.scope === "cluster" ? "" : candidate.scope) : undefined;
    confirmed.push({ ...candidate, confirmedBy: confirmation(answer), ...(grant ? { expectedGrant: grant } : {}) });
  });
  return confirmed;
}

/** Cluster-scope candidates: asked live one by one, and judged by the evaluator at cluster scope. */
async function clusterDifferences(
  input: ComparePermissionsInput,
  liveByNamespace: PolicyRule[][],
  nonResource: { expected: PolicyRule[]; live: PolicyRule[] } | undefined,
  warnings: string[],
): Promise<PermissionDifference[]> {
  const atoms = clusterCandidates(liveByNamespace, expectedRules(input, ""));
  const options = input.signal ? { signal: input.signal } : {};
  const answers = await boundedMap(atoms, CONCURRENCY, (atom) => selfAccessReview(input.client, atomAttributes(atom, ""), options));
  const differences: PermissionDifference[] = [];
  atoms.forEach((atom, position) => {
    const answer = answers[position] as AccessAnswer;
    if (!answer.ok) {
      warnings.push(`--expect: could not ask about a cluster-wide permission (${answer.error.message})`);
      return;
    }
    const expected = input.expected.authorize(input.user, atomAttributes(atom, "")).allowed || input.user.groups.includes("system:masters");
    if (answer.allowed === expected) return;
    const grant = expected ? expectedGrant(input, atom, "") : undefined;
    differences.push({
      direction: answer.allowed ? "extra" : "missing",
      scope: "cluster",
      atom,
      confirmedBy: confirmation(answer),
      ...(grant ? { expectedGrant: grant } : {}),
    });
  });
  if (!nonResource) return differences;
  const urls = nonResourceDifferences(nonResource.expected, nonResource.live);
  const urlCandidates: Candidate[] = [
    ...urls.extra.map((atom) => ({ direction: "extra" as const, scope: "cluster", atom })),
    ...urls.missing.map((atom) => ({ direction: "missing" as const, scope: "cluster", atom })),
  ];
  return [...differences, ...(await confirmAll(input, urlCandidates, warnings))];
}

/**
 * Compares the identity's live permissions with the expected RBAC's, in every namespace that matters
 * and cluster-wide. Never throws for what the server answers: a namespace whose rules cannot be read
 * is listed in `notCompared` with the reason.
 */
export async function comparePermissions(input: ComparePermissionsInput): Promise<PermissionComparison> {
  const warnings: string[] = [];
  const { namespaces: every, from, missed } = await namespacesToCompare(input);
  // Where no RoleBinding names the identity or its groups, its rules are the cluster-wide ones and so
  // are the expected ones (a namespace the files name is always reviewed): one review stands for all.
  const own = await namespacesWithOwnRules(input);
  // A RoleBinding in a namespace the list lacks (created since it was read) is reviewed too.
  const namespaces = own ? [...every.filter((namespace) => own.has(namespace)), ...[...own].filter((namespace) => !every.includes(namespace))] : every;
  const options = input.signal ? { signal: input.signal } : {};
  const reviews = await boundedMap(namespaces, CONCURRENCY, (namespace) => selfRulesReview(input.client, namespace, options));
  const compared: string[] = [];
  const notCompared: { namespace: string; reason: string }[] = [];
  const liveByNamespace: PolicyRule[][] = [];
  const liveRules = new Map<string, PolicyRule[]>();
  const unlisted: string[] = [];
  const namespaceCandidates: Candidate[] = [];
  let nonResource: { expected: PolicyRule[]; live: PolicyRule[] } | undefined;
  namespaces.forEach((namespace, position) => {
    const review = reviews[position];
    if (!review?.ok) {
      notCompared.push({ namespace, reason: review ? review.error.message : "not asked" });
      return;
    }
    // An authorizer that cannot list its rules (a webhook; the Node authorizer for a node) may grant
    // what the review does not show: declared permissions are still asked one by one, extra ones cannot be.
    if (review.incomplete) unlisted.push(`${namespace}${review.evaluationError ? ` (${review.evaluationError})` : ""}`);
    compared.push(namespace);
    const expected = expectedRules(input, namespace);
    liveByNamespace.push(review.resourceRules);
    liveRules.set(namespace, review.resourceRules);
    nonResource ??= { expected, live: review.nonResourceRules };
    const differences = namespaceDifferences(resourceRulesOf(expected), review.resourceRules);
    namespaceCandidates.push(
      ...differences.extra.map((atom) => ({ direction: "extra" as const, scope: namespace, atom })),
      ...differences.missing.map((atom) => ({ direction: "missing" as const, scope: namespace, atom })),
    );
  });
  const cluster = compared.length > 0 ? await clusterDifferences(input, liveByNamespace, nonResource, warnings) : [];
  const clusterExtra = explainedBy(
    cluster.filter((difference) => difference.direction === "extra" && difference.atom.nonResourceURL === undefined).map((difference) => difference.atom),
  );
  const clusterMissing = explainedBy(
    cluster.filter((difference) => difference.direction === "missing" && difference.atom.nonResourceURL === undefined).map((difference) => difference.atom),
  );
  const remaining = namespaceCandidates.filter((candidate) => !(candidate.direction === "extra" ? clusterExtra : clusterMissing)(candidate.atom));
  const inNamespaces = await confirmAll(input, remaining, warnings);
  // The namespaces not reviewed hold the cluster-wide rules, compared above: compared too, when any review was.
  const byClusterRules = own && compared.length > 0 ? every.filter((namespace) => !own.has(namespace)) : [];
  return {
    compared: [...compared, ...byClusterRules],
    reviewed: compared.length,
    notCompared,
    clusterCompared: compared.length > 0,
    namespacesFrom: from,
    incomplete: [
      ...(missed ? [missed] : []),
      ...notCompared.map((entry) => `namespace ${entry.namespace} could not be compared: ${entry.reason}`),
      ...(unlisted.length > 0
        ? [
            `the server's rules are incomplete in ${unlisted.join(", ")}: an authorizer that cannot list its rules (a webhook, or the Node authorizer for a node) may grant what they do not show`,
          ]
        : []),
    ],
    liveRules,
    differences: reportedOnce([...cluster, ...inNamespaces]),
    warnings: [...new Set(warnings)],
  };
}

/** Each difference once, by its most general form within its direction and scope. */
function reportedOnce(differences: readonly PermissionDifference[]): PermissionDifference[] {
  const groups = new Map<string, PermissionDifference[]>();
  for (const difference of differences) {
    const key = `${difference.direction}/${difference.scope}`;
    groups.set(key, [...(groups.get(key) ?? []), difference]);
  }
  return [...groups.values()].flatMap((group) => {
    const kept = new Set(mostGeneral(group.map((difference) => difference.atom)).map(atomKey));
    return group.filter((difference) => kept.delete(atomKey(difference.atom)));
  });
}
