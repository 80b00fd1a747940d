import type { Connection } from "../connect/types.js";
import type { Finding } from "../model/report.js";

/** The audit rule id of the finding about a connection that does not verify the server's certificate. */
export const TLS_VERIFICATION_RULE = "tls-verification";

/**
 * A live audit read the cluster over `insecure-skip-tls-verify` (flag or kubeconfig): whatever it found
 * may have come from another server, and the credentials may have gone to it. Reported as a high
 * finding, like the `tls-verification` result of `saprobe run`, so the default `--fail-on high` stops
 * the pipeline. No finding for a verified connection or plain HTTP (kubectl proxy on loopback).
 */
export function connectionFindings(connection: Connection): Finding[] {
  if (!connection.tls.insecureSkipTLSVerify || !connection.server.startsWith("https:")) return [];
  return [
    {
      rule: TLS_VERIFICATION_RULE,
      severity: "high",
      status: "finding",
      title: "saprobe verifies the API server's certificate",
      message: `insecure-skip-tls-verify is set for ${connection.server}: its certificate was not verified, so any server on the way could have answered this audit, and received the credentials`,
      scope: "cluster",
      rules: [],
      remediation:
        "Remove --insecure-skip-tls-verify (or insecure-skip-tls-verify: true from the kubeconfig cluster) and pass the cluster CA instead: --certificate-authority, certificate-authority-data, or the ServiceAccount mount's ca.crt.",
    },
  ];
}
