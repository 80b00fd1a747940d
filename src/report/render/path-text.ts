import { isActionable, type Finding, type PathHop } from "../../model/report.js";
import { describeObject, describeReached, describeSource, describeUnconfirmed, hopConfirmation } from "./text.js";

/*
 * How renderers write an attack path (a `cluster-admin-path` finding's `path`): one line per hop, and
 * the node names of a flowchart. Formatting only: the hops are the report's.
 */

export { describeReached } from "./text.js";

/** `RoleBinding ns/b of Role r (file.yaml:12)`: the first grant behind a hop. */
export function describeHopGrant(hop: PathHop): string {
  const grant = hop.grants[0];
  if (!grant) return hop.edge === "holds" ? "no binding: system:masters is allowed before RBAC" : "";
  const where = describeSource(grant.source);
  const more = hop.grants.length > 1 ? ` and ${hop.grants.length - 1} more grant${hop.grants.length === 2 ? "" : "s"}` : "";
  return `${describeObject(grant.binding)} of ${describeObject(grant.role)}${where ? ` (${where})` : ""}${more}`;
}

/**
 * One line per hop: `1. <permission> -> <reached> [via <grant>]`, and the precondition when there is one;
 * then, when the server could not be asked about the path, a line that says why.
 */
export function pathLines(finding: Finding): string[] {
  const unconfirmed = describeUnconfirmed(finding);
  const hops = (finding.path ?? []).map((hop, position) => {
    const grant = describeHopGrant(hop);
    const only = hop.precondition ? ` (only if ${hop.precondition})` : "";
    return `${position + 1}. ${hop.permission} -> ${describeReached(hop.reaches)}${grant ? ` [via ${grant}]` : ""}${only}${hopConfirmation(hop)}`;
  });
  return unconfirmed ? [...hops, unconfirmed] : hops;
}

/** The findings that carry a path and are still to act on. */
export function activePaths(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.path !== undefined && isActionable(finding));
}
