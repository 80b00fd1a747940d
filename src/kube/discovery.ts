import { statusOf } from "./status.js";
import type { ResourceType } from "../rbac/request-spec.js";
import { boundedMap } from "./access-reviews.js";
import type { KubeClient, RequestOutcome } from "./types.js";

/*
 * The resource types the server serves, read as kubectl reads them: aggregated discovery (`/api` and
 * `/apis` answered as one APIGroupDiscoveryList each, what kubectl asks for since v1.30), and the
 * older per-group documents when the server cannot aggregate. A type keeps its preferred version's
 * name, scope, singular, short names and subresources, which is all `can-i` needs to read
 * `deploy`, `pod` or a CRD's short name the way `kubectl auth can-i` does.
 */

/** kubectl's Accept for discovery: aggregated v2, then v2beta1, then the plain per-group documents. */
export const DISCOVERY_ACCEPT = [
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
  "application/json",
].join(",");

/** How many per-group documents are read at once from a server without aggregated discovery. */
const LEGACY_GROUP_CONCURRENCY = 8;

/** The server's resource types, or why they could not be read (`forbidden` for a 403). */
export type DiscoveryOutcome =
  | { ok: true; resources: ResourceType[]; aggregated: boolean; unreadGroups: string[] }
  | { ok: false; reason: string; forbidden: boolean };

type Json = Record<string, unknown>;
type Read = { ok: true; json: Json } | { ok: false; reason: string; forbidden: boolean };

function asRecords(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((item): item is Json => typeof item === "object" && item !== null) : [];
}

function strings(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item !== "") : [];
  return list.length > 0 ? list : undefined;
}

function readOutcome(path: string, outcome: RequestOutcome): Read {
  if (!outcome.ok) return { ok: false, reason: outcome.failure.message, forbidden: false };
  const { status, json } = outcome.response;
  if (status !== 200) {
    const message = statusOf(json)?.message ?? `HTTP ${status}`;
    return { ok: false, reason: `GET ${path} answered ${status}: ${message}`, forbidden: status === 403 };
  }
  if (typeof json !== "object" || json === null) return { ok: false, reason: `GET ${path} did not answer with JSON`, forbidden: false };
  return { ok: true, json: json as Json };
}

async function get(client: KubeClient, path: string, signal: AbortSignal | undefined, accept?: string): Promise<Read> {
  return readOutcome(path, await client.request({ path, ...(accept ? { accept } : {}), ...(signal ? { signal } : {}) }));
}

/** Adds a type unless an earlier (more preferred) version of its group already has it. */
function add(resources: ResourceType[], seen: Set<string>, type: ResourceType): void {
  const key = `${type.group}/${type.name}`;
  if (seen.has(key)) return;
  seen.add(key);
  resources.push(type);
}

/** The types of one APIGroupDiscoveryList (versions in preference order, as the server sends them). */
function fromAggregated(list: Json, resources: ResourceType[], seen: Set<string>): void {
  for (const group of asRecords(list.items)) {
    const groupName = typeof (group.metadata as Json | undefined)?.name === "string" ? ((group.metadata as Json).name as string) : "";
    for (const version of asRecords(group.versions)) {
      for (const resource of asRecords(version.resources)) {
        if (typeof resource.resource !== "string" || resource.resource === "") continue;
        const kind = (resource.responseKind as Json | undefined)?.kind;
        const singular = typeof resource.singularResource === "string" && resource.singularResource !== "" ? resource.singularResource : undefined;
        const shortNames = strings(resource.shortNames);
        const subresources = strings(asRecords(resource.subresources).map((item) => item.subresource));
        add(resources, seen, {
          name: resource.resource,
          group: groupName,
          namespaced: resource.scope === "Namespaced",
          ...(singular ? { singular } : {}),
          ...(shortNames ? { shortNames } : {}),
          ...(subresources ? { subresources: [...subresources].sort() } : {}),
          kind: typeof kind === "string" ? kind : "",
        });
      }
    }
  }
}

/** The types of one APIResourceList (`/api/v1`, `/apis/GROUP/VERSION`); subresources are `name/sub` entries. */
function fromResourceList(group: string, list: Json, resources: ResourceType[], seen: Set<string>): void {
  const listed = asRecords(list.resources).filter((item) => typeof item.name === "string");
  for (const resource of listed) {
    const name = resource.name as string;
    if (name.includes("/")) continue;
    const subresources = listed
      .map((item) => item.name as string)
      .filter((other) => other.startsWith(`${name}/`))
      .map((other) => other.slice(name.length + 1))
      .sort();
    const singular = typeof resource.singularName === "string" && resource.singularName !== "" ? resource.singularName : undefined;
    const shortNames = strings(resource.shortNames);
    add(resources, seen, {
      name,
      group,
      namespaced: resource.namespaced === true,
      ...(singular ? { singular } : {}),
      ...(shortNames ? { shortNames } : {}),
      ...(subresources.length > 0 ? { subresources } : {}),
      kind: typeof resource.kind === "string" ? resource.kind : "",
    });
  }
}

/** A server without aggregated discovery: `/api/v1` and each group's preferred version, one document each. */
async function legacyDiscovery(client: KubeClient, core: Json, groups: Json, signal: AbortSignal | undefined): Promise<DiscoveryOutcome> {
  const paths = [
    ...(strings(core.versions) ?? []).slice(0, 1).map((version) => ({ group: "", path: `/api/${version}` })),
    ...asRecords(groups.groups).flatMap((group) => {
      const preferred = (group.preferredVersion as Json | undefined)?.groupVersion;
      return typeof group.name === "string" && typeof preferred === "string" ? [{ group: group.name, path: `/apis/${preferred}` }] : [];
    }),
  ];
  const reads = await boundedMap(paths, LEGACY_GROUP_CONCURRENCY, async (entry) => ({ ...entry, read: await get(client, entry.path, signal) }));
  const resources: ResourceType[] = [];
  const seen = new Set<string>();
  const unreadGroups: string[] = [];
  for (const { group, path, read } of reads) {
    if (read.ok) fromResourceList(group, read.json, resources, seen);
    // kubectl, too, resolves what it could read when one group (often an aggregated API that is down) fails.
    else unreadGroups.push(group === "" ? path : group);
  }
  return { ok: true, resources, aggregated: false, unreadGroups };
}

/**
 * Reads the server's resource types: `/api` and `/apis` with kubectl's Accept, so a v1.30+ server
 * answers both in two requests; an older one gets a request per group. Never throws.
 */
export async function discoverResourceTypes(client: KubeClient, signal?: AbortSignal): Promise<DiscoveryOutcome> {
  const [core, groups] = await Promise.all([get(client, "/api", signal, DISCOVERY_ACCEPT), get(client, "/apis", signal, DISCOVERY_ACCEPT)]);
  if (!core.ok) return core;
  if (!groups.ok) return groups;
  const aggregated = (read: Json) => read.kind === "APIGroupDiscoveryList";
  if (!aggregated(core.json) || !aggregated(groups.json)) return legacyDiscovery(client, core.json, groups.json, signal);
  const resources: ResourceType[] = [];
  const seen = new Set<string>();
  fromAggregated(core.json, resources, seen);
  fromAggregated(groups.json, resources, seen);
  return { ok: true, resources, aggregated: true, unreadGroups: [] };
}
