import { isControllerAccount } from "./controllers.js";
import type { Need } from "./edges.js";
import { futurePodOn, type FuturePod, type FutureTokenSecret } from "./future-pods.js";

/*
 * What the audit could see about the identities an edge reaches: whether a ServiceAccount exists,
 * runs a pod (and on which nodes), has a legacy token Secret, and which workload kinds exist in a namespace. Offline none
 * of the live ones is known, so an edge that needs one carries it as a precondition; live, a fact
 * that was read settles it either way, and one that could not be read stays a precondition.
 */

/** Facts about the cluster, as `namespace/name` (ServiceAccounts) and `namespace/resource` (workloads). */
export interface PathFacts {
  live: boolean;
  /** ServiceAccounts known to exist (manifests or the live list); undefined when they could not be listed. */
  serviceAccounts?: ReadonlySet<string>;
  /** ServiceAccounts a pod runs as, or whose legacy token Secret a pod's containers can read (live); undefined when pods could not be read. */
  podServiceAccounts?: ReadonlySet<string>;
  /** ServiceAccounts named by a legacy token Secret (live); undefined when Secrets could not be read. */
  tokenSecrets?: ReadonlySet<string>;
  /** The ServiceAccount of each legacy token Secret, by `namespace/secret` (live). */
  tokenSecretOwners?: ReadonlyMap<string, string>;
  /** Workload kinds that own a pod, per namespace (live, from the pods' ownerReferences). */
  workloads?: ReadonlySet<string>;
  /** The nodes each ServiceAccount's pods are bound to (spec.nodeName), by `namespace/name` (live); undefined when pods could not be read. */
  podNodes?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The legacy token Secrets the pods bound to each node refer to, by node name (live, pods and token Secrets read). */
  nodeTokenSecrets?: ReadonlyMap<string, readonly NodeTokenSecret[]>;
  /** The ServiceAccounts no pod runs as but a pod's containers have the legacy token of (in podServiceAccounts too): the hop says which pod. */
  mountedTokens?: ReadonlyMap<string, MountedToken>;
  /** The Pod Security level each namespace enforces ("" for none): live, every namespace (undefined when they could not be read); offline, the manifests' Namespace objects. */
  podSecurity?: ReadonlyMap<string, string>;
  /** The nodes of the pods with host access (a privileged container, the node's credentials mounted), by namespace (live). */
  hostPodNodes?: ReadonlyMap<string, readonly string[]>;
  /** The pods the scheduler binds later (Pending ones, CronJobs' next), by ServiceAccount `namespace/name` (live, future-pods.ts). */
  futurePods?: ReadonlyMap<string, FuturePod>;
  /** The nodes listed (live); undefined when they could not be listed. */
  nodes?: ReadonlySet<string>;
  /** The legacy token Secrets future pods refer to: every node may read them once such a pod is bound there (live). */
  futureTokenSecrets?: readonly FutureTokenSecret[];
}

/** A pod (`namespace/name`) whose containers can read a ServiceAccount's legacy token Secret. */
export interface MountedToken {
  pod: string;
  secret: string;
}

/** A legacy token Secret a pod bound to a node refers to: the Node authorizer lets the node read it, so the node can act as its ServiceAccount. */
export interface NodeTokenSecret {
  namespace: string;
  secret: string;
  /** The ServiceAccount whose token it holds. */
  owner: string;
  /** The pod that refers to it (the first one found). */
  pod: string;
}

/** Whether an edge reaches a ServiceAccount: no, yes, or yes if the preconditions hold. */
export type Reachability = { reachable: false } | { reachable: true; preconditions: string[] };

const NO: Reachability = { reachable: false };

function exists(facts: PathFacts, namespace: string, name: string): Reachability {
  const key = `${namespace}/${name}`;
  if (facts.serviceAccounts?.has(key)) return { reachable: true, preconditions: [] };
  // Every namespace gets a `default` ServiceAccount from the controller-manager.
  if (!facts.live && name === "default") return { reachable: true, preconditions: [] };
  if (facts.live && facts.serviceAccounts) return NO;
  return {
    reachable: true,
    preconditions: [
      facts.live
        ? `ServiceAccount ${key} exists (ServiceAccounts could not be listed)`
        : isControllerAccount(namespace, name)
          ? `ServiceAccount ${key} exists (a default binding names it on every cluster; kube-controller-manager creates it when run with --use-service-account-credentials, as kubeadm does)`
          : `ServiceAccount ${key} exists (a binding names it; the manifests do not define it)`,
    ],
  };
}

/** Decides whether an edge that needs `need` reaches ServiceAccount `namespace/name`. */
export function reachability(facts: PathFacts, namespace: string, name: string, need: Need): Reachability {
  const found = exists(facts, namespace, name);
  if (!found.reachable || need === "exists") return found;
  // kube-controller-manager acts as its controllers with tokens it requests itself: no pod runs as one
  // (a static pod may not name a ServiceAccount). Live, the pods read say so either way.
  if (!facts.live && (need === "pod" || need.startsWith("node:")) && isControllerAccount(namespace, name)) return NO;
  const key = `${namespace}/${name}`;
  const add = (known: ReadonlySet<string> | undefined, member: string, sentence: string): Reachability => {
    if (known?.has(member)) return found;
    if (facts.live && known) return NO;
    return { reachable: true, preconditions: [...found.preconditions, sentence] };
  };
  if (need === "pod") return add(facts.podServiceAccounts, key, `a pod runs as ServiceAccount ${key}`);
  if (need === "token-secret") return add(facts.tokenSecrets, key, `a legacy token Secret of ServiceAccount ${key} exists`);
  if (need.startsWith("node:")) return onNode(facts, found, key, need.slice("node:".length));
  const resource = need.slice("workload:".length);
  // A workload that owns no pod is not seen live either: it stays a precondition there.
  if (facts.workloads?.has(`${namespace}/${resource}`)) return found;
  return { reachable: true, preconditions: [...found.preconditions, `a ${resource.replace(/s$/, "")} exists in namespace ${namespace}`] };
}

/**
 * Whether a pod that runs as ServiceAccount `key` is bound to node `node` (`*`: to any node), or may be
 * bound there by the scheduler later (a Pending pod, a CronJob's next pod: then a precondition).
 */
function onNode(facts: PathFacts, found: Reachability & { reachable: true }, key: string, node: string): Reachability {
  const nodes = facts.podNodes?.get(key);
  if (nodes && (node === "*" ? nodes.size > 0 : nodes.has(node))) return found;
  const future = futurePodOn(facts, key, node);
  if (future) return { reachable: true, preconditions: [...found.preconditions, future] };
  if (facts.live && facts.podNodes) return NO;
  const where = node === "*" ? "the node" : `node ${node}`;
  return { reachable: true, preconditions: [...found.preconditions, `a pod that runs as ServiceAccount ${key} is scheduled on ${where}`] };
}

/** Where pods are bound, both ways round: the namespaces of each node's pods, the nodes of each namespace's. */
interface Placement {
  namespacesByNode: Map<string, string[]>;
  nodesByNamespace: Map<string, string[]>;
}

const placements = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, Placement>();

/** `podNodes` (the nodes of each ServiceAccount's pods) by node and by namespace, built once per audit. */
function placementOf(podNodes: ReadonlyMap<string, ReadonlySet<string>>): Placement {
  let placement = placements.get(podNodes);
  if (!placement) {
    placement = { namespacesByNode: new Map(), nodesByNamespace: new Map() };
    const add = (map: Map<string, string[]>, key: string, value: string): void => {
      const values = map.get(key);
      if (!values) map.set(key, [value]);
      else if (!values.includes(value)) values.push(value);
    };
    for (const [account, nodes] of podNodes) {
      const namespace = account.slice(0, account.indexOf("/"));
      for (const node of nodes) {
        add(placement.namespacesByNode, node, namespace);
        add(placement.nodesByNamespace, namespace, node);
      }
    }
    placements.set(podNodes, placement);
  }
  return placement;
}

/**
 * The namespaces of the ServiceAccounts whose pods are bound to node `node` (live), so that its edges
 * look only there; undefined when pods could not be read, or for any node (`*`).
 */
export function podNamespacesOn(facts: PathFacts, node: string): readonly string[] | undefined {
  if (!facts.podNodes || node === "*") return undefined;
  return placementOf(facts.podNodes).namespacesByNode.get(node) ?? [];
}

/**
 * Live with pods read, and no node to take (future-pods.ts knownNodes is empty): no pod bound to one, and
 * none listed, or nodes unlisted and no future pod to wait for on one. Asked per namespace: no set built.
 */
export function noNodeToTake(facts: PathFacts): boolean {
  if (facts.podNodes === undefined || facts.podNodes.size > 0) return false;
  return facts.nodes ? facts.nodes.size === 0 : (facts.futurePods?.size ?? 0) === 0;
}

/** The nodes the pods of each namespace are bound to (live; empty when pods could not be read). */
export function nodesByNamespace(facts: PathFacts): ReadonlyMap<string, readonly string[]> {
  return facts.podNodes ? placementOf(facts.podNodes).nodesByNamespace : new Map();
}

/** What a live audit read for the path search (token Secrets, workloads, pods, namespaces); an offline one gives only `podSecurity`, from the manifests' Namespace objects. */
export interface LivePathFacts {
  tokenSecrets?: ReadonlySet<string>;
  tokenSecretOwners?: ReadonlyMap<string, string>;
  workloads?: ReadonlySet<string>;
  /** The nodes each ServiceAccount's pods are bound to, by `namespace/name`. */
  podNodes?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The ServiceAccounts (`namespace/name`) whose legacy token Secret a pod's containers can read (env, secret or projected volume). */
  mountedTokens?: ReadonlyMap<string, MountedToken>;
  /** The legacy token Secrets the pods bound to each node refer to, by node name. */
  nodeTokenSecrets?: ReadonlyMap<string, readonly NodeTokenSecret[]>;
  /** The Pod Security level each namespace enforces ("" for none); offline, each Namespace object's. */
  podSecurity?: ReadonlyMap<string, string>;
  /** The nodes of the pods with host access, by namespace. */
  hostPodNodes?: ReadonlyMap<string, readonly string[]>;
  /** False when the ServiceAccount list could not be read. */
  serviceAccountsListed?: boolean;
  /** The pods the scheduler binds later, by ServiceAccount. */
  futurePods?: ReadonlyMap<string, FuturePod>;
  /** The nodes listed. */
  nodes?: ReadonlySet<string>;
  /** The legacy token Secrets future pods refer to. */
  futureTokenSecrets?: readonly FutureTokenSecret[];
}

/** The facts of an audit: offline only the manifests' ServiceAccounts and Namespaces' Pod Security levels; live what was read. */
export function pathFacts(
  snapshot: { serviceAccounts: readonly { metadata: { name: string; namespace: string } }[] },
  options: { mode: "offline" | "live"; podServiceAccounts?: ReadonlySet<string>; pathFacts?: LivePathFacts },
): PathFacts {
  const live = options.mode === "live";
  const listed = !live || options.pathFacts?.serviceAccountsListed !== false;
  return {
    live,
    ...(listed ? { serviceAccounts: new Set(snapshot.serviceAccounts.map((account) => `${account.metadata.namespace}/${account.metadata.name}`)) } : {}),
    // A pod whose containers can read a ServiceAccount's legacy token Secret carries that ServiceAccount's
    // token: exec into it, or a new image in it, acts as that ServiceAccount as much as as its own.
    ...(live && options.podServiceAccounts ? withMounted(options.podServiceAccounts, options.pathFacts?.mountedTokens) : {}),
    ...(live && options.pathFacts?.tokenSecrets ? { tokenSecrets: options.pathFacts.tokenSecrets } : {}),
    ...(live && options.pathFacts?.tokenSecretOwners ? { tokenSecretOwners: options.pathFacts.tokenSecretOwners } : {}),
    ...(live && options.pathFacts?.workloads ? { workloads: options.pathFacts.workloads } : {}),
    ...(live && options.pathFacts?.podNodes ? { podNodes: options.pathFacts.podNodes } : {}),
    ...(live && options.pathFacts?.nodeTokenSecrets ? { nodeTokenSecrets: options.pathFacts.nodeTokenSecrets } : {}),
    // Offline, the manifests' Namespace objects (none given: every namespace gets the cluster's default).
    ...(options.pathFacts?.podSecurity ? { podSecurity: options.pathFacts.podSecurity } : {}),
    ...(live && options.pathFacts?.hostPodNodes?.size ? { hostPodNodes: options.pathFacts.hostPodNodes } : {}),
    ...(live && options.pathFacts?.futurePods?.size ? { futurePods: options.pathFacts.futurePods } : {}),
    ...(live && options.pathFacts?.nodes ? { nodes: options.pathFacts.nodes } : {}),
    ...(live && options.pathFacts?.futureTokenSecrets?.length ? { futureTokenSecrets: options.pathFacts.futureTokenSecrets } : {}),
  };
}

function withMounted(
  running: ReadonlySet<string>,
  mounted: ReadonlyMap<string, MountedToken> | undefined,
): Pick<PathFacts, "podServiceAccounts" | "mountedTokens"> {
  const extra = [...(mounted ?? [])].filter(([account]) => !running.has(account));
  if (extra.length === 0) return { podServiceAccounts: running };
  return { podServiceAccounts: new Set([...running, ...extra.map(([account]) => account)]), mountedTokens: new Map(extra) };
}

/** Where a pod creator can run a privileged pod: the namespace it creates it in, and what must hold for that. */
export interface EscapeWay {
  namespace: string;
  precondition: string;
}

/** Pod Security levels that forbid privileged pods, hostPath volumes and host namespaces. */
export const CONFINING: ReadonlySet<string> = new Set(["baseline", "restricted"]);

/**
 * Whether a pod created in `namespace` ("" for any namespace) can escape to its node: a privileged pod
 * with the host's filesystem (hostPath /) runs on the node its spec.nodeName names, and the node's
 * credentials are the node's identity. Pod Security admission forbids that at level baseline or
 * restricted (checked on v1.37.2: a dry-run of such a pod is refused at baseline, created without a
 * level); a namespace without a level gets the cluster's default, privileged unless its admission
 * configuration says otherwise, and another admission policy may forbid it too, which no list shows:
 * always a precondition. Live, undefined when pods were read and no node is known (knownNodes), or
 * when nothing allows it; with pods unread it is possible (any node, which node-token's precondition
 * then names). Offline by the manifests' Namespace objects (offlineEscapeWay).
 */
export function escapeWay(facts: PathFacts, namespace: string): EscapeWay | undefined {
  if (!facts.live) return offlineEscapeWay(facts.podSecurity ?? NO_LEVELS, namespace);
  // Pods read and no node known (knownNodes): no node to take. Pods unread: any node might be (node-token's precondition says so).
  if (noNodeToTake(facts)) return undefined;
  const levels = facts.podSecurity;
  const levelOf = (name: string): string | undefined => levels?.get(name);
  let chosen = namespace;
  if (namespace === "" && levels) {
    // Any namespace: one that allows it, the first in name order (stable reports).
    chosen = [...levels.keys()].sort().find((name) => !CONFINING.has(levelOf(name) ?? "")) ?? "";
    if (!chosen) return undefined;
  } else if (levels && CONFINING.has(levelOf(namespace) ?? "")) return undefined;
  const where = chosen || "a namespace";
  const level = levelOf(chosen);
  const why = !levels
    ? "namespaces could not be read"
    : level
      ? `it enforces Pod Security level ${level}`
      : "it sets no Pod Security level: the cluster default applies, privileged unless configured";
  return escapeIn(chosen, where, why);
}

/** The way out through a pod created in `namespace` (`where` in words), with why Pod Security may allow it. */
const escapeIn = (namespace: string, where: string, why: string): EscapeWay => ({
  namespace,
  precondition: `a privileged pod may run in ${where} (${why}) and no other admission policy forbids it`,
});

const NO_LEVELS: ReadonlyMap<string, string> = new Map();

/**
 * Offline: the manifests' Namespace objects (`levels`) say where Pod Security forbids a privileged
 * pod; any other namespace gets the cluster's default. Any namespace (""): the first one the manifests
 * declare without baseline or restricted, in name order, else `default` (every cluster has it) unless
 * they declare it confining. The node is any node: node-token's precondition names the pod it needs.
 */
function offlineEscapeWay(levels: ReadonlyMap<string, string>, namespace: string): EscapeWay | undefined {
  const confining = (name: string): boolean => CONFINING.has(levels.get(name) ?? "");
  const chosen = namespace || ([...levels.keys()].sort().find((name) => !confining(name)) ?? (confining(DEFAULT_NAMESPACE) ? undefined : DEFAULT_NAMESPACE));
  if (chosen === undefined || confining(chosen)) return undefined;
  const level = levels.get(chosen);
  const why =
    level === undefined
      ? `namespace ${chosen} is not in the manifests: the cluster default applies, privileged unless configured`
      : level
        ? `the manifests set Pod Security level ${level} for it`
        : "the manifests set no Pod Security level for it: the cluster default applies, privileged unless configured";
  return escapeIn(chosen, chosen, why);
}

const DEFAULT_NAMESPACE = "default";

/**
 * Whether a pod created in some namespace may escape to a node: live, where a namespace read allows it
 * (or namespaces are unread); offline always, as a namespace the manifests do not declare may.
 */
export function escapesSomewhere(facts: PathFacts): boolean {
  return !facts.live || escapeWay(facts, "") !== undefined;
}

/**
 * Whether an identity of `namespace` ("" any) may reach a node by a pod (escape-edges.ts): a privileged
 * pod it creates where Pod Security allows one, or code it runs in a pod with host access bound there
 * (offline, where a privileged pod may run).
 */
export function nodeWayFrom(facts: PathFacts, namespace: string): boolean {
  if ((namespace === "" ? escapesSomewhere(facts) : escapeWay(facts, namespace) !== undefined) || podsUnread(facts)) return true;
  const hosts = facts.hostPodNodes;
  return hosts !== undefined && (namespace === "" ? hosts.size > 0 : (hosts.get(namespace)?.length ?? 0) > 0);
}

/** Live, and the pods could not be read: which pods have host access, or run where, is unknown. */
export function podsUnread(facts: PathFacts): boolean {
  return facts.live && facts.podNodes === undefined;
}
