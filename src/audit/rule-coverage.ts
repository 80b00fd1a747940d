import { ruleAllows } from "../rbac/match.js";
import type { PolicyRule } from "../rbac/types.js";

/*
 * Whether some rules grant everything another rule does, asked the way the apiserver's escalation
 * check asks it: each verb, URL, group, resource and name of the rule is one atomic request that one
 * of the covering rules must allow. A `*` is only covered by a `*`.
 */

/** True when `allowedBy` allows every atomic request `rule` grants. */
export function ruleCoveredBy(rule: PolicyRule, allowedBy: readonly PolicyRule[]): boolean {
  const allows = (attrs: Parameters<typeof ruleAllows>[1]): boolean => allowedBy.some((owner) => ruleAllows(owner, attrs));
  for (const verb of rule.verbs ?? []) {
    for (const path of rule.nonResourceURLs ?? []) {
      if (!allows({ resourceRequest: false, verb, path })) return false;
    }
    for (const apiGroup of rule.apiGroups ?? []) {
      for (const combined of rule.resources ?? []) {
        const slash = combined.indexOf("/");
        const resource = slash < 0 ? combined : combined.slice(0, slash);
        const subresource = slash < 0 ? undefined : combined.slice(slash + 1);
        const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames as string[]) : [undefined];
        for (const name of names) {
          const attrs = {
            resourceRequest: true as const,
            verb,
            apiGroup,
            resource,
            namespace: "",
            ...(subresource ? { subresource } : {}),
            ...(name ? { name } : {}),
          };
          if (!allows(attrs)) return false;
        }
      }
    }
  }
  return true;
}

/** The rules of `rules` that grant something `by` does not. */
export function rulesNotCoveredBy(rules: readonly PolicyRule[], by: readonly PolicyRule[]): PolicyRule[] {
  return rules.filter((rule) => !ruleCoveredBy(rule, by));
}
