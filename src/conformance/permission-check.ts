import type { Catalogue } from "../audit/rule-types.js";
import type { Connection } from "../connect/types.js";
import type { KubeClient } from "../kube/types.js";
import type { CheckResult } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import { createAuthorizer } from "../rbac/authorizer.js";
import { atomKey } from "../rbac/covers.js";
import { formatPath } from "../rbac/format.js";
import type { UserInfo } from "../rbac/types.js";
import { bootstrapPolicy } from "../rbac/bootstrap.js";
import { subjectAppliesToUser } from "../rbac/subjects.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import { comparePermissions, type PermissionDifference } from "./compare-permissions.js";
import { authorizerFor } from "./expected.js";
import { expectedNamespaces, type ExpectedRbac } from "./expectations.js";
import { identityPaths } from "./identity-paths.js";
import { readLiveRbac } from "./live-rbac.js";
import { atomAttributes } from "./permission-diff.js";
import { permissionResults, ratingLookup } from "./permission-results.js";
import { ratePermissions, type PermissionRating } from "./permission-severity.js";
import { startStopwatch } from "../kube/stopwatch.js";

/*
 * `run --expect`'s comparison of the whole permission set, from the identity to check results:
 * which namespaces, the comparison itself, the catalogue's rating of each extra permission, and the
 * live binding that grants it whenever the identity may read RBAC objects.
 */

/** What the permission comparison adds to a run: its results and warnings. */
export interface PermissionCheckOutcome {
  results: CheckResult[];
  warnings: string[];
}

function ratingsOf(catalogue: Catalogue, differences: readonly PermissionDifference[]): Map<string, Map<string, PermissionRating>> {
  const byScope = new Map<string, PermissionDifference[]>();
  for (const difference of differences) {
    if (difference.direction !== "extra") continue;
    byScope.set(difference.scope, [...(byScope.get(difference.scope) ?? []), difference]);
  }
  return new Map(
    [...byScope].map(([scope, extra]) => [
      scope,
      ratePermissions(
        catalogue,
        scope,
        extra.map((difference) => difference.atom),
      ),
    ]),
  );
}

/** Namespaces where a RoleBinding of the default policy (when expected) names the user: the expected rules differ there. */
export function defaultBindingNamespaces(user: UserInfo, withDefaults: boolean): string[] {
  if (!withDefaults) return [];
  return bootstrapPolicy()
    .roleBindings.filter((binding) => (binding.subjects ?? []).some((subject) => subjectAppliesToUser(user, subject, binding.metadata.namespace)))
    .map((binding) => binding.metadata.namespace);
}

/** Names the live binding of each extra permission, when the identity (or else the impersonating one) may list RBAC objects. */
async function liveGrants(
  client: KubeClient,
  reader: KubeClient | undefined,
  user: UserInfo,
  differences: readonly PermissionDifference[],
  signal?: AbortSignal,
): Promise<{ grant(difference: PermissionDifference): string | undefined; unknown?: string }> {
  if (!differences.some((difference) => difference.direction === "extra")) return { grant: () => undefined };
  let live = await readLiveRbac(client, signal);
  if (!live.ok && live.forbidden && reader) live = await readLiveRbac(reader, signal);
  if (!live.ok)
    return {
      grant: () => undefined,
      unknown: live.forbidden ? "the identity may not read the RBAC objects that would tell" : `the RBAC objects could not be read (${live.reason})`,
    };
  const authorizer = createAuthorizer(live.snapshot);
  const grants = new Map<string, string | undefined>();
  for (const difference of differences) {
    const decision = authorizer.authorize(user, atomAttributes(difference.atom, difference.scope === "cluster" ? "" : difference.scope));
    grants.set(`${difference.scope}/${atomKey(difference.atom)}`, decision.grant ? formatPath(decision.grant) : undefined);
  }
  return { grant: (difference) => grants.get(`${difference.scope}/${atomKey(difference.atom)}`) };
}

/**
 * Compares what the server lets the identity do with what the expected RBAC gives it, in the
 * identity's namespace, every namespace the expected files name, `default`, `kube-system`, and every
 * namespace when the identity may list them; cluster-wide too. Results: one `info` result saying what
 * was compared, and one failed result per over- or under-privileged permission group.
 */
export async function checkPermissionSet(input: {
  client: KubeClient;
  connection: Connection;
  /** The impersonating identity (the connection without `--as`), when the run impersonates: it reads what the identity may not. */
  reader?: { client: KubeClient; connection: Connection };
  expected: ExpectedRbac;
  identity: IdentityLookup;
  /** The connection's namespace (`-n`, the context's, the mount's). */
  namespace: string;
  catalogue: Catalogue;
  signal?: AbortSignal;
}): Promise<PermissionCheckOutcome> {
  const { identity, expected } = input;
  if (identity.state !== "known" || identity.username === undefined) return { results: [], warnings: [] };
  const elapsed = startStopwatch();
  const user: UserInfo = { name: identity.username, groups: identity.groups };
  const own = parseServiceAccountUsername(identity.username ?? "")?.namespace ?? input.namespace;
  const expectedAuthorizer = authorizerFor(expected.snapshot, expected.withDefaults);
  const comparison = await comparePermissions({
    client: input.client,
    user,
    expected: expectedAuthorizer,
    ...(input.reader ? { reader: input.reader.client } : {}),
    namespaces: [own, ...expectedNamespaces(expected.snapshot), ...defaultBindingNamespaces(user, expected.withDefaults), "default", "kube-system"],
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const ratings = ratingLookup(ratingsOf(input.catalogue, comparison.differences));
  const grants = await liveGrants(input.client, input.reader?.client, user, comparison.differences, input.signal);
  const results = permissionResults(
    comparison,
    user.name,
    { rating: ratings, liveGrant: grants.grant, ...(grants.unknown ? { liveGrantUnknown: grants.unknown } : {}) },
    elapsed(),
  );
  const paths = await identityPaths({
    client: input.client,
    connection: input.connection,
    ...(input.reader ? { reader: input.reader } : {}),
    user,
    liveRules: comparison.liveRules,
    expected: expectedAuthorizer,
    catalogue: input.catalogue,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const notCompared = comparison.notCompared.map((entry) => `--expect: the permissions in namespace ${entry.namespace} were not compared: ${entry.reason}`);
  return { results: [...results, ...paths.results], warnings: [...comparison.warnings, ...notCompared, ...paths.warnings] };
}
