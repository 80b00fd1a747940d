import type { Finding } from "../model/report.js";
import { makeFinding } from "./finding-text.js";
import { matcherOf } from "./matchers/registry.js";
import type { Catalogue } from "./rule-types.js";

/** Something a live audit could not read, and the permission that would have let it. */
export interface UnreadableResource {
  /** Resource as `resource.group` (`rolebindings.rbac.authorization.k8s.io`, `pods`). */
  resource: string;
  /** The permission saprobe lacked, e.g. `list rolebindings.rbac.authorization.k8s.io -A`. */
  missingPermission: string;
  /** What happened, in words: forbidden, not served by this server, a transport failure. */
  reason: string;
}

/**
 * One `unknown` finding per rule whose inputs could not all be read: its findings may be incomplete,
 * so its silence must not read as a pass. The finding names the missing permissions.
 */
export function unknownFindings(catalogue: Catalogue, unreadable: readonly UnreadableResource[]): Finding[] {
  if (unreadable.length === 0) return [];
  const findings: Finding[] = [];
  for (const rule of catalogue.rules) {
    const missing = unreadable.filter((entry) => matcherOf(rule.match.kind).needs.includes(entry.resource));
    if (missing.length === 0) continue;
    const details = missing.map((entry) => `${entry.missingPermission}: ${entry.reason}`).join("; ");
    findings.push(
      makeFinding(rule, {
        severity: rule.severity,
        status: "unknown",
        message: `Could not tell: saprobe could not read what this rule needs, so its findings may be incomplete (${details}).`,
        scope: "cluster",
        rules: missing.map((entry) => entry.missingPermission),
      }),
    );
  }
  return findings;
}
