import builtin from "./builtin-resources.json" with { type: "json" };
import { didYouMean } from "../input/suggest.js";
import { namespaceObjectRequestNamespace } from "./namespace-requests.js";
import type { RequestAttributes } from "./types.js";

/*
 * Turns kubectl's `VERB TYPE[.GROUP][/NAME]` (plus `--subresource`) or `VERB /non-resource-url` into
 * request attributes. Live, the server's discovery says what the types are (as it does for kubectl);
 * offline, the built-in resource list (exported from kube-apiserver discovery by
 * scripts/generate/export-resources.mjs) plus the input's CRDs play its part, so `deploy` means
 * `deployments.apps` and `nodes` is cluster-scoped. saprobe's older forms still work where they
 * are not ambiguous: `VERB TYPE NAME`, and `TYPE/SUBRESOURCE` when SUBRESOURCE is one the type has.
 */

/** A resource type as discovery describes it: the built-in ones, or a CRD's. */
export interface ResourceType {
  name: string;
  group: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  subresources?: string[];
  kind: string;
}

const BUILTIN = builtin.resources as ResourceType[];

/** The Kubernetes version the built-in resource list comes from. */
export const BUILTIN_RESOURCES_VERSION: string = builtin.kubernetesVersion;

/** kubectl auth can-i's known verbs for resources, plus the v1.37 server's constrained impersonation. */
const RESOURCE_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "use",
  "bind",
  "impersonate",
  "*",
  "approve",
  "sign",
  "escalate",
  "attest",
];
/** kubectl auth can-i's known verbs for non-resource URLs. */
const NON_RESOURCE_VERBS = ["get", "put", "post", "head", "options", "delete", "patch", "*"];
/** The modes of constrained impersonation (`impersonate:<mode>`, `impersonate-on:<mode>:<verb>`). */
const IMPERSONATION_MODES = ["user-info", "serviceaccount", "arbitrary-node", "associated-node"];

/** A resolved request plus what the user should know about how it was read. */
export interface ParsedRequest {
  attrs: RequestAttributes;
  warnings: string[];
}

/** What `can-i` and `who-can` take besides the positional arguments. */
export interface RequestOptions {
  /** kubectl's `--subresource`. */
  subresource?: string;
  /** Types besides the built-in ones, as discovery would list them: the CRDs in the manifests. */
  customResources?: readonly ResourceType[];
  /** The server's own discovery (live): these types replace the built-in list. */
  discovered?: readonly ResourceType[];
}

/**
 * kubectl's order: a resource's name or singular, then a short name (the first in discovery order
 * wins, and kubectl warns about each other type that has it), then the kind. A name and a singular
 * rank alike: the first type in discovery order (the core group first) that has either wins, as in
 * client-go's PriorityRESTMapper, so `pod` is the core Pod even beside a CRD whose plural is `pod`.
 */
function findType(known: readonly ResourceType[], resource: string, group: string | undefined, warnings: string[]): ResourceType | undefined {
  const lower = resource.toLowerCase();
  const candidates = group === undefined ? known : known.filter((item) => item.group === group);
  const named = candidates.find((item) => item.name === lower || item.singular === lower);
  if (named) return named;
  const [short, ...others] = candidates.filter((item) => item.shortNames?.includes(lower));
  for (const other of others)
    warnings.push(`short name "${lower}" could also match lower priority resource ${other.group === "" ? other.name : `${other.name}.${other.group}`}`);
  return short ?? candidates.find((item) => item.kind.toLowerCase() === lower);
}

/** The verbs a request of this kind may use: kubectl's, plus every `impersonate-on:<mode>:<verb>`. */
function knownVerb(verb: string, resourceRequest: boolean): boolean {
  if (!resourceRequest) return NON_RESOURCE_VERBS.includes(verb);
  if (RESOURCE_VERBS.includes(verb)) return true;
  const [prefix, mode, inner, ...rest] = verb.split(":");
  if (prefix === "impersonate" && inner === undefined) return IMPERSONATION_MODES.includes(mode ?? "");
  return prefix === "impersonate-on" && IMPERSONATION_MODES.includes(mode ?? "") && inner !== undefined && rest.length === 0 && RESOURCE_VERBS.includes(inner);
}

/** kubectl's warning for an unknown verb, with the closest known one. */
function verbWarnings(verb: string, resourceRequest: boolean): string[] {
  if (knownVerb(verb, resourceRequest)) return [];
  const known = resourceRequest ? [...RESOURCE_VERBS, ...IMPERSONATION_MODES.map((mode) => `impersonate:${mode}`)] : NON_RESOURCE_VERBS;
  return [`verb '${verb}' is not a known verb${didYouMean(verb, known)}`];
}

/** `crb` for ClusterRoleBinding: the initials people abbreviate a kind to, which are not short names. */
function initials(kind: string): string {
  return kind.replace(/[^A-Z]/g, "").toLowerCase();
}

/** Types kubectl asks about without a warning though discovery lists none (impersonation's). */
const NON_STANDARD_RESOURCES = ["users", "groups"];

/** kubectl's warning for a type discovery does not have, with the closest name that exists. */
function unknownTypeWarnings(known: readonly ResourceType[], resource: string, apiGroup: string, fromServer: boolean): string[] {
  if (resource === "*" || (apiGroup === "" && NON_STANDARD_RESOURCES.includes(resource.toLowerCase()))) return [];
  const byInitials = known.find((item) => initials(item.kind) === resource.toLowerCase() && resource.length > 1);
  const names = known.flatMap((item) => [item.name, ...(item.singular ? [item.singular] : []), ...(item.shortNames ?? [])]);
  const suggestion = byInitials ? `; did you mean "${byInitials.name}"?` : didYouMean(resource, names);
  const inGroup = apiGroup === "" ? "" : ` in group '${apiGroup}'`;
  // Live, the server's discovery said so, as kubectl says it; offline only saprobe's list did.
  const whose = fromServer ? "" : ` (saprobe knows the built-in ${BUILTIN_RESOURCES_VERSION} resources)`;
  return [`the server doesn't have a resource type '${resource}'${inGroup}${suggestion}${whose}`];
}

/** Splits `TYPE/REST` into the name and subresource kubectl or saprobe's older form means. */
function nameAndSubresource(
  found: ResourceType | undefined,
  typed: string,
  rest: string | undefined,
  name: string | undefined,
  options: RequestOptions,
  warnings: string[],
): { name?: string; subresource?: string } {
  if (rest === undefined) return { ...(name ? { name } : {}), ...(options.subresource ? { subresource: options.subresource } : {}) };
  // saprobe's older `pods/exec`: kept when exec is a subresource of pods and nothing else says what it is.
  if (!options.subresource && found?.subresources?.includes(rest)) {
    warnings.push(
      `"${typed}/${rest}" is read as the ${rest} subresource of ${found.name}; kubectl reads it as the ${found.singular ?? found.name} named "${rest}" (write "${typed} --subresource ${rest}" to say the first, "${typed}/NAME" for a name)`,
    );
    return { ...(name ? { name } : {}), subresource: rest };
  }
  if (name !== undefined && name !== rest) warnings.push(`"${typed}/${rest}" already names "${rest}"; ignoring "${name}"`);
  return { name: rest, ...(options.subresource ? { subresource: options.subresource } : {}) };
}

/**
 * Parses `can-i` / `who-can` arguments. `namespace` is the -n value (or the default); with
 * `allNamespaces` (or for cluster-scoped resources, as kubectl does) the request namespace is "",
 * except for one named namespace, whose requests the apiserver makes in that namespace.
 */
export function parseRequest(
  verb: string,
  target: string,
  name: string | undefined,
  namespace: string,
  allNamespaces = false,
  options: RequestOptions = {},
): ParsedRequest {
  if (target.startsWith("/")) {
    const warnings = [...verbWarnings(verb, false), ...(name ? [`a non-resource URL has no name; ignoring "${name}"`] : [])];
    return { attrs: { resourceRequest: false, verb, path: target }, warnings };
  }
  const warnings = verbWarnings(verb, true);
  const slash = target.indexOf("/");
  const typed = slash === -1 ? target : target.slice(0, slash);
  const rest = slash === -1 ? undefined : target.slice(slash + 1);
  const dot = typed.indexOf(".");
  const resourcePart = dot === -1 ? typed : typed.slice(0, dot);
  const groupPart = dot === -1 ? undefined : typed.slice(dot + 1);
  const known = options.discovered ?? (options.customResources ? [...BUILTIN, ...options.customResources] : BUILTIN);
  const found = findType(known, resourcePart, groupPart, warnings);
  let resource = resourcePart;
  let apiGroup = groupPart ?? "";
  let namespaced = true;
  if (found) {
    resource = found.name;
    apiGroup = found.group;
    namespaced = found.namespaced;
  } else {
    warnings.push(...unknownTypeWarnings(known, resourcePart, apiGroup, options.discovered !== undefined));
  }
  const named = nameAndSubresource(found, typed, rest, name, options, warnings);
  let requestNamespace = allNamespaces ? "" : namespace;
  const ownNamespace = namespaceObjectRequestNamespace(resource, apiGroup, verb, named.name);
  if (ownNamespace !== undefined) {
    requestNamespace = ownNamespace;
  } else if (!namespaced && requestNamespace !== "") {
    requestNamespace = "";
    warnings.push(`resource '${resource}' is not namespace scoped`);
  }
  const attrs: RequestAttributes = { resourceRequest: true, verb, apiGroup, resource, namespace: requestNamespace };
  if (named.subresource) attrs.subresource = named.subresource;
  if (named.name) attrs.name = named.name;
  return { attrs, warnings };
}

/**
 * A request in kubectl's grammar, as `saprobe can-i` and `kubectl auth can-i` take it back:
 * `list secrets -n team`, `get pods/web-0 --subresource log -n team`, `create deployments.apps -n team`,
 * `list nodes` (cluster-scoped), `list secrets -A` (a namespaced type in every namespace), `get /healthz`.
 * The one way saprobe words a request, in every message.
 */
export function describeRequest(attrs: RequestAttributes): string {
  if (!attrs.resourceRequest) return `${attrs.verb} ${attrs.path}`;
  const type = `${attrs.resource}${attrs.apiGroup ? `.${attrs.apiGroup}` : ""}${attrs.name ? `/${attrs.name}` : ""}`;
  const subresource = attrs.subresource ? ` --subresource ${attrs.subresource}` : "";
  return `${attrs.verb} ${type}${subresource}${namespaceFlag(attrs)}`;
}

/** `-n NS`; `-A` for a namespaced built-in type asked about in every namespace; nothing at cluster scope. */
function namespaceFlag(attrs: Extract<RequestAttributes, { resourceRequest: true }>): string {
  if (attrs.namespace !== "") return ` -n ${attrs.namespace}`;
  return builtinScopes().get(`${attrs.resource}.${attrs.apiGroup}`) === true ? " -A" : "";
}

let scopes: Map<string, boolean> | undefined;

/** Whether each built-in type is namespaced, by `resource.group` and by `resource` alone (names are unique across groups). */
function builtinScopes(): Map<string, boolean> {
  scopes ??= new Map(BUILTIN.flatMap((item) => [[`${item.name}.${item.group}`, item.namespaced] as const, [item.name, item.namespaced] as const]));
  return scopes;
}

/**
 * True for a built-in type that lives outside namespaces, from the generated discovery list (with
 * `group`, that group's type; without, the type of that name). Unknown types count as namespaced.
 */
export function isClusterScopedType(resource: string, group?: string): boolean {
  return builtinScopes().get(group === undefined ? resource : `${resource}.${group}`) === false;
}
