import { combinedResourceOf } from "../rbac/match.js";
import type { PolicyRule, RequestAttributes } from "../rbac/types.js";

/*
 * The rules a person would write for a set of observed requests, in one scope (one namespace, or
 * cluster-wide): one rule per API group and verb set, with every resource that shares them;
 * `resourceNames` for the verbs only ever used on a few named objects (a list, watch or create
 * without a name needs a rule without names: a rule with resourceNames never matches them); and
 * non-resource URLs grouped by verb set. Every request allowed stays allowed: the rules only group.
 */

/** When a verb was only ever used on this many names or fewer, the rule names them. */
export const MAX_RESOURCE_NAMES = 5;

/** The order people write verbs in; others follow alphabetically. */
const VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

/** Verbs in the order people write them. */
export function sortVerbs(verbs: Iterable<string>): string[] {
  const rank = (verb: string): number => {
    const index = VERB_ORDER.indexOf(verb);
    return index < 0 ? VERB_ORDER.length : index;
  };
  return [...new Set(verbs)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

interface ResourceUse {
  apiGroup: string;
  resource: string;
  unnamed: Set<string>;
  named: Map<string, Set<string>>;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function resourceRules(requests: readonly Extract<RequestAttributes, { resourceRequest: true }>[]): PolicyRule[] {
  const uses = new Map<string, ResourceUse>();
  for (const request of requests) {
    const resource = combinedResourceOf(request.resource, request.subresource);
    const key = `${request.apiGroup}\u0000${resource}`;
    let use = uses.get(key);
    if (!use) uses.set(key, (use = { apiGroup: request.apiGroup, resource, unnamed: new Set(), named: new Map() }));
    if (request.name) {
      const names = use.named.get(request.verb) ?? new Set<string>();
      names.add(request.name);
      use.named.set(request.verb, names);
    } else {
      use.unnamed.add(request.verb);
    }
  }
  const grouped = new Map<string, PolicyRule>();
  const named: PolicyRule[] = [];
  for (const use of [...uses.values()].sort((a, b) => compareText(a.apiGroup, b.apiGroup) || compareText(a.resource, b.resource))) {
    const onlyNamed = [...use.named.keys()].filter((verb) => !use.unnamed.has(verb));
    const names = new Set(onlyNamed.flatMap((verb) => [...(use.named.get(verb) ?? [])]));
    const anyName = new Set(use.unnamed);
    if (onlyNamed.length > 0 && names.size <= MAX_RESOURCE_NAMES) {
      named.push({ apiGroups: [use.apiGroup], resources: [use.resource], resourceNames: [...names].sort(compareText), verbs: sortVerbs(onlyNamed) });
    } else {
      for (const verb of onlyNamed) anyName.add(verb);
    }
    if (anyName.size === 0) continue;
    const verbs = sortVerbs(anyName);
    const key = `${use.apiGroup}\u0000${verbs.join(",")}`;
    const rule = grouped.get(key);
    if (rule) rule.resources?.push(use.resource);
    else grouped.set(key, { apiGroups: [use.apiGroup], resources: [use.resource], verbs });
  }
  return [...grouped.values(), ...named];
}

function nonResourceRules(requests: readonly Extract<RequestAttributes, { resourceRequest: false }>[]): PolicyRule[] {
  const verbsByPath = new Map<string, Set<string>>();
  for (const request of requests) {
    const verbs = verbsByPath.get(request.path) ?? new Set<string>();
    verbs.add(request.verb);
    verbsByPath.set(request.path, verbs);
  }
  const byVerbs = new Map<string, PolicyRule>();
  for (const [path, verbs] of [...verbsByPath].sort((a, b) => compareText(a[0], b[0]))) {
    const sorted = sortVerbs(verbs);
    const key = sorted.join(",");
    const rule = byVerbs.get(key);
    if (rule) rule.nonResourceURLs?.push(path);
    else byVerbs.set(key, { nonResourceURLs: [path], verbs: sorted });
  }
  return [...byVerbs.values()];
}

/** The rules, written as a person would, that allow exactly these requests (and their close kin). */
export function rulesForRequests(requests: readonly RequestAttributes[]): PolicyRule[] {
  const resource = requests.filter((request): request is Extract<RequestAttributes, { resourceRequest: true }> => request.resourceRequest);
  const other = requests.filter((request): request is Extract<RequestAttributes, { resourceRequest: false }> => !request.resourceRequest);
  return [...resourceRules(resource), ...nonResourceRules(other)];
}
