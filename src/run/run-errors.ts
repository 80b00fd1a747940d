import type { Connection } from "../connect/types.js";
import type { CheckResult, ErrorValue } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** A sentence for a failure of the whole connection, more specific than the transport's where it can be. */
function connectionSentence(connection: Connection, identity: IdentityLookup): string {
  const failure = identity.failure;
  if (!failure) return identity.message;
  if (failure.code === "timeout") return `the server at ${connection.server} accepted the connection but sent no response within ${seconds(connection.requestTimeoutMs)}`;
  if (failure.code === "body-timeout") return `the server at ${connection.server} started answering but did not finish within ${seconds(connection.requestTimeoutMs)}`;
  return failure.message;
}

/**
 * The problems that stop a run as a whole, which make it "could not run" (exit 3): credentials the
 * server rejects (401), or a server saprobe cannot talk to (unreachable, TLS, no answer). A
 * problem confined to one check stays that check's `error` status.
 */
export function runLevelErrors(connection: Connection, identity: IdentityLookup, results: readonly CheckResult[]): ErrorValue[] {
  if (identity.state === "unauthorized") {
    return [{ code: "unauthorized", message: `the API server rejected saprobe's credentials (401 Unauthorized): the token is expired, revoked or not from this cluster` }];
  }
  if (identity.failure && identity.failure.code !== "aborted") {
    return [{ code: identity.failure.code, message: connectionSentence(connection, identity) }];
  }
  const version = results.find((result) => result.probe === "version");
  if (identity.state === "unknown" && version?.status === "error") return [{ code: "no-server", message: version.message }];
  return [];
}
