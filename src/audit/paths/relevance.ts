import type { PolicyRule } from "../../rbac/types.js";
import { isConstrainedQuestion, Q, reachedKindsOf } from "./questions.js";
import type { Identity, IdentityGrant, IdentityTable } from "./grants.js";
import { eachAllowed, type Question } from "./reach.js";

/*
 * Which identities are worth building edges for. The search goes backwards from its goal, so an
 * identity can only get a route through a node already reached: one whose questions lead only to
 * ServiceAccounts of namespaces where nobody is reached yet cannot, and its edges (the costly part of
 * a big cluster, where most identities reach nothing) are never built. The answer is read from each
 * role's question profile (reach.ts), which is computed once per role anyway.
 */

/** What an identity's edges could lead to, from the questions its grants allow. */
export interface Outlook {
  power: boolean;
  users: boolean;
  groups: boolean;
  /** A node's identity (impersonation of users and groups, CSRs). */
  node: boolean;
  /** A node's identity by escaping from a pod (escape-edges.ts; set by search.ts, a superset). */
  escapes: boolean;
  /** Namespaces of the ServiceAccounts it could reach ("" = every namespace). */
  serviceAccountNamespaces: string[];
  /** It has a constrained impersonation edge (that edge can skip a level of the search). */
  constrained: boolean;
}

/** The nodes reached so far, as the search keeps them. */
export interface Reached {
  users: number;
  groups: number;
  /** The node identity, when it is a goal (high-value.ts). */
  nodes: number;
  serviceAccounts: number;
  serviceAccountsIn(namespace: string): boolean;
}

const POWER = 1;
const USERS = 2;
const GROUPS = 4;
const SERVICE_ACCOUNTS = 8;
const CONSTRAINED = 16;
/** Secrets read only by name: an edge only where token Secrets' names are known (live), else none (edges.ts). */
const NAMED_SECRETS = 32;
const NODE = 64;
const BIT = { power: POWER, users: USERS, groups: GROUPS, serviceaccounts: SERVICE_ACCOUNTS, node: NODE } as const;

/** Per role: what its questions lead to through a ClusterRoleBinding, and through a RoleBinding (no cluster-scoped question). */
const masksByRules = new WeakMap<readonly PolicyRule[], { cluster: number; namespaced: number }>();

/** Each declared question's bits (kindBits), made once: masksOf meets them for every rule of every role. */
const bitsByQuestion = new Map<Question, number>();

/**
 * masksOf's running state (Secret reads as bit sets by their position in Q.secretReads), one at a time (masksOf does not recurse): a closure and a map per role were
 * most of its cost on a big cluster offline, where every role of every namespace is read (~28,000).
 */
const scan = { cluster: 0, namespaced: 0, secretsSeen: 0, secretsUnnamed: 0 };

function addBits(question: Question, bits: number): void {
  scan.cluster |= bits;
  if (!question.clusterScoped) scan.namespaced |= bits;
}

function visitAllowed(question: Question, rule: PolicyRule): void {
  const secret = Q.secretReads.indexOf(question);
  if (secret >= 0) {
    scan.secretsSeen |= 1 << secret;
    if ((rule.resourceNames ?? []).length === 0) scan.secretsUnnamed |= 1 << secret;
    return;
  }
  let bits = bitsByQuestion.get(question);
  if (bits === undefined) bitsByQuestion.set(question, (bits = kindBits(question)));
  addBits(question, bits);
}

function masksOf(rules: readonly PolicyRule[]): { cluster: number; namespaced: number } {
  let masks = masksByRules.get(rules);
  if (!masks) {
    scan.cluster = scan.namespaced = scan.secretsSeen = scan.secretsUnnamed = 0;
    eachAllowed(rules, visitAllowed);
    // A Secret read counts as named only when every rule that allows it names its Secrets.
    for (let index = 0; index < Q.secretReads.length; index++) {
      const question = Q.secretReads[index] as Question;
      if (scan.secretsSeen & (1 << index)) addBits(question, scan.secretsUnnamed & (1 << index) ? kindBits(question) : NAMED_SECRETS);
    }
    masks = { cluster: scan.cluster, namespaced: scan.namespaced };
    masksByRules.set(rules, masks);
  }
  return masks;
}

function kindBits(question: Question): number {
  let bits = isConstrainedQuestion(question) ? CONSTRAINED : 0;
  for (const kind of reachedKindsOf(question)) bits |= BIT[kind];
  return bits;
}

function maskOf(grant: IdentityGrant): number {
  const masks = masksOf(grant.rules);
  return grant.namespace === "" ? masks.cluster : masks.namespaced;
}

/**
 * Whether a grant of this role (`namespace` "" for a ClusterRoleBinding) can give its subject an edge:
 * a named Secret read counts only when the owners of token Secrets are known (`tokenSecretsNamed`).
 */
export function grantAsks(rules: readonly PolicyRule[], namespace: string, tokenSecretsNamed: boolean): boolean {
  const masks = masksOf(rules);
  const mask = namespace === "" ? masks.cluster : masks.namespaced;
  return (tokenSecretsNamed ? mask : mask & ~NAMED_SECRETS) !== 0;
}

/** Whether a grant of this role (`namespace` "" for a ClusterRoleBinding) can give an edge to ServiceAccounts (offline: a named Secret read gives none). */
export function reachesServiceAccounts(rules: readonly PolicyRule[], namespace: string): boolean {
  const masks = masksOf(rules);
  return ((namespace === "" ? masks.cluster : masks.namespaced) & SERVICE_ACCOUNTS) !== 0;
}

/** True when a role bound cluster-wide has an edge question that leads to power, users, groups or a node's identity. */
export function asksBeyondServiceAccounts(rules: readonly PolicyRule[]): boolean {
  return (masksOf(rules).cluster & (POWER | USERS | GROUPS | NODE)) !== 0;
}

function addGrants(outlook: Outlook | undefined, grants: readonly IdentityGrant[]): Outlook | undefined {
  for (const grant of grants) {
    const mask = maskOf(grant);
    if (mask === 0) continue;
    outlook ??= { power: false, users: false, groups: false, node: false, escapes: false, serviceAccountNamespaces: [], constrained: false };
    if (mask & POWER) outlook.power = true;
    if (mask & USERS) outlook.users = true;
    if (mask & GROUPS) outlook.groups = true;
    if (mask & NODE) outlook.node = true;
    if (mask & CONSTRAINED) outlook.constrained = true;
    if (mask & (SERVICE_ACCOUNTS | NAMED_SECRETS) && !outlook.serviceAccountNamespaces.includes(grant.namespace))
      outlook.serviceAccountNamespaces.push(grant.namespace);
  }
  return outlook;
}

/**
 * A node identity's outlook: its own edges (node-edges.ts) lead to ServiceAccounts of these namespaces
 * ("" = every one), besides what RBAC grants its groups (`granted`, outlookOf's).
 */
export function nodeOutlook(namespaces: readonly string[] = [""], granted?: Outlook): Outlook {
  const outlook = granted ?? { power: false, users: false, groups: false, node: false, escapes: false, serviceAccountNamespaces: [], constrained: false };
  for (const namespace of namespaces) if (!outlook.serviceAccountNamespaces.includes(namespace)) outlook.serviceAccountNamespaces.push(namespace);
  return outlook;
}

/** An identity's outlook, or undefined when its grants ask no question any edge asks (it has no edge). */
export function outlookOf(table: IdentityTable, identity: Identity): Outlook | undefined {
  let outlook = addGrants(undefined, identity.own);
  for (const key of identity.groups) {
    const group = table.identities.get(key);
    if (group) outlook = addGrants(outlook, group.own);
  }
  return outlook;
}

/** Whether an identity with this outlook could get a route now (a superset: the edges decide). */
export function couldReach(outlook: Outlook, reached: Reached): boolean {
  if (outlook.power || (outlook.users && reached.users > 0) || (outlook.groups && reached.groups > 0) || (outlook.node && reached.nodes > 0)) return true;
  if (reached.serviceAccounts === 0) return false;
  // A loop, not some(): asked of thousands of identities at every level of a search.
  for (const namespace of outlook.serviceAccountNamespaces) if (namespace === "" || reached.serviceAccountsIn(namespace)) return true;
  return false;
}
