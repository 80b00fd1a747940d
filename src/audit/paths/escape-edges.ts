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
function hostPodEdges(source: PermissionSource, hosts: ReadonlyMap<string, readonly string[]>, out: Edges): boolean {
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
        if (out.add(edge(question, reach, `${how}; ${ON_POD_NODE}`, limited, namespace, nodes))) return true;
      }
    }
  }
  return false;
}

/**
 * With pods unknown, code run in any pod may run in one with host access, on any node: a precondition
 * that says so. Live (pods unread) in any namespace, as a pod admitted before its namespace's level was
 * set still runs; offline only where `wayOut` (facts.ts escapeWay) says a privileged pod may run (Pod
 * Security baseline or restricted admits no pod with host access, nor a privileged ephemeral container).
 */
function unknownPodEdges(source: PermissionSource, unknown: "unread" | "offline", wayOut: EdgeContext["escape"], out: Edges): boolean {
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
      if (out.add(edge(question, reach, `${how}; ${ON_POD_NODE}`, precondition, namespace))) return true;
    }
  }
  return false;
}

/** A privileged pod it makes where Pod Security may allow one (`wayOut`): created, re-templated, or an ephemeral container on its pod's node. */
function madeEdges(source: PermissionSource, context: EdgeContext, wayOut: NonNullable<EdgeContext["escape"]>, out: Edges): boolean {
  for (const question of [Q.createPods, ...Q.workloadCreates]) {
    for (const reach of unnamed(source.reach(question))) {
      const way = wayOut(reach.namespace);
      const how = `${question === Q.createPods ? PRIVILEGED_POD : TEMPLATED}, ${NODE_NAMED}`;
      if (way && out.add(edge(question, reach, how, way.precondition, way.namespace))) return true;
    }
  }
  for (const question of Q.workloadUpdates) {
    for (const reach of source.reach(question)) {
      const way = wayOut(reach.namespace);
      if (
        way &&
        out.add(edge(question, reach, `${RETEMPLATED}, ${NODE_NAMED}`, `${way.precondition}; ${workloadExists(question, reach, way.namespace)}`, way.namespace))
      )
        return true;
    }
  }
  for (const question of Q.podChanges.filter((change) => change.subresource === "ephemeralcontainers")) {
    for (const reach of source.reach(question)) {
      // The pod's own node: each namespace with pods bound to nodes (the grant's, or any) where the escape is allowed.
      const namespaces = reach.namespace ? [reach.namespace] : [...(context.nodesByNamespace?.keys() ?? [])];
      for (const namespace of namespaces) {
        const way = wayOut(namespace);
        const nodes = context.nodesByNamespace?.get(namespace);
        if (
          way &&
          nodes &&
          nodes.length > 0 &&
          out.add(edge(question, reach, `${EPHEMERAL}, ${ON_POD_NODE}`, `${way.precondition}${named(question, reach)}`, namespace, nodes))
        )
          return true;
      }
    }
  }
  return false;
}

/** Where escape edges are collected, in order; `add` says true when no more are wanted (the first one only). */
interface Edges {
  add(edge: Edge): boolean;
}

/**
 * Every escape edge of an identity, in order, into `out` (which may want only the first: search.ts): code
 * run in a pod with host access where one runs (context.hostPodNodes), a privileged pod it makes where Pod
 * Security may allow one (context.escape), and with pods unknown (context.podsUnknown) code run in any
 * pod, after the pods it makes (which need no pod with host access to be there already). Plain loops, not
 * generators: offline each of thousands of pod creators wants its first edge, once.
 */
function escapeEdgesOf(source: PermissionSource, context: EdgeContext, out: Edges): void {
  if (context.hostPodNodes && hostPodEdges(source, context.hostPodNodes, out)) return;
  if (context.escape && madeEdges(source, context, context.escape, out)) return;
  // Where Pod Security confines the pod: past it (escape-bypass.ts), a relabelled namespace or a hostPath PersistentVolume.
  for (const way of context.confined ? bypassesOf(source, context.confined) : [])
    if (out.add(edge(way.question, way.reach, way.how, way.precondition, way.namespace, way.nodes))) return;
  if (!context.hostPodNodes && context.podsUnknown) unknownPodEdges(source, context.podsUnknown, context.escape, out);
}

/** escapeEdgesOf's edges in a list: all of them, or the first only. */
function collected(source: PermissionSource, context: EdgeContext, firstOnly: boolean): Edge[] {
  const edges: Edge[] = [];
  escapeEdgesOf(source, context, {
    add(found) {
      edges.push(found);
      return firstOnly;
    },
  });
  return edges;
}

/** Every escape edge of an identity (escapeEdgesOf's). */
export function escapeEdges(source: PermissionSource, context: EdgeContext): Edge[] {
  return collected(source, context, false);
}

/**
 * The escape edges a search needs: the first to each set of nodes, with a precondition and without (a
 * later one to the same nodes finds the same route, so the first wins as it would among all of them). A
 * team that may create pods and every kind of workload has dozens; offline all of them lead to any node
 * with a precondition (escapeWay's), so only the first is built.
 */
export function searchedEscapes(source: PermissionSource, context: EdgeContext, live: boolean): Edge[] {
  if (!live) return collected(source, context, true);
  const seen = new Set<string>();
  return escapeEdges(source, context).filter((edge) => {
    const names = edge.target.kind === "node" ? edge.target.names : undefined;
    const key = `${edge.precondition ? "?" : ""}${names?.join(",") ?? "*"}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
