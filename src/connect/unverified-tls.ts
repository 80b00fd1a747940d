import type { Connection } from "./types.js";

/*
 * What saprobe says about a connection that does not verify the API server's certificate
 * (`insecure-skip-tls-verify`, from a flag or the kubeconfig): `run` fails its `tls-verification`
 * check and a live `audit` reports a `tls-verification` finding, in the same words.
 */

/** The id of that check and of that audit rule. */
export const TLS_VERIFICATION_ID = "tls-verification";

export const TLS_VERIFICATION_TITLE = "saprobe verifies the API server's certificate";

export const TLS_VERIFICATION_REMEDIATION =
  "Remove --insecure-skip-tls-verify (or insecure-skip-tls-verify: true from the kubeconfig cluster) and pass the cluster CA instead: --certificate-authority, certificate-authority-data, or the ServiceAccount mount's ca.crt.";

/** True for an https connection whose server certificate is not verified (plain HTTP has no certificate to skip). */
export function skipsTlsVerification(connection: Connection): boolean {
  return connection.tls.insecureSkipTLSVerify && connection.server.startsWith("https:");
}

/** Why it matters, for `what` the server answered ("this run", "this audit"). */
export function unverifiedTlsMessage(connection: Connection, what: string): string {
  return `insecure-skip-tls-verify is set for ${connection.server}: its certificate was not verified, so any server on the way could have answered ${what}, and received the credentials`;
}
