import type { Connection } from "../connect/types.js";
import type { CheckResult, Target } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";

/** Who saprobe talked to and as whom, for the report. Never contains credentials. */
export function targetOf(connection: Connection, identity: IdentityLookup, results: readonly CheckResult[]): Target {
  const version = results.find((result) => result.probe === "version" && typeof result.evidence.serverVersion === "string");
  return {
    server: connection.server,
    source: connection.source,
    ...(connection.context ? { context: connection.context } : {}),
    ...(connection.cluster ? { cluster: connection.cluster } : {}),
    ...(connection.user ? { user: connection.user } : {}),
    namespace: connection.namespace,
    explain: connection.explain,
    ...(identity.username ? { identity: { username: identity.username, groups: identity.groups, source: identity.source } } : {}),
    ...(version ? { serverVersion: version.evidence.serverVersion as string } : {}),
  };
}
