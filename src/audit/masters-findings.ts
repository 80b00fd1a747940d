import type { Finding } from "../model/report.js";
import { makeFinding } from "./finding-text.js";
import type { AuditRule } from "./rule-types.js";

/** The group whose members the apiserver allows everything before RBAC runs. */
export const SYSTEM_MASTERS = "system:masters";

/** Evidence about who may be in system:masters: a certificate's or a request's subject. */
export type MastersEvidence =
  | {
      kind: "client-certificate";
      /** The kubeconfig file and the name of its `users` entry. */
      file: string;
      /** Line of the user's entry in the file. */
      line: number;
      user: string;
      commonName: string;
      organizations: string[];
      /** ISO date the certificate expires. */
      notAfter: string;
    }
  | {
      kind: "certificate-signing-request";
      /** The CertificateSigningRequest's name. */
      name: string;
      commonName: string;
      organizations: string[];
      approved: boolean;
      signerName: string;
    };

/** Findings for client certificates and approved CertificateSigningRequests with O=system:masters. */
export function mastersFindings(rule: AuditRule, evidence: readonly MastersEvidence[]): Finding[] {
  const findings: Finding[] = [];
  for (const item of evidence) {
    if (!item.organizations.includes(SYSTEM_MASTERS)) continue;
    if (item.kind === "client-certificate") {
      findings.push(
        makeFinding(rule, {
          severity: rule.severity,
          status: "finding",
          message: `The client certificate of kubeconfig user "${item.user}" (CN=${item.commonName}) is in O=system:masters and is allowed every request, whatever RBAC says, until it expires on ${item.notAfter}.`,
          scope: "cluster",
          subject: { kind: "User", name: item.commonName },
          source: { file: item.file, line: item.line },
        }),
      );
    } else if (item.approved) {
      findings.push(
        makeFinding(rule, {
          severity: rule.severity,
          status: "finding",
          message: `CertificateSigningRequest ${item.name} (signer ${item.signerName}) was approved for CN=${item.commonName} in O=system:masters: whoever holds the issued certificate is allowed every request, whatever RBAC says.`,
          scope: "cluster",
          subject: { kind: "User", name: item.commonName },
          binding: { kind: "CertificateSigningRequest", name: item.name },
        }),
      );
    }
  }
  return findings;
}
