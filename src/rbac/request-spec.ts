import builtin from "./builtin-resources.json" with { type: "json" };
import { namespaceObjectRequestNamespace } from "./namespace-requests.js";
import type { RequestAttributes } from "./types.js";

/*
 * Turns kubectl-style `VERB RESOURCE[/SUBRESOURCE] [NAME]` or `VERB /non-resource-url` into request
 * attributes without a server: the built-in resource list (exported from kube-apiserver discovery by
 * test/rbac/tools/export-resources.mjs) plays the part of kubectl's discovery, so `deploy` means
 * `deployments.apps` and `nodes` is cluster-scoped.
 */

interface BuiltinResource {
  name: string;
  group: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  kind: string;
}

const RESOURCES = builtin.resources as BuiltinResource[];

/** The Kubernetes version the built-in resource list comes from. */
export const BUILTIN_RESOURCES_VERSION: string = builtin.kubernetesVersion;

/** A resolved request plus what the user should know about how it was read. */
export interface ParsedRequest {
  attrs: RequestAttributes;
  warnings: string[];
}

function findBuiltin(resource: string, group: string | undefined): BuiltinResource | undefined {
  const lower = resource.toLowerCase();
  const candidates = group === undefined ? RESOURCES : RESOURCES.filter((item) => item.group === group);
  return (
    candidates.find((item) => item.name === lower) ??
    candidates.find((item) => item.singular === lower) ??
    candidates.find((item) => item.shortNames?.includes(lower)) ??
    candidates.find((item) => item.kind.toLowerCase() === lower)
  );
}

/**
 * Parses `can-i` / `who-can` arguments. `namespace` is the -n value (or the default); with
 * `allNamespaces` (or for cluster-scoped resources, as kubectl does) the request namespace is "",
 * except for one named namespace, whose requests the apiserver makes in that namespace.
 */
export function parseRequest(verb: string, target: string, name: string | undefined, namespace: string, allNamespaces = false): ParsedRequest {
  if (target.startsWith("/")) {
    const warnings = name ? [`a non-resource URL has no name; ignoring "${name}"`] : [];
    return { attrs: { resourceRequest: false, verb, path: target }, warnings };
  }
  const warnings: string[] = [];
  const slash = target.indexOf("/");
  const typed = slash === -1 ? target : target.slice(0, slash);
  const subresource = slash === -1 ? undefined : target.slice(slash + 1);
  const dot = typed.indexOf(".");
  const resourcePart = dot === -1 ? typed : typed.slice(0, dot);
  const groupPart = dot === -1 ? undefined : typed.slice(dot + 1);
  const found = findBuiltin(resourcePart, groupPart);
  let resource = resourcePart;
  let apiGroup = groupPart ?? "";
  let namespaced = true;
  if (found) {
    resource = found.name;
    apiGroup = found.group;
    namespaced = found.namespaced;
  } else if (resourcePart !== "*") {
    warnings.push(`"${typed}" is not a built-in ${BUILTIN_RESOURCES_VERSION} resource; using resource "${resourcePart}" in group "${apiGroup}" as written`);
  }
  let requestNamespace = allNamespaces ? "" : namespace;
  const ownNamespace = namespaceObjectRequestNamespace(resource, apiGroup, verb, name);
  if (ownNamespace !== undefined) {
    requestNamespace = ownNamespace;
  } else if (!namespaced && requestNamespace !== "") {
    requestNamespace = "";
    warnings.push(`resource '${resource}' is not namespace scoped`);
  }
  const attrs: RequestAttributes = { resourceRequest: true, verb, apiGroup, resource, namespace: requestNamespace };
  if (subresource) attrs.subresource = subresource;
  if (name) attrs.name = name;
  return { attrs, warnings };
}

/** `get pods/log "p" in namespace "ns"`-style description of a request, for messages. */
export function describeRequest(attrs: RequestAttributes): string {
  if (!attrs.resourceRequest) return `${attrs.verb} ${attrs.path}`;
  const resource = `${attrs.resource}${attrs.apiGroup ? `.${attrs.apiGroup}` : ""}${attrs.subresource ? `/${attrs.subresource}` : ""}`;
  const name = attrs.name ? ` "${attrs.name}"` : "";
  const scope = attrs.namespace ? ` in namespace "${attrs.namespace}"` : " cluster-wide";
  return `${attrs.verb} ${resource}${name}${scope}`;
}
