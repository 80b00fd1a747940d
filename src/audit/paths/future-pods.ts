import type { PathRequest } from "../../model/report.js";
import type { NodeTokenSecret, PathFacts } from "./facts.js";

/*
 * Pods the scheduler binds later: a pod not yet bound to a node (Pending, no spec.nodeName), and the next
 * pod of a CronJob. The Node authorizer lets a node mint the token of a pod's ServiceAccount only once the
 * pod is bound to it, and a node's identity is reachable where a pod creator may pin a privileged pod to
 * every node (facts.ts escapeWay): so any node, and each node by name, reaches these ServiceAccounts when
 * the scheduler binds the pod there. Not modelled: workloads with no pod and no schedule of their own
 * (a Deployment scaled to zero, a Job already finished), which only a change (scale, re-run) makes run.
 */

/** A pod the scheduler may bind to a node later: the first one found for its ServiceAccount. */
export interface FuturePod {
  kind: "Pod" | "CronJob";
  /** `namespace/name` of the Pending pod, or of the CronJob. */
  name: string;
  /** A suspended CronJob: it makes no pod until it is resumed. */
  suspended?: boolean;
}

/** A legacy token Secret a future pod refers to: the node it is bound to may read it then (node-edges.ts). */
export interface FutureTokenSecret extends NodeTokenSecret {
  awaited: FuturePod;
}

/** The pod in words: `pod ns/p`, `the next pod of CronJob ns/c`. */
export function futurePodText(pod: FuturePod): string {
  return pod.kind === "Pod" ? `pod ${pod.name}` : `the next pod of CronJob ${pod.name}`;
}

/** What must happen for node `node` (`*` any) to hold `pod`; `facts` say whether any node is known. */
export function scheduledOn(pod: FuturePod, node: string, facts: PathFacts): string {
  // Pods read and any node: no node is known (knownNodes), so one must exist.
  const where = node !== "*" ? `node ${node}` : facts.podNodes ? "a node (nodes could not be listed, and no pod is bound to one)" : "the node";
  if (pod.kind === "Pod") return `pod ${pod.name} (Pending) is scheduled on ${where}`;
  return `the next pod of CronJob ${pod.name} is scheduled on ${where}${pod.suspended ? " once it is resumed" : ""}`;
}

/**
 * What must happen for node `node` (`*` any) to mint the token of ServiceAccount `key` through a pod the
 * scheduler binds later; undefined when none runs as it. (A pod bound to the node now is onNode's.)
 */
export function futurePodOn(facts: PathFacts, key: string, node: string): string | undefined {
  const pod = facts.futurePods?.get(key);
  return pod ? scheduledOn(pod, node, facts) : undefined;
}

/**
 * Live with pods read, the nodes a path can take: those listed and those pods are bound to (a pod bound to
 * a node that is gone still names it to the Node authorizer). Where nodes could not be listed and no pod is
 * bound, a node may still exist: undefined (any node) when a future pod could be scheduled on one, else
 * none. Undefined too when pods could not be read (any node).
 */
export function knownNodes(facts: PathFacts): ReadonlySet<string> | undefined {
  if (!facts.podNodes) return undefined;
  const names = new Set(facts.nodes);
  for (const nodes of facts.podNodes.values()) for (const name of nodes) names.add(name);
  if (names.size === 0 && !facts.nodes && (facts.futurePods?.size ?? 0) > 0) return undefined;
  return names;
}

/**
 * The future pod a node-token step from node `node` ("*" any) to ServiceAccount `key` relies on: none when
 * a pod of that ServiceAccount is bound to the node now (the Node authorizer allows the token today).
 */
export function awaitedPod(facts: PathFacts | undefined, key: string, node: string): FuturePod | undefined {
  const pod = facts?.futurePods?.get(key);
  if (!pod) return undefined;
  const bound = facts?.podNodes?.get(key);
  return bound && (node === "*" ? bound.size > 0 : bound.has(node)) ? undefined : pod;
}

/** What a node's request awaits (PathRequest.awaits): `pod` bound to the node; the server denies it until then. */
export function awaitsText(pod: FuturePod): string {
  return pod.kind === "Pod" ? `pod ${pod.name} is bound to the node` : `a pod of CronJob ${pod.name} is bound to the node`;
}

/** The request of a node-token step marked as awaiting `pod`: the server would deny it until the pod is bound. */
export function awaiting(request: PathRequest, pod: FuturePod): PathRequest {
  return { ...request, awaits: awaitsText(pod) };
}
