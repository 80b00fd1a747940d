import { bindingRef, makeFinding, roleRefOf } from "../finding-text.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { Matcher } from "./types.js";

/** `missing-role`: a binding whose role does not exist grants nothing until someone creates a role of that name. */
export const missingRoleMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  unresolved(rule, binding, error, run) {
    const role = roleRefOf(binding);
    const subjects = binding.subjects ?? [];
    const expected = subjects.length > 0 && subjects.every((subject) => run.expectations.isDefaultGrant(binding, subject));
    return makeFinding(rule, {
      severity: rule.severity,
      status: expected ? "expected" : "finding",
      message: `${binding.kind} ${binding.kind === "RoleBinding" ? `${binding.metadata.namespace}/` : ""}${binding.metadata.name} refers to ${role.kind} ${role.name}, which does not exist (${error}); it grants nothing until a role of that name is created.`,
      scope: binding.kind === "RoleBinding" ? binding.metadata.namespace : "cluster",
      binding: bindingRef(binding),
      role,
      ...(binding.source ? { source: binding.source } : {}),
    });
  },
};
