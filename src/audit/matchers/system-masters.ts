import { mastersFindings } from "../masters-findings.js";
import type { Matcher } from "./types.js";

/** `system-masters`: client certificates and approved CertificateSigningRequests in O=system:masters. */
export const systemMastersMatcher: Matcher = {
  needs: ["certificatesigningrequests.certificates.k8s.io"],
  whole(rule, run) {
    return run.options.subject ? [] : mastersFindings(rule, run.options.mastersEvidence ?? []);
  },
};
