import { sentence } from "../finding-text.js";
import { baseSeverity, grantFinding } from "../subject-findings.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `default-serviceaccount`: a namespace's `default` ServiceAccount is bound, so every pod that names none gets the role. */
export const defaultServiceAccountMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  grant(rule, context) {
    if (context.subject.kind !== "ServiceAccount" || context.subject.name !== "default") return undefined;
    const message = sentence(
      context.subjectText,
      " is bound ",
      context.path,
      ", so every pod of namespace ",
      String(context.subjectRef.namespace),
      " that names no ServiceAccount gets the role.",
    );
    return grantFinding(rule, context, baseSeverity(rule, context), message, context.rules);
  },
};
