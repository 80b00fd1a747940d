/** Verbs whose request URL names the object (so a namespace's name is also the request's namespace). */
const NAMED_OBJECT_VERBS = new Set(["get", "update", "patch", "delete"]);

/**
 * The apiserver makes a request for one namespace object (and its status or finalize) in that
 * namespace (RequestInfo: /api/v1/namespaces/NAME), so a RoleBinding there can allow it: the name,
 * for such a request. Create, list and watch go to the collection (/api/v1/namespaces), which is
 * cluster-wide: undefined, as for anything else.
 */
export function namespaceObjectRequestNamespace(resource: string, apiGroup: string, verb: string, name: string | undefined): string | undefined {
  return resource === "namespaces" && apiGroup === "" && name && NAMED_OBJECT_VERBS.has(verb) ? name : undefined;
}
