import { pathFacts } from "../paths/facts.js";
import { pathFindings } from "../paths/findings.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `cluster-admin-path`: identities that reach cluster-admin power only through other identities (src/audit/paths/). */
export const clusterAdminPathMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  whole(rule, run) {
    const facts = pathFacts(run.prepared.snapshot, run.options);
    return pathFindings(rule, run.prepared, { facts, expectations: run.expectations, ...(run.options.subject ? { subject: run.options.subject } : {}) });
  },
};
