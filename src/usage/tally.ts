import type { RequestAttributes } from "../rbac/types.js";
import type { AuditObservation } from "./audit-event.js";

/*
 * Counts per identity and per distinct request. Memory grows with the number of distinct requests
 * (verb x resource x namespace x name), never with the number of events: a day of a controller's
 * traffic is millions of events and a few hundred distinct requests.
 */

/** One distinct request of one identity, with its counts and first and last time. */
export interface RequestTally {
  attributes: RequestAttributes;
  count: number;
  denied: number;
  first: number;
  firstText: string;
  last: number;
  lastText: string;
}

/** The requests of one identity, and the groups it was seen with (the union over its events). */
export interface IdentityTally {
  username: string;
  groups: Set<string>;
  /** The groups of the identity's last event: most events repeat them, and comparing is cheaper than adding. */
  lastGroups: readonly string[];
  requests: Map<string, RequestTally>;
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** The key of a distinct request: every attribute RBAC reads, joined with a separator no attribute holds. */
export function requestKey(attributes: RequestAttributes): string {
  if (!attributes.resourceRequest) return `N\u0000${attributes.verb}\u0000${attributes.path}`;
  return `R\u0000${attributes.verb}\u0000${attributes.apiGroup}\u0000${attributes.resource}\u0000${attributes.subresource ?? ""}\u0000${attributes.namespace}\u0000${attributes.name ?? ""}`;
}

/** Adds one observed request to its identity's tally. */
export function countObservation(identities: Map<string, IdentityTally>, observation: AuditObservation): void {
  let identity = identities.get(observation.username);
  if (!identity) {
    identity = { username: observation.username, groups: new Set(observation.groups), lastGroups: observation.groups, requests: new Map() };
    identities.set(observation.username, identity);
  } else if (!sameGroups(identity.lastGroups, observation.groups)) {
    for (const group of observation.groups) identity.groups.add(group);
    identity.lastGroups = observation.groups;
  }
  const key = requestKey(observation.attributes);
  const tally = identity.requests.get(key);
  if (!tally) {
    identity.requests.set(key, {
      attributes: observation.attributes,
      count: 1,
      denied: observation.denied ? 1 : 0,
      first: observation.time,
      firstText: observation.timestamp,
      last: observation.time,
      lastText: observation.timestamp,
    });
    return;
  }
  tally.count += 1;
  if (observation.denied) tally.denied += 1;
  if (observation.time < tally.first) {
    tally.first = observation.time;
    tally.firstText = observation.timestamp;
  }
  if (observation.time > tally.last) {
    tally.last = observation.time;
    tally.lastText = observation.timestamp;
  }
}
