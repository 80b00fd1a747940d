import type { Connection } from "../connect/types.js";
import type { CheckResult } from "../model/report.js";

/** The id of the result that reports a connection which does not verify the server's certificate. */
export const TLS_VERIFICATION_CHECK_ID = "tls-verification";

/**
 * Results about the connection itself rather than the server's answers. Today one: a connection
 * with `insecure-skip-tls-verify` (flag or kubeconfig) fails `tls-verification` (severity high),
 * because nothing in the report can be trusted when the server was not authenticated, and the
 * credentials may have gone to an impostor. A failed result makes the run exit 1, so pipelines stop.
 */
export function connectionResults(connection: Connection): CheckResult[] {
  if (!connection.tls.insecureSkipTLSVerify || !connection.server.startsWith("https:")) return [];
  return [
    {
      id: TLS_VERIFICATION_CHECK_ID,
      title: "saprobe verifies the API server's certificate",
      probe: "connection",
      status: "fail",
      severity: "high",
      expected: "verified",
      expectedSource: "check",
      observed: "insecure-skip-tls-verify",
      message: `insecure-skip-tls-verify is set for ${connection.server}: its certificate was not verified, so any server on the way could have answered, and received the credentials`,
      evidence: { insecureSkipTLSVerify: true, connectionSource: connection.source, ...(connection.cluster ? { cluster: connection.cluster } : {}) },
      remediation:
        "Remove --insecure-skip-tls-verify (or insecure-skip-tls-verify: true from the kubeconfig cluster) and pass the cluster CA instead: --certificate-authority, certificate-authority-data, or the ServiceAccount mount's ca.crt.",
      durationMs: 0,
    },
  ];
}
