import { EPHEMERAL, named, NODE_NAMED, ON_POD_NODE, podRunsIn, PRIVILEGED_POD, RETEMPLATED, TEMPLATED, workloadExists } from "./escape-wording.js";
import { CONFINING, noNodeToTake, nodesByNamespace, type PathFacts } from "./facts.js";
import { Q, questionText } from "./questions.js";
import { unnamed, type PermissionSource, type Question, type Reach } from "./reach.js";

/*
 * Two ways past Pod Security onto a node (edge node-escape, as escape-edges.ts's), where the namespace
 * enforces baseline or restricted and escapeWay (facts.ts) says no:
 * - relabel the namespace: its level is only its label pod-security.kubernetes.io/enforce, so whoever may
 *   patch or update the Namespace object sets it to privileged (or removes it) and then creates its
 *   privileged pod there (checked on v1.37.2: a user with only patch on namespaces named N, and create pods
 *   in N, relabels N and a privileged pod with hostPath / is then admitted; nothing more is asked), or
 *   re-templates a workload of N to a privileged pod template, or adds a privileged ephemeral container to
 *   a pod running in N, on its node (what escape-edges.ts follows where N is not confined; exec or attach
 *   gain nothing from a relabel: a running pod stays as it was admitted). Checked on v1.37.2 with a user
 *   that may only patch namespace N and patch deployments and pods/ephemeralcontainers in N (no get): at
 *   baseline its privileged template is admitted with a warning (enforce judges the ReplicaSet's pods: a
 *   pod of that template is refused, by a dry-run create) and its privileged ephemeral container refused;
 *   after its merge patch of N's label the ephemeral container and a pod of that template are admitted;
 * - a hostPath PersistentVolume: Pod Security looks only at the pod's own volumes, and a
 *   persistentVolumeClaim volume is allowed at every level, so a PersistentVolume with hostPath / pre-bound
 *   (spec.claimRef) to a claim it creates mounts the host's root in its pod (checked on v1.37.2: the
 *   PersistentVolume and claim are created, the pod admitted at baseline by a dry run). At restricted the
 *   pod cannot run as root, and the kubelet's credentials are root's files: baseline only.
 */

/** The namespaces where Pod Security confines a pod (baseline or restricted), when a node is there to take. */
export interface ConfinedNamespaces {
  live: boolean;
  /** Every namespace's level ("" none), as facts.podSecurity. */
  levels: ReadonlyMap<string, string>;
  /** The confined ones, in name order (a cluster-wide grant takes the first: stable reports). */
  names: readonly string[];
  /** Live with pods read: the nodes each namespace's pods are bound to; undefined when pods are unknown (unread, offline). */
  podNodes?: ReadonlyMap<string, readonly string[]>;
}

/** The confined namespaces of an audit, or undefined when there is none (or, live, no node to take). */
export function confinedNamespaces(facts: PathFacts): ConfinedNamespaces | undefined {
  const levels = facts.podSecurity;
  if (!levels || (facts.live && noNodeToTake(facts))) return undefined;
  const names = [...levels.keys()].filter((name) => CONFINING.has(levels.get(name) ?? "")).sort();
  if (names.length === 0) return undefined;
  return { live: facts.live, levels, names, ...(facts.live && facts.podNodes ? { podNodes: nodesByNamespace(facts) } : {}) };
}

/** One way past Pod Security: `question` makes the pod, with `reach`'s evidence (every request of the hop), in `namespace`. */
export interface Bypass {
  question: Question;
  reach: Reach;
  /** What the pod is, how it gets past Pod Security, and the node it runs on. */
  how: string;
  precondition: string;
  namespace: string;
  /** The nodes it may run on (an ephemeral container's, live), else any. */
  nodes?: readonly string[];
}

const POD_MAKERS: readonly Question[] = [Q.createPods, ...Q.workloadCreates];

/**
 * The first namespace, of `podNamespace` ("" any) and where `other` allows its request (its namespace,
 * and `names` when given), whose level `accepts`.
 */
function firstWhere(
  confined: ConfinedNamespaces,
  podNamespace: string,
  other: Reach,
  names: readonly string[] | undefined,
  accepts: (level: string, name: string) => boolean,
): string | undefined {
  const candidates = podNamespace ? [podNamespace] : other.namespace ? [other.namespace] : (names ?? confined.names);
  return candidates.find(
    (name) =>
      (podNamespace === "" || podNamespace === name) &&
      (other.namespace === "" || other.namespace === name) &&
      (!names || names.includes(name)) &&
      accepts(confined.levels.get(name) ?? "", name),
  );
}

const EPHEMERALS = Q.podChanges.filter((change) => change.subresource === "ephemeralcontainers");

/** How the level became known, the manifests' or the server's. */
const known = (confined: ConfinedNamespaces, level: string): string =>
  confined.live ? `it enforces Pod Security level ${level}` : `the manifests set Pod Security level ${level} for it`;

/** Route 1's words: `once` the namespace write relabels `namespace`, and the precondition that it does. */
function relabelling(confined: ConfinedNamespaces, write: Reach, namespace: string): { once: string; precondition: string } {
  const verb = write.evidence[0]?.question.verb ?? "patch";
  return {
    once: `once ${verb} namespaces relabels ${namespace} privileged`,
    precondition: `after relabelling namespace ${namespace} to Pod Security level privileged (${known(confined, confined.levels.get(namespace) ?? "")}), a privileged pod may run there and no other admission policy forbids it`,
  };
}

/**
 * Route 1's other pod makers: a workload of the relabelled namespace re-templated privileged (one must
 * exist), or a privileged ephemeral container added to a pod running there, on that pod's node (live with
 * pods read: a namespace whose pods are bound to nodes; else any node, a pod running there a precondition).
 */
function* relabelledChanges(source: PermissionSource, confined: ConfinedNamespaces, writes: readonly Reach[]): Generator<Bypass> {
  for (const question of Q.workloadUpdates) {
    for (const reach of source.reach(question)) {
      for (const write of writes) {
        const namespace = firstWhere(confined, reach.namespace, write, write.names, (level) => CONFINING.has(level));
        if (!namespace) continue;
        const relabel = relabelling(confined, write, namespace);
        yield {
          question,
          reach: { namespace, evidence: [...reach.evidence, ...write.evidence] },
          how: `${RETEMPLATED}, ${relabel.once}, ${NODE_NAMED}`,
          precondition: `${relabel.precondition}; ${workloadExists(question, reach, namespace)}`,
          namespace,
        };
      }
    }
  }
  const pods = confined.podNodes;
  const running = (level: string, name: string): boolean => CONFINING.has(level) && (!pods || (pods.get(name)?.length ?? 0) > 0);
  for (const question of EPHEMERALS) {
    for (const reach of source.reach(question)) {
      for (const write of writes) {
        const namespace = firstWhere(confined, reach.namespace, write, write.names, running);
        if (!namespace) continue;
        const relabel = relabelling(confined, write, namespace);
        const nodes = pods?.get(namespace);
        const unknown = pods ? "" : `${podRunsIn(namespace, confined.live ? "unread" : "offline")}; `;
        yield {
          question,
          reach: { namespace, evidence: [...reach.evidence, ...write.evidence] },
          how: `${EPHEMERAL}, ${relabel.once}, ${ON_POD_NODE}`,
          precondition: `${unknown}${relabel.precondition}${named(question, reach)}`,
          namespace,
          ...(nodes ? { nodes } : {}),
        };
      }
    }
  }
}

const made = (question: Question): string => (question === Q.createPods ? PRIVILEGED_POD : TEMPLATED);

/**
 * Every way past Pod Security an identity has: a namespace it may relabel (then a pod or workload it
 * creates, a workload it re-templates, an ephemeral container it adds), or a hostPath PersistentVolume it
 * may bind to a claim.
 */
export function* bypassesOf(source: PermissionSource, confined: ConfinedNamespaces): Generator<Bypass> {
  const writes = Q.namespaceWrites.flatMap((question) => source.reach(question));
  const volumes = unnamed(source.reach(Q.createPersistentVolumes));
  if (writes.length === 0 && volumes.length === 0) return;
  const claims = volumes.length > 0 ? unnamed(source.reach(Q.createClaims)) : [];
  for (const question of POD_MAKERS) {
    for (const pods of unnamed(source.reach(question))) {
      for (const write of writes) {
        // A RoleBinding allows only its own namespace's object; resourceNames the names.
        const namespace = firstWhere(confined, pods.namespace, write, write.names, (level) => CONFINING.has(level));
        if (!namespace) continue;
        const relabel = relabelling(confined, write, namespace);
        yield {
          question,
          reach: { namespace, evidence: [...pods.evidence, ...write.evidence] },
          how: `${made(question)}, ${relabel.once}, ${NODE_NAMED}`,
          precondition: relabel.precondition,
          namespace,
        };
      }
      for (const volume of volumes) {
        for (const claim of claims) {
          const namespace = firstWhere(confined, pods.namespace, claim, undefined, (level) => level === "baseline");
          if (!namespace) continue;
          const pod = question === Q.createPods ? "a pod" : "its pod template";
          yield {
            question,
            reach: { namespace, evidence: [...pods.evidence, ...volume.evidence, ...claim.evidence] },
            how: `${pod} with a claim bound to a PersistentVolume with hostPath / it creates (${questionText(Q.createPersistentVolumes)}, ${questionText(Q.createClaims)}), ${NODE_NAMED}`,
            precondition: `${namespace} does not enforce Pod Security level restricted (${known(confined, "baseline")}: a persistentVolumeClaim volume and a container running as root are allowed; at restricted the pod could not read the node's credentials, root's files) and no other admission policy forbids the hostPath PersistentVolume or the pod`,
            namespace,
          };
        }
      }
    }
  }
  if (writes.length > 0) yield* relabelledChanges(source, confined, writes);
}
