import {
  skipsTlsVerification,
  TLS_VERIFICATION_ID,
  TLS_VERIFICATION_REMEDIATION,
  TLS_VERIFICATION_TITLE,
  unverifiedTlsMessage,
} from "../../connect/unverified-tls.js";
import type { Connection } from "../../connect/types.js";
import type { Finding } from "../../model/report.js";

/**
 * A live audit read the cluster over `insecure-skip-tls-verify` (flag or kubeconfig): whatever it found
 * may have come from another server, and the credentials may have gone to it. Reported as a high
 * finding, like the `tls-verification` result of `saprobe run`, so the default `--fail-on high` stops
 * the pipeline. No finding for a verified connection or plain HTTP (kubectl proxy on loopback).
 */
export function connectionFindings(connection: Connection): Finding[] {
  if (!skipsTlsVerification(connection)) return [];
  return [
    {
      rule: TLS_VERIFICATION_ID,
      severity: "high",
      status: "finding",
      title: TLS_VERIFICATION_TITLE,
      message: unverifiedTlsMessage(connection, "this audit"),
      scope: "cluster",
      rules: [],
      remediation: TLS_VERIFICATION_REMEDIATION,
    },
  ];
}
