import { highValueFindings } from "../paths/high-value.js";
import { pathAnalysisOf } from "./path-analysis.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `high-value-identity-path`: identities that reach a high-value identity short of cluster-admin (src/audit/paths/high-value.ts). */
export const highValueIdentityPathMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  whole(rule, run) {
    const { analysis, options } = pathAnalysisOf(run);
    return highValueFindings(rule, analysis, options);
  },
};
