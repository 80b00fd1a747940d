import {
  skipsTlsVerification,
  TLS_VERIFICATION_ID,
  TLS_VERIFICATION_REMEDIATION,
  TLS_VERIFICATION_TITLE,
  unverifiedTlsMessage,
} from "../connect/unverified-tls.js";
import type { Connection } from "../connect/types.js";
import type { CheckResult } from "../model/report.js";

/**
 * Results about the connection itself rather than the server's answers. Today one: a connection
 * with `insecure-skip-tls-verify` (flag or kubeconfig) fails `tls-verification` (severity high),
 * because nothing in the report can be trusted when the server was not authenticated, and the
 * credentials may have gone to an impostor. A failed result makes the run exit 1, so pipelines stop.
 */
export function connectionResults(connection: Connection): CheckResult[] {
  if (!skipsTlsVerification(connection)) return [];
  return [
    {
      id: TLS_VERIFICATION_ID,
      title: TLS_VERIFICATION_TITLE,
      probe: "connection",
      status: "fail",
      severity: "high",
      expected: "verified",
      expectedSource: "check",
      observed: "insecure-skip-tls-verify",
      message: unverifiedTlsMessage(connection, "this run"),
      evidence: { insecureSkipTLSVerify: true, connectionSource: connection.source, ...(connection.cluster ? { cluster: connection.cluster } : {}) },
      remediation: TLS_VERIFICATION_REMEDIATION,
      durationMs: 0,
    },
  ];
}
