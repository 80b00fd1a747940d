import { getVersion } from "../kube/requests.js";
import type { RequestOutcome } from "../kube/types.js";
import type { CheckResult } from "../model/report.js";
import { baseResult, skippedResult } from "./observation.js";
import type { Probe } from "./types.js";

/** OpenSSL/Node codes that mean "no trusted issuer": the expected outcome for a private cluster CA. */
const UNKNOWN_ISSUER_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/** Other certificate failures, each a different problem worth naming. */
const OTHER_KINDS: Record<string, string> = {
  CERT_HAS_EXPIRED: "tls-expired",
  CERT_NOT_YET_VALID: "tls-not-yet-valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "tls-hostname-mismatch",
  HOSTNAME_MISMATCH: "tls-hostname-mismatch",
  CERT_REVOKED: "tls-revoked",
};

const DESCRIPTIONS: Record<string, string> = {
  "tls-unknown-issuer": "rejected the certificate: its issuer is not in the bundle (a private cluster CA)",
  "publicly-trusted": "accepted the certificate: it is publicly trusted, so anyone with a public CA certificate for this name could impersonate the server",
  "tls-expired": "rejected the certificate because it has expired (not because of its issuer)",
  "tls-not-yet-valid": "rejected the certificate because it is not valid yet (clock skew or a future notBefore)",
  "tls-hostname-mismatch": "rejected the certificate because the host name is not in its subjectAltName",
  "tls-revoked": "rejected the certificate because it is revoked",
};

function observedOf(outcome: RequestOutcome): string | undefined {
  if (outcome.ok) return "publicly-trusted";
  if (outcome.failure.code !== "tls") return undefined;
  const code = outcome.failure.tlsCode ?? "";
  if (UNKNOWN_ISSUER_CODES.has(code)) return "tls-unknown-issuer";
  return OTHER_KINDS[code] ?? `tls-other${code ? `:${code}` : ""}`;
}

/**
 * `tls` (`tls-system-ca`): an anonymous `GET /version` that trusts only the system CA bundle (or
 * `--system-ca-file`). With `expect: denied` it passes when that bundle rejects the certificate
 * for an unknown issuer; a publicly trusted certificate or another kind of failure fails, saying which.
 */
export const tlsProbe: Probe = async (_client, connection, check, context) => {
  if (!connection.server.startsWith("https:"))
    return skippedResult(
      check,
      `the server URL is plain HTTP (${connection.viaProxy ? "kubectl proxy" : connection.server}): there is no certificate to check`,
    );
  const { outcome, request } = await getVersion(context.systemCaClient(), { anonymous: true, signal: context.signal, timeoutMs: context.timeoutMs });
  const durationMs = outcome.ok ? outcome.response.durationMs : outcome.durationMs;
  const expected = check.expect === "denied" ? "tls-unknown-issuer" : check.expect === "allowed" ? "publicly-trusted" : "any";
  const observed = observedOf(outcome);
  if (observed === undefined && !outcome.ok) {
    return baseResult(check, {
      status: "error",
      expected,
      observed: outcome.failure.code,
      message: `GET /version with the system CA bundle: ${outcome.failure.message}`,
      evidence: { failure: outcome.failure.code },
      request,
      durationMs,
      error: { code: `transport-${outcome.failure.code}`, message: outcome.failure.message },
    });
  }
  const evidence: Record<string, unknown> = outcome.ok ? { httpStatus: outcome.response.status } : { tlsCode: outcome.failure.tlsCode };
  const description =
    DESCRIPTIONS[observed as string] ?? `rejected the certificate (${outcome.ok ? "" : (outcome.failure.tlsCode ?? outcome.failure.message)})`;
  const status: CheckResult["status"] = expected === "any" ? "info" : observed === expected ? "pass" : "fail";
  const observation = `the system CA bundle ${description}`;
  const message = `${observation}${status === "fail" ? `; expected ${expected}` : ""}`;
  return baseResult(check, { status, expected, observed: observed as string, observation, message, evidence, request, durationMs });
};
