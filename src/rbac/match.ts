import type { PolicyRule, RequestAttributes } from "./types.js";

/*
 * The rule matchers of the Kubernetes RBAC authorizer, letter for letter
 * (pkg/apis/rbac/v1/evaluation_helpers.go and RuleAllows in plugin/pkg/auth/authorizer/rbac/rbac.go).
 * Every comparison is exact and case-sensitive; "*" is the only wildcard, except the trailing-star
 * prefix form of nonResourceURLs and the "*\/subresource" form of resources.
 */

/** True if a rule verb is "*" or equals the requested verb (`GET` is not `get`). */
export function verbMatches(rule: PolicyRule, requestedVerb: string): boolean {
  for (const verb of rule.verbs ?? []) {
    if (verb === "*" || verb === requestedVerb) return true;
  }
  return false;
}

/** True if a rule apiGroup is "*" or equals the requested group ("" is the core group). An empty list matches nothing. */
export function apiGroupMatches(rule: PolicyRule, requestedGroup: string): boolean {
  for (const group of rule.apiGroups ?? []) {
    if (group === "*" || group === requestedGroup) return true;
  }
  return false;
}

/**
 * True if a rule resource is "*" (every resource and subresource), equals `combinedResource`
 * (`pods` or `pods/log`), or, only when the request has a subresource, is exactly `*\/<subresource>`.
 */
export function resourceMatches(rule: PolicyRule, combinedResource: string, requestedSubresource: string): boolean {
  for (const resource of rule.resources ?? []) {
    if (resource === "*" || resource === combinedResource) return true;
    if (requestedSubresource.length === 0) continue;
    // Upstream checks length, the "*/" prefix and the suffix separately; together they mean equality.
    if (resource.length === requestedSubresource.length + 2 && resource.startsWith("*/") && resource.endsWith(requestedSubresource)) {
      return true;
    }
  }
  return false;
}

/** True if the rule lists no resourceNames, or lists the requested name. An empty name never matches a non-empty list. */
export function resourceNameMatches(rule: PolicyRule, requestedName: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(requestedName);
}

/**
 * True if a rule URL is "*", equals the path, or ends in "*" and the path starts with the URL
 * minus all its trailing stars (no segment boundary: `/healthz*` matches `/healthzfoo`).
 */
export function nonResourceURLMatches(rule: PolicyRule, requestedURL: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === "*" || url === requestedURL) return true;
    if (url.endsWith("*") && requestedURL.startsWith(trimTrailingStars(url))) return true;
  }
  return false;
}

function trimTrailingStars(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "*") end--;
  return text.slice(0, end);
}

/** The combined resource string the matchers compare: `resource` or `resource/subresource`. */
export function combinedResourceOf(resource: string, subresource: string | undefined): string {
  return subresource ? `${resource}/${subresource}` : resource;
}

/**
 * Whether one policy rule allows the request (upstream `RuleAllows`). For resource requests the
 * rule's nonResourceURLs are ignored; for non-resource requests its groups, resources and names are.
 */
export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (attrs.resourceRequest) {
    const subresource = attrs.subresource ?? "";
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combinedResourceOf(attrs.resource, subresource), subresource) &&
      resourceNameMatches(rule, attrs.name ?? "")
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

/** Whether any of the rules allows the request (upstream `RulesAllow`). */
export function rulesAllow(rules: readonly PolicyRule[], attrs: RequestAttributes): boolean {
  return rules.some((rule) => ruleAllows(rule, attrs));
}
