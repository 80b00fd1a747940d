import type { PathHop } from "../../model/report.js";
import type { ClusterRoleBinding, PolicyRule, RoleBinding } from "../../rbac/types.js";
import type { PreparedSnapshot } from "../prepare.js";
import type { AuditRule } from "../rule-types.js";
import { confinedNamespaces } from "./escape-bypass.js";
import { CONFINING, type PathFacts } from "./facts.js";
import { Q } from "./questions.js";
import { matchingRules, type Question } from "./reach.js";

/*
 * Around the ways past Pod Security (escape-bypass.ts): which namespaces' grants the search must start
 * from for them, and the remediation of a path that begins with one.
 */

/** True when a rule may allow a namespace write or a PersistentVolume or claim create (a superset, read cheaply: most roles name neither). */
function mayBypass(rules: readonly PolicyRule[], questions: readonly Question[]): boolean {
  const resources = new Set(questions.map((question) => question.resource));
  return (
    rules.some((rule) => (rule.resources ?? []).some((resource) => resource === "*" || resources.has(resource))) &&
    questions.some((question) => matchingRules(rules, question).length > 0)
  );
}

/**
 * Which namespaces' grants may be on a way past Pod Security (scope.ts routeNamespaces: searched from the
 * start, as where escapeWay allows a pod), or undefined when none: a ClusterRoleBinding that may relabel
 * namespaces or create PersistentVolumes makes every confined namespace one; a RoleBinding that may relabel
 * its own namespace, that one.
 */
export function bypassScope(prepared: PreparedSnapshot, facts: PathFacts): ((namespace: string) => boolean) | undefined {
  const confined = confinedNamespaces(facts);
  if (!confined) return undefined;
  const asks = (binding: ClusterRoleBinding | RoleBinding, questions: readonly Question[]): boolean => {
    const resolved = prepared.resolve(binding);
    return resolved.ok && mayBypass(resolved.rules, questions);
  };
  const clusterWide = prepared.snapshot.clusterRoleBindings.some((binding) => asks(binding, [...Q.namespaceWrites, Q.createPersistentVolumes]));
  const namespaces = new Set<string>();
  for (const binding of prepared.snapshot.roleBindings) {
    const namespace = binding.metadata.namespace;
    if (CONFINING.has(confined.levels.get(namespace) ?? "") && !namespaces.has(namespace) && asks(binding, Q.namespaceWrites)) namespaces.add(namespace);
  }
  if (!clusterWide && namespaces.size === 0) return undefined;
  return (namespace) => namespaces.has(namespace) || (clusterWide && CONFINING.has(confined.levels.get(namespace) ?? ""));
}

/** The remediation of a path that starts past Pod Security (a relabelled namespace, a hostPath PersistentVolume), or undefined for another escape. */
export function bypassRemediation(rule: AuditRule, hop: PathHop): string | undefined {
  const requests = hop.requests;
  const namespace = requests[0]?.namespace || "the namespace";
  const otherwise = `or ${rule.remediation.charAt(0).toLowerCase()}${rule.remediation.slice(1)}`;
  if (requests.some((request) => request.resource === "namespaces"))
    return `Remove patch and update on namespace ${namespace} from this identity's roles: whoever may change the Namespace object may relax its Pod Security label (pod-security.kubernetes.io/enforce) and then run a privileged pod; ${otherwise}`;
  if (requests.some((request) => request.resource === "persistentvolumes"))
    return `Let only cluster administrators or a CSI provisioner create PersistentVolumes (a hostPath PersistentVolume bound to a claim mounts the node's filesystem past Pod Security), or enforce Pod Security level restricted in ${namespace}; ${otherwise}`;
  return undefined;
}
