import type { Question, Reach } from "./reach.js";

/*
 * The words of a node escape (edge node-escape) that escape-edges.ts and escape-bypass.ts both write: a
 * pod made, a workload re-templated, an ephemeral container added, with or without a relabelled
 * namespace first. One home, so that both routes read alike in a report (and escape-edges.ts imports
 * escape-bypass.ts: this cannot live in either without a cycle).
 */

/** Where a pod made (created, or from a pod template) runs: its spec.nodeName may name any node. */
export const NODE_NAMED = "on the node its spec.nodeName names";

/** Where a change to a running pod's containers runs. */
export const ON_POD_NODE = "on that pod's node";

/** What a pod created makes, and a workload created. */
export const PRIVILEGED_POD = "a privileged pod with the host's filesystem";
export const TEMPLATED = "its privileged pod template";

/** What an update or patch of a workload makes. */
export const RETEMPLATED = "a privileged pod template";

/** What an update or patch of pods/ephemeralcontainers adds. */
export const EPHEMERAL = "a privileged ephemeral container in a running pod";

/** `; only deployments named a, b` when the reach is limited to named objects (resourceNames), else "". */
export function named(question: Question, reach: Reach): string {
  return reach.names ? `; only ${question.resource}${question.subresource ? `/${question.subresource}` : ""} named ${reach.names.join(", ")}` : "";
}

/** What an update or patch of a workload needs: one to exist in `namespace` ("" its grant's), one of those named when the reach names them. */
export function workloadExists(question: Question, reach: Reach, namespace: string): string {
  return `a ${question.resource.replace(/s$/, "")} exists in ${namespace || "the namespace"}${named(question, reach)}`;
}

/** With pods unknown (unread live, or offline), that a pod (`pod` says which) runs in `where`, and why that is not known. */
export function podRunsIn(where: string, unknown: "unread" | "offline", pod = ""): string {
  return `a pod${pod} runs in ${where} (${unknown === "offline" ? "the manifests hold no pods" : "pods could not be read"})`;
}
