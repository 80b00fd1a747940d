import { redactText, type Secret } from "../model/secret.js";
import type { TransportFailure } from "./types.js";

const TLS_MESSAGES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the API server's certificate is not signed by a CA saprobe trusts; pass the cluster CA with --certificate-authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the API server's certificate is not signed by a CA saprobe trusts; pass the cluster CA with --certificate-authority",
  UNABLE_TO_GET_ISSUER_CERT: "the API server's certificate chain is incomplete or signed by an unknown CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the API server's certificate chain ends in a self-signed CA saprobe does not trust; pass it with --certificate-authority",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the API server presents a self-signed certificate that saprobe does not trust; pass it with --certificate-authority",
  CERT_HAS_EXPIRED: "the API server's certificate has expired",
  CERT_NOT_YET_VALID: "the API server's certificate is not valid yet (check the clocks)",
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the API server's certificate does not name the host saprobe connected to; use the name it was issued for, or --tls-server-name",
  ERR_SSL_WRONG_VERSION_NUMBER: "the server did not answer with TLS; is it a plain-HTTP endpoint (use http://)?",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the API server rejected the client certificate: it is not signed by a CA the server trusts",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the API server rejected the client certificate",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "the API server requires a client certificate",
};

function errorChain(error: unknown): (Error & { code?: string })[] {
  const chain: (Error & { code?: string })[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    chain.push(current as Error & { code?: string });
    if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function isTlsCode(code: string): boolean {
  return code in TLS_MESSAGES || /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code);
}

/**
 * Maps a network, TLS or undici error to a `TransportFailure` with a sentence a user understands.
 * The original message is only kept (redacted) for errors saprobe has no words for.
 */
export function describeTransportError(error: unknown, target: string, secrets: Secret[] = []): TransportFailure {
  const chain = errorChain(error);
  const codes = chain.map((item) => item.code ?? "").filter((code) => code !== "");
  const tlsCode = codes.find(isTlsCode);
  if (tlsCode) {
    const message = TLS_MESSAGES[tlsCode] ?? `the TLS handshake with ${target} failed (${tlsCode})`;
    return { code: "tls", message: `${message} (${target})`, tlsCode };
  }
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  if (has("ECONNREFUSED")) return { code: "connection-refused", message: `nothing is listening at ${target} (connection refused)` };
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_NONAME")) return { code: "dns", message: `the host name in ${target} cannot be resolved` };
  if (has("UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT")) return { code: "timeout", message: `${target} did not answer in time` };
  if (has("UND_ERR_BODY_TIMEOUT")) return { code: "body-timeout", message: `${target} started answering but the body did not finish in time` };
  if (has("ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "UND_ERR_CLOSED", "ECONNABORTED"))
    return { code: "reset", message: `the connection to ${target} was closed before the response was complete` };
  if (has("UND_ERR_HEADERS_OVERFLOW"))
    return {
      code: "other",
      message: `${target} answered with response headers larger than saprobe accepts; a proxy or load balancer in front of the API server may be misbehaving`,
    };
  if (has("EHOSTUNREACH", "ENETUNREACH")) return { code: "connection-refused", message: `${target} is unreachable from here (no route to host)` };
  const raw = chain[0]?.message ?? String(error);
  return { code: "other", message: `the request to ${target} failed: ${redactText(raw, secrets)}` };
}
