import { unusedServiceAccountFindings } from "../unused-serviceaccounts.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `unused-serviceaccount`: a bound ServiceAccount that no pod runs as (live audits, where pods could be read). */
export const unusedServiceAccountMatcher: Matcher = {
  needs: [...RBAC_OBJECTS, "serviceaccounts", "pods"],
  whole(rule, run) {
    const pods = run.options.podServiceAccounts;
    return pods ? unusedServiceAccountFindings(rule, run.boundServiceAccounts, run.prepared.snapshot.serviceAccounts, pods) : [];
  },
};
