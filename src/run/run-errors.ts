import type { Connection } from "../connect/types.js";
import { formatDuration } from "../input/units.js";
import type { TransportFailure } from "../kube/types.js";
import type { CheckResult, ErrorValue } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import { decodeJwt } from "../token/jwt.js";
import type { TokenRead } from "../token/source.js";

/** A sentence for a failure of the whole connection, more specific than the transport's where it can be. */
function connectionSentence(connection: Connection, failure: TransportFailure): string {
  if (failure.code === "timeout")
    return `the server at ${connection.server} accepted the connection but sent no response within ${formatDuration(connection.requestTimeoutMs)}`;
  if (failure.code === "body-timeout")
    return `the server at ${connection.server} started answering but did not finish within ${formatDuration(connection.requestTimeoutMs)}`;
  return failure.message;
}

/** What to do about a connection that failed, by its cause: never RBAC advice. */
function connectionFix(connection: Connection, failure: TransportFailure): string {
  switch (failure.code) {
    case "connection-refused":
    case "dns":
    case "reset":
      return `Check the server URL (${connection.server}: --server, or the kubeconfig cluster's server) and that the API server is running and reachable from here.`;
    case "timeout":
    case "body-timeout":
      return "Check that nothing between here and the API server drops the connection, or allow more time with --request-timeout.";
    case "tls":
      return "Give saprobe the cluster's CA (--certificate-authority, the kubeconfig's certificate-authority, or ca.crt of the ServiceAccount mount) and check that the server's certificate names the host you connect to.";
    case "credentials":
      return "Fix the credentials source: the token file, client certificate or exec plugin named in the kubeconfig (saprobe config view --explain shows which).";
    default:
      return "saprobe config view --explain shows which server and credentials were used.";
  }
}

/** When the connection's token expired, in words; undefined for tokens that are not JWTs or have not expired. */
function expiry(token: TokenRead | undefined, now: Date): string | undefined {
  const exp = token?.token ? decodeJwt(token.token)?.payload.exp : undefined;
  if (typeof exp !== "number") return undefined;
  const expiredMs = now.getTime() - exp * 1000;
  if (expiredMs < 0) return undefined;
  const minutes = Math.round(expiredMs / 60_000);
  const ago = minutes < 1 ? "moments ago" : minutes < 120 ? `${minutes} minute${minutes === 1 ? "" : "s"} ago` : `${Math.round(minutes / 60)} hours ago`;
  return `the token expired at ${new Date(exp * 1000).toISOString()} (${ago})`;
}

function unauthorized(token: TokenRead | undefined, now: Date): ErrorValue {
  const expired = expiry(token, now);
  return {
    code: expired ? "token-expired" : "unauthorized",
    message: expired
      ? `the API server rejected saprobe's credentials (401 Unauthorized): ${expired}`
      : "the API server rejected saprobe's credentials (401 Unauthorized): the token is expired, revoked or not from this cluster",
    fix: expired
      ? "Mint a new token (kubectl create token NAME -n NAMESPACE) or let the kubelet refresh the projected token; saprobe token shows its claims."
      : "Check that the credentials belong to this cluster and are still valid (saprobe token shows a token's claims; a deleted ServiceAccount invalidates its tokens).",
  };
}

function impersonationRefused(connection: Connection, identity: IdentityLookup): ErrorValue | undefined {
  const impersonated = connection.impersonate?.user;
  const said = typeof identity.evidence.statusMessage === "string" ? identity.evidence.statusMessage : "";
  if (!impersonated || identity.httpStatus !== 403) return undefined;
  return {
    code: "impersonation-refused",
    message: `the API server refused to let saprobe's credentials act as "${impersonated}" (403)${said ? `: ${said}` : ""}`,
    fix: `Run as an identity that may impersonate "${impersonated}" (the impersonate verb on users, groups or serviceaccounts; or, since Kubernetes 1.36, constrained impersonation: impersonate:<mode> on the identity and impersonate-on:<mode>:<verb> on what it does), or drop --as to probe as the credentials themselves.`,
  };
}

/**
 * The problems that stop a run as a whole, which make it "could not run" (exit 3): credentials the
 * server rejects (401; with when an expired token expired), an impersonation the server refuses, or a
 * server saprobe cannot talk to (unreachable, TLS, no answer). Each carries its cause and its fix. A
 * problem confined to one check stays that check's `error` status.
 */
export function runLevelErrors(
  connection: Connection,
  identity: IdentityLookup,
  results: readonly CheckResult[],
  context: { token?: TokenRead; now?: Date } = {},
): ErrorValue[] {
  if (identity.state === "unauthorized") return [unauthorized(context.token, context.now ?? new Date())];
  const refused = impersonationRefused(connection, identity);
  if (refused) return [refused];
  if (identity.failure && identity.failure.code !== "aborted") {
    return [{ code: identity.failure.code, message: connectionSentence(connection, identity.failure), fix: connectionFix(connection, identity.failure) }];
  }
  const version = results.find((result) => result.probe === "version");
  if (identity.state === "unknown" && version?.status === "error")
    return [{ code: "no-server", message: version.message, fix: "saprobe config view --explain shows which server and credentials were used." }];
  return [];
}
