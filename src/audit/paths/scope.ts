import type { ClusterRoleBinding, PolicyRule, RoleBinding, Subject } from "../../rbac/types.js";
import type { PreparedSnapshot } from "../prepare.js";
import { grantAsks } from "./relevance.js";

/*
 * Which namespaces' grants can be on a route. A RoleBinding's edges lead only to the ServiceAccounts of
 * its own namespace (every question that reaches power, users, groups or a node is cluster-scoped), so it
 * can matter only where a ServiceAccount could have a route: one with a ClusterRoleBinding that holds the
 * power or asks an edge's question (a conservative start: power, users, groups, nodes and every
 * namespace lie beyond), or with a RoleBinding that asks one in a namespace already found. On a big
 * cluster most namespaces are reached by nothing but their own RoleBindings: their grants (thousands of
 * roles) are then never matched against the edges' questions, nor put in the graph. A pod creator can
 * also escape to a node and on to any namespace (facts.ts escapeWay): every namespace where that is
 * possible (`escapesIn`; offline, each one the manifests' Namespaces do not confine) is then searched
 * from the start.
 */

const EVERY_ACCOUNT = new Set(["system:serviceaccounts", "system:authenticated"]);
const ACCOUNTS_OF = "system:serviceaccounts:";
const ACCOUNT_USER = "system:serviceaccount:";

/**
 * The namespaces whose RoleBindings can give a grant on a route, or undefined when every namespace's can
 * (a grant to every ServiceAccount). `holds` says whether a role holds cluster-admin power; a named
 * Secret read counts only with `tokenSecretsNamed` (as in relevance.ts).
 */
export function routeNamespaces(
  prepared: PreparedSnapshot,
  holds: (rules: readonly PolicyRule[]) => boolean,
  tokenSecretsNamed: boolean,
  escapesIn?: (namespace: string) => boolean,
): ReadonlySet<string> | undefined {
  const found = new Set<string>();
  const queue: string[] = [];
  const add = (namespace: string): void => {
    if (namespace !== "" && !found.has(namespace)) {
      found.add(namespace);
      queue.push(namespace);
    }
  };
  // False when a subject stands for every ServiceAccount.
  const addSubjects = (subjects: readonly Subject[] | undefined, namespace: string): boolean => {
    for (const subject of subjects ?? []) {
      if (subject.kind === "ServiceAccount") add(subject.namespace || namespace);
      else if (subject.kind === "Group" && EVERY_ACCOUNT.has(subject.name)) return false;
      else if (subject.kind === "Group" && subject.name.startsWith(ACCOUNTS_OF)) add(subject.name.slice(ACCOUNTS_OF.length));
      // A User named as a ServiceAccount's user name is that ServiceAccount to RBAC.
      else if (subject.kind === "User" && subject.name.startsWith(ACCOUNT_USER)) add(subject.name.slice(ACCOUNT_USER.length).split(":")[0] ?? "");
    }
    return true;
  };
  const asks = (binding: ClusterRoleBinding | RoleBinding, namespace: string): boolean => {
    const resolved = prepared.resolve(binding);
    return resolved.ok && ((namespace === "" && holds(resolved.rules)) || grantAsks(resolved.rules, namespace, tokenSecretsNamed));
  };
  for (const binding of prepared.snapshot.clusterRoleBindings) if (asks(binding, "") && !addSubjects(binding.subjects, "")) return undefined;
  const byNamespace = new Map<string, RoleBinding[]>();
  for (const binding of prepared.snapshot.roleBindings) {
    const list = byNamespace.get(binding.metadata.namespace);
    if (list) list.push(binding);
    else byNamespace.set(binding.metadata.namespace, [binding]);
  }
  if (escapesIn) {
    for (const namespace of byNamespace.keys()) if (escapesIn(namespace)) add(namespace);
    // Pods may escape from every namespace (offline, no Namespace object confines them): all of them are searched.
    if ([...byNamespace.keys()].every((namespace) => found.has(namespace))) return undefined;
  }
  for (let namespace = queue.pop(); namespace !== undefined; namespace = queue.pop())
    for (const binding of byNamespace.get(namespace) ?? []) if (asks(binding, namespace) && !addSubjects(binding.subjects, namespace)) return undefined;
  return found;
}
