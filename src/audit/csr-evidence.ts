import { certificateRequestSubject } from "./csr-subject.js";
import type { MastersEvidence } from "./masters-findings.js";

type Raw = Record<string, unknown>;

/**
 * Evidence from live CertificateSigningRequests: the subject each one asks for, and whether it was
 * approved. Requests whose PEM cannot be read are returned as warnings, not dropped silently.
 */
export function csrEvidence(items: readonly Raw[]): { evidence: MastersEvidence[]; warnings: string[] } {
  const evidence: MastersEvidence[] = [];
  const warnings: string[] = [];
  for (const item of items) {
    const name = String((item.metadata as Raw | undefined)?.name ?? "");
    const spec = (item.spec ?? {}) as Raw;
    const conditions = (((item.status ?? {}) as Raw).conditions ?? []) as Raw[];
    const approved = Array.isArray(conditions) && conditions.some((condition) => condition.type === "Approved" && condition.status !== "False");
    const parsed = certificateRequestSubject(Buffer.from(String(spec.request ?? ""), "base64"));
    if (!parsed.ok) {
      warnings.push(`CertificateSigningRequest ${name}: ${parsed.error}`);
      continue;
    }
    evidence.push({ kind: "certificate-signing-request", name, approved, signerName: String(spec.signerName ?? ""), ...parsed.subject });
  }
  return { evidence, warnings };
}
