import { isConstrainedQuestion, reachedKindsOf } from "./edges.js";
import type { Identity, IdentityTable } from "./grants.js";
import { questionsOf } from "./reach.js";

/*
 * Which identities are worth building edges for. The search goes backwards from cluster-admin power,
 * so an identity can only get a route through a node already reached: one whose questions lead only
 * to ServiceAccounts of namespaces where nobody is reached yet cannot, and its edges (the costly part
 * of a big cluster, where most identities reach nothing) are never built. The answer is read from
 * each role's question profile (reach.ts), which is computed once per role anyway.
 */

/** What an identity's edges could lead to, from the questions its grants allow. */
export interface Outlook {
  power: boolean;
  users: boolean;
  groups: boolean;
  /** Namespaces of the ServiceAccounts it could reach ("" = every namespace). */
  serviceAccountNamespaces: string[];
  /** It has a constrained impersonation edge (that edge can skip a level of the search). */
  constrained: boolean;
}

/** The nodes reached so far, as the search keeps them. */
export interface Reached {
  users: number;
  groups: number;
  serviceAccounts: number;
  serviceAccountsIn(namespace: string): boolean;
}

/** An identity's outlook, or undefined when its grants ask no question any edge asks (it has no edge). */
export function outlookOf(table: IdentityTable, identity: Identity): Outlook | undefined {
  let outlook: Outlook | undefined;
  for (const grant of table.grantsOf(identity)) {
    for (const question of questionsOf(grant)) {
      outlook ??= { power: false, users: false, groups: false, serviceAccountNamespaces: [], constrained: false };
      if (isConstrainedQuestion(question)) outlook.constrained = true;
      for (const kind of reachedKindsOf(question)) {
        if (kind === "power") outlook.power = true;
        else if (kind === "users") outlook.users = true;
        else if (kind === "groups") outlook.groups = true;
        else if (!outlook.serviceAccountNamespaces.includes(grant.namespace)) outlook.serviceAccountNamespaces.push(grant.namespace);
      }
    }
  }
  return outlook;
}

/** Whether an identity with this outlook could get a route now (a superset: the edges decide). */
export function couldReach(outlook: Outlook, reached: Reached): boolean {
  if (outlook.power || (outlook.users && reached.users > 0) || (outlook.groups && reached.groups > 0)) return true;
  if (reached.serviceAccounts === 0) return false;
  return outlook.serviceAccountNamespaces.some((namespace) => namespace === "" || reached.serviceAccountsIn(namespace));
}
