import { pathFindings } from "../paths/findings.js";
import { pathAnalysisOf } from "./path-analysis.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `cluster-admin-path`: identities that reach cluster-admin power only through other identities (src/audit/paths/). */
export const clusterAdminPathMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  whole(rule, run) {
    const { analysis, options } = pathAnalysisOf(run);
    return pathFindings(rule, analysis, options);
  },
};
