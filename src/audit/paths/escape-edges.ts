import type { Edge, EdgeContext } from "./edges.js";
import { bypassesOf } from "./escape-bypass.js";
import { EPHEMERAL, named, NODE_NAMED, ON_POD_NODE, podRunsIn, PRIVILEGED_POD, RETEMPLATED, TEMPLATED, workloadExists } from "./escape-wording.js";
import { Q, questionText } from "./questions.js";
import { unnamed, type PermissionSource, type Question, type Reach } from "./reach.js";
import { NODE_USER_PREFIX } from "./targets.js";

/*
 * A pod's way out onto its node (edge node-escape). A privileged container with the host's
 * filesystem reads the kubelet's credentials, the node's identity, and every token of the node's pods;
 * Pod Security baseline or restricted forbids it (facts.ts escapeWay, always a precondition). Three
 * forms: a pod created, or a workload's pod template created or re-templated, bound to the node its
 * spec.nodeName names; a privileged ephemeral container added to a running pod, on that pod's node.
 * And code run in a pod that already has host access (live/pod-host-access.ts): its node, with no
 * Pod Security precondition; with pods unknown (unread, or offline), any pod's, on any node.
 * Followed on to what the node reaches; never a node-identity finding of its own (notGoal: pod creation
 * and changes have their own findings).
 */

/** An escape edge: `how` the question's permission gets onto the node (`nodes`, else any), made in `namespace` ("" its grant's). */
function edge(question: Question, reach: Reach, how: string, precondition: string | undefined, namespace: string, nodes?: readonly string[]): Edge {
  return {
    kind: "node-escape",
    permission: `${questionText(question)} (${how})`,
    target: { kind: "node", ...(nodes ? { names: nodes.map((node) => `${NODE_USER_PREFIX}${node}`) } : {}) },
    evidence: reach.evidence,
    ...(precondition ? { precondition } : {}),
    notGoal: true,
    ...(namespace ? { inNamespace: namespace } : {}),
  };
}

/**
 * Code run in a pod with host access that is bound to a node (exec, attach, or a new image by patch or
 * update): that node, whatever Pod Security says now (the pod exists). Live, where such pods run.
 */
function* hostPodEdges(source: PermissionSource, hosts: ReadonlyMap<string, readonly string[]>): Generator<Edge> {
  for (const question of Q.podChanges.filter((change) => change.subresource !== "ephemeralcontainers")) {
    for (const reach of source.reach(question)) {
      const namespaces = reach.namespace ? [reach.namespace] : [...hosts.keys()];
      for (const namespace of namespaces) {
        const nodes = hosts.get(namespace);
        if (!nodes || nodes.length === 0) continue;
        const how = question.subresource
          ? "into a pod with host access: a privileged container, or the node's credentials mounted"
          : "a new image in a pod with host access";
        const limited = reach.names ? `only pods named ${reach.names.join(", ")}: one of them must be one with host access` : undefined;
        yield edge(question, reach, `${how}; ${ON_POD_NODE}`, limited, namespace, nodes);
      }
    }
  }
}

/**
 * With pods unknown, code run in any pod may run in one with host access, on any node: a precondition
 * that says so. Live (pods unread) in any namespace, as a pod admitted before its namespace's level was
 * set still runs; offline only where `wayOut` (facts.ts escapeWay) says a privileged pod may run (Pod
 * Security baseline or restricted admits no pod with host access, nor a privileged ephemeral container).
 */
function* unknownPodEdges(source: PermissionSource, unknown: "unread" | "offline", wayOut: EdgeContext["escape"]): Generator<Edge> {
  for (const question of Q.podChanges) {
    for (const reach of source.reach(question)) {
      const way = unknown === "offline" ? wayOut?.(reach.namespace) : undefined;
      if (unknown === "offline" && !way) continue;
      const namespace = way?.namespace ?? reach.namespace;
      const where = namespace || "a namespace";
      const ephemeral = question.subresource === "ephemeralcontainers";
      const how = ephemeral ? EPHEMERAL : "code in a pod with host access";
      const pod = ephemeral ? (way ? "" : " that Pod Security lets run privileged") : " with a privileged container or the node's credentials mounted";
      const precondition = `${podRunsIn(where, unknown, pod)}${way ? `; ${way.precondition}` : ""}${named(question, reach)}`;
      yield edge(question, reach, `${how}; ${ON_POD_NODE}`, precondition, namespace);
    }
  }
}

/** A privileged pod it makes where Pod Security may allow one (`wayOut`): created, re-templated, or an ephemeral container on its pod's node. */
function* madeEdges(source: PermissionSource, context: EdgeContext, wayOut: NonNullable<EdgeContext["escape"]>): Generator<Edge> {
  for (const question of [Q.createPods, ...Q.workloadCreates]) {
    for (const reach of unnamed(source.reach(question))) {
      const way = wayOut(reach.namespace);
      const how = `${question === Q.createPods ? PRIVILEGED_POD : TEMPLATED}, ${NODE_NAMED}`;
      if (way) yield edge(question, reach, how, way.precondition, way.namespace);
    }
  }
  for (const question of Q.workloadUpdates) {
    for (const reach of source.reach(question)) {
      const way = wayOut(reach.namespace);
      if (way)
        yield edge(question, reach, `${RETEMPLATED}, ${NODE_NAMED}`, `${way.precondition}; ${workloadExists(question, reach, way.namespace)}`, way.namespace);
    }
  }
  for (const question of Q.podChanges.filter((change) => change.subresource === "ephemeralcontainers")) {
    for (const reach of source.reach(question)) {
      // The pod's own node: each namespace with pods bound to nodes (the grant's, or any) where the escape is allowed.
      const namespaces = reach.namespace ? [reach.namespace] : [...(context.nodesByNamespace?.keys() ?? [])];
      for (const namespace of namespaces) {
        const way = wayOut(namespace);
        const nodes = context.nodesByNamespace?.get(namespace);
        if (way && nodes && nodes.length > 0)
          yield edge(question, reach, `${EPHEMERAL}, ${ON_POD_NODE}`, `${way.precondition}${named(question, reach)}`, namespace, nodes);
      }
    }
  }
}

/**
 * Every escape edge of an identity, one at a time (search.ts may need only the first): code run in a pod
 * with host access where one runs (context.hostPodNodes), a privileged pod it makes where Pod Security may
 * allow one (context.escape), and with pods unknown (context.podsUnknown) code run in any pod, after the
 * pods it makes (which need no pod with host access to be there already).
 */
function* escapeEdgesOf(source: PermissionSource, context: EdgeContext): Generator<Edge> {
  if (context.hostPodNodes) yield* hostPodEdges(source, context.hostPodNodes);
  if (context.escape) yield* madeEdges(source, context, context.escape);
  // Where Pod Security confines the pod: past it (escape-bypass.ts), a relabelled namespace or a hostPath PersistentVolume.
  for (const way of context.confined ? bypassesOf(source, context.confined) : [])
    yield edge(way.question, way.reach, way.how, way.precondition, way.namespace, way.nodes);
  if (!context.hostPodNodes && context.podsUnknown) yield* unknownPodEdges(source, context.podsUnknown, context.escape);
}

/** Every escape edge of an identity (escapeEdgesOf's). */
export function escapeEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  return [...escapeEdgesOf(source, context)];
}

/**
 * The escape edges a search needs: the first to each set of nodes, with a precondition and without (a
 * later one to the same nodes finds the same route, so the first wins as it would among all of them). A
 * team that may create pods and every kind of workload has dozens; offline all of them lead to any node
 * with a precondition (escapeWay's), so only the first is built.
 */
export function searchedEscapes(source: PermissionSource, context: EdgeContext, live: boolean): Edge[] {
  if (!live) {
    const first = escapeEdgesOf(source, context).next();
    return first.done ? [] : [first.value];
  }
  const seen = new Set<string>();
  return escapeEdges(source, context).filter((edge) => {
    const names = edge.target.kind === "node" ? edge.target.names : undefined;
    const key = `${edge.precondition ? "?" : ""}${names?.join(",") ?? "*"}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
