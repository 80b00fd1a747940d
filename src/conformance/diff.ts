import type { DriftItem, ObjectRef } from "../model/report.js";
import { formatRule, formatSubject } from "../rbac/format.js";
import type { ClusterRole, RbacObject, Role, RoleBinding, ClusterRoleBinding, ServiceAccount } from "../rbac/types.js";
import { subjectKey } from "../rbac/subjects.js";
import { describeRef } from "../audit/finding-text.js";
import { aggregationKey, missingFrom, roleRefKey, ruleKey } from "./normalize.js";

/*
 * Semantic drift between expected RBAC objects (from --expect files) and the live ones: missing
 * objects, changed rules / roleRef / aggregation / automount, and missing or extra subjects. Live
 * objects not named by the expected files are not drift (saprobe only reads the named ones).
 */

function refOf(object: RbacObject): ObjectRef {
  return object.metadata.namespace && object.kind !== "ClusterRole" && object.kind !== "ClusterRoleBinding"
    ? { kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace }
    : { kind: object.kind, name: object.metadata.name };
}

/** kind/namespace/name: how expected and live objects are paired. */
export function identityKey(object: RbacObject): string {
  const ref = refOf(object);
  return `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

function diffRoles(expected: Role | ClusterRole, live: Role | ClusterRole, object: ObjectRef): DriftItem[] {
  if (expected.kind === "ClusterRole" && expected.aggregationRule) {
    // Live rules of an aggregated role are written by the controller; the selectors are what was declared.
    const liveAggregation = (live as ClusterRole).aggregationRule;
    return aggregationKey(expected.aggregationRule) === aggregationKey(liveAggregation) && liveAggregation
      ? []
      : [
          {
            object,
            change: "changed",
            detail: `aggregationRule differs: expected ${JSON.stringify(expected.aggregationRule)}, live ${JSON.stringify(liveAggregation ?? null)}`,
          },
        ];
  }
  const lost = missingFrom(expected.rules ?? [], live.rules ?? [], ruleKey);
  const added = missingFrom(live.rules ?? [], expected.rules ?? [], ruleKey);
  if (lost.length === 0 && added.length === 0) return [];
  const parts = [...lost.map((rule) => `missing rule ${formatRule(rule)}`), ...added.map((rule) => `extra rule ${formatRule(rule)}`)];
  return [{ object, change: "changed", detail: parts.join("; ") }];
}

function diffBindings(expected: RoleBinding | ClusterRoleBinding, live: RoleBinding | ClusterRoleBinding, object: ObjectRef): DriftItem[] {
  const drift: DriftItem[] = [];
  if (roleRefKey(expected.roleRef) !== roleRefKey(live.roleRef)) {
    drift.push({
      object,
      change: "changed",
      detail: `roleRef is ${live.roleRef.kind} ${live.roleRef.name}, expected ${expected.roleRef.kind} ${expected.roleRef.name}`,
    });
  }
  const namespace = expected.kind === "RoleBinding" ? expected.metadata.namespace : undefined;
  const key = (subject: RoleBinding["subjects"][number]) => subjectKey(subject, namespace);
  for (const subject of missingFrom(expected.subjects ?? [], live.subjects ?? [], key)) {
    drift.push({ object, change: "missing-subject", detail: `${formatSubject(subject, namespace)} is expected but not bound on the server` });
  }
  for (const subject of missingFrom(live.subjects ?? [], expected.subjects ?? [], key)) {
    drift.push({ object, change: "extra-subject", detail: `${formatSubject(subject, namespace)} is bound on the server but not expected` });
  }
  return drift;
}

function diffServiceAccounts(expected: ServiceAccount, live: ServiceAccount, object: ObjectRef): DriftItem[] {
  // Only what the expected file says counts; a missing automount field means the default (true).
  if (expected.automountServiceAccountToken === undefined) return [];
  const liveValue = live.automountServiceAccountToken ?? true;
  return liveValue === expected.automountServiceAccountToken
    ? []
    : [{ object, change: "changed", detail: `automountServiceAccountToken is ${liveValue}, expected ${expected.automountServiceAccountToken}` }];
}

function diffPair(expected: RbacObject, live: RbacObject, object: ObjectRef): DriftItem[] {
  switch (expected.kind) {
    case "Role":
    case "ClusterRole":
      return diffRoles(expected, live as Role | ClusterRole, object);
    case "RoleBinding":
    case "ClusterRoleBinding":
      return diffBindings(expected, live as RoleBinding | ClusterRoleBinding, object);
    case "ServiceAccount":
      return diffServiceAccounts(expected, live as ServiceAccount, object);
  }
}

/**
 * Semantic drift: every expected object is paired with the live object of the same kind, namespace
 * and name. Server-set fields (uid, resourceVersion, managedFields, annotations), defaults (subject
 * and roleRef apiGroups, a RoleBinding's ServiceAccount namespace) and ordering are ignored.
 */
export function diffRbac(expected: RbacObject[], live: RbacObject[]): DriftItem[] {
  const liveByKey = new Map(live.map((object) => [identityKey(object), object]));
  return expected.flatMap((object) => {
    const ref = refOf(object);
    const counterpart = liveByKey.get(identityKey(object));
    if (!counterpart) return [{ object: ref, change: "missing" as const, detail: `${describeRef(ref)} is in the expected RBAC but not on the server` }];
    return diffPair(object, counterpart, ref);
  });
}
