import type { IdentityUsage, ObservedRequest, UsageSection } from "../../model/usage.js";

/*
 * The usage section of a report as text: the lines both the terminal table and the Markdown show.
 * Each renderer lays them out its own way; nothing here counts or filters what the report holds.
 */

/** `pods/log.apps` or the URL: what was asked for, in one cell. */
export function requestTarget(request: ObservedRequest): string {
  if (request.nonResourceURL !== undefined) return request.nonResourceURL;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : (request.resource ?? "");
  return request.apiGroup ? `${resource}.${request.apiGroup}` : resource;
}

/** The cells of one observed request: count, denied, verb, target, namespace, name, seen. */
export function requestCells(request: ObservedRequest): string[] {
  const namespace = request.nonResourceURL !== undefined ? "" : request.namespace || "(cluster)";
  const seen = request.firstSeen === request.lastSeen ? request.firstSeen : `${request.firstSeen} .. ${request.lastSeen}`;
  return [String(request.count), String(request.denied), request.verb, requestTarget(request), namespace, request.name ?? "", seen];
}

/** The column titles of `requestCells`. */
export const REQUEST_COLUMNS = ["Count", "Denied", "Verb", "Request", "Namespace", "Name", "Seen"];

/** One line about the log read and the window. */
export function usageLogLine(usage: UsageSection): string {
  const { log } = usage;
  const window = log.since || log.until ? ` (window ${log.since ?? "start"} to ${log.until ?? "end"})` : "";
  const seen = log.first ? `, from ${log.first} to ${log.last}` : "";
  const granted =
    usage.granted === "none"
      ? "not compared with any granted RBAC"
      : `compared with the ${usage.granted === "live" ? "cluster's RBAC" : "RBAC in the manifests"}`;
  return `Audit log: ${log.lines} lines in ${log.files.length} file(s), ${log.events} events, ${log.counted} requests counted${seen}${window}, ${log.malformed} bad line(s); ${granted}.`;
}

/** `system:serviceaccount:ci:runner: 14 distinct requests, 2 denied, 3 grants not fully used`. */
export function identityLine(identity: IdentityUsage): string {
  const denied = identity.requests.filter((request) => request.denied > 0).length;
  return `${identity.username}: ${identity.requests.length} distinct request(s), ${denied} denied, ${identity.unused.length} grant(s) not fully used.`;
}

/** The diff lines against what is granted now, as a unified-diff-like block (`- cluster verbs=[...]`). */
export function diffLines(identity: IdentityUsage): string[] {
  return identity.diff.map((line) => `${line.change} ${line.scope.padEnd(12)} ${line.rule}`);
}
