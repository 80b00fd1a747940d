import { readObject, type ResourceTarget } from "../kube/requests.js";
import type { KubeClient } from "../kube/types.js";
import type { DriftItem } from "../model/report.js";
import type { RbacObject } from "../rbac/types.js";
import { describeRef } from "../audit/finding-text.js";
import { diffRbac, identityKey } from "./diff.js";
import { withKind } from "./live-rbac.js";

/*
 * Reads, one GET each, the live objects the expected files name, then diffs them. A 404 means the
 * object is missing (drift); a 403 or any other failure skips that comparison with the reason.
 */

const PLURAL: Record<RbacObject["kind"], string> = {
  Role: "roles",
  ClusterRole: "clusterroles",
  RoleBinding: "rolebindings",
  ClusterRoleBinding: "clusterrolebindings",
  ServiceAccount: "serviceaccounts",
};

/** Where an object lives in the API. */
export function objectTarget(object: RbacObject): ResourceTarget {
  const namespaced = object.kind === "Role" || object.kind === "RoleBinding" || object.kind === "ServiceAccount";
  return {
    group: object.kind === "ServiceAccount" ? "" : "rbac.authorization.k8s.io",
    resource: PLURAL[object.kind],
    namespace: namespaced ? (object.metadata.namespace ?? "") : "",
    name: object.metadata.name,
  };
}

/** The live counterparts that exist, and a `skipped` drift item for each that could not be read. */
export async function readLiveCounterparts(
  client: KubeClient,
  expected: readonly RbacObject[],
): Promise<{ live: RbacObject[]; skipped: DriftItem[]; unreadable: Set<string> }> {
  const live: RbacObject[] = [];
  const skipped: DriftItem[] = [];
  const unreadable = new Set<string>();
  const answers = await Promise.all(expected.map(async (object) => ({ object, got: await readObject(client, objectTarget(object)) })));
  for (const { object, got } of answers) {
    if (got.ok) {
      live.push(withKind(got.object, object.kind) as unknown as RbacObject);
    } else if (!got.notFound) {
      unreadable.add(identityKey(object));
      const ref = {
        kind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace && !object.kind.startsWith("Cluster") ? { namespace: object.metadata.namespace } : {}),
      };
      skipped.push({
        object: ref,
        change: "skipped",
        detail: `could not compare ${describeRef(ref)}: ${got.forbidden ? "reading it is forbidden" : "reading it failed"} (${got.reason})`,
      });
    }
  }
  return { live, skipped, unreadable };
}

/** Drift between the expected objects and the live ones, reading each named object from the server. */
export async function checkDrift(client: KubeClient, expected: readonly RbacObject[]): Promise<DriftItem[]> {
  const { live, skipped, unreadable } = await readLiveCounterparts(client, expected);
  const comparable = expected.filter((object) => !unreadable.has(identityKey(object)));
  return [...skipped, ...diffRbac(comparable, live)];
}
