import type { ObjectRef } from "../../model/report.js";
import type { ClusterRoleBinding, PolicyRule, RoleBinding } from "../../rbac/types.js";
import { bindingRef, roleRefOf, subjectRef } from "../finding-text.js";
import type { PreparedSnapshot } from "../prepare.js";

/*
 * The identities of the attack-path graph and what each one holds: every binding subject (User,
 * Group, ServiceAccount) and every ServiceAccount object, each with the grants of its own bindings
 * and of the groups the authenticator puts it in (a ServiceAccount is in system:serviceaccounts,
 * system:serviceaccounts:NS and system:authenticated; a user in system:authenticated).
 */

/** One binding's role as held by one identity, directly or through a group it is in. */
export interface IdentityGrant {
  binding: ClusterRoleBinding | RoleBinding;
  bindingRef: ObjectRef;
  roleRef: ObjectRef;
  /** The binding subject that matched: the identity itself, or the group it inherits the grant from. */
  subject: ObjectRef;
  /** "" for a ClusterRoleBinding, else the RoleBinding's namespace (the only one it reaches). */
  namespace: string;
  rules: readonly PolicyRule[];
}

/** A node of the graph. */
export interface Identity {
  key: string;
  ref: ObjectRef;
  /** Grants whose subject is this identity. */
  own: IdentityGrant[];
  /** Keys of the groups whose grants it holds too. */
  groups: string[];
}

/** The graph's identities by key, and how to read every grant one of them holds. */
export interface IdentityTable {
  identities: Map<string, Identity>;
  /** Own grants first, then those of its groups. */
  grantsOf(identity: Identity): IdentityGrant[];
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns/name`: one key per identity. */
export function identityKey(ref: ObjectRef): string {
  return ref.kind === "ServiceAccount" ? `ServiceAccount:${ref.namespace ?? ""}/${ref.name}` : `${ref.kind}:${ref.name}`;
}

/** The groups the authenticator adds to a ServiceAccount or a user (what `userInfoFor` adds). */
function impliedGroups(ref: ObjectRef): string[] {
  if (ref.kind === "ServiceAccount") return ["system:serviceaccounts", `system:serviceaccounts:${ref.namespace ?? ""}`, "system:authenticated"].map((name) => identityKey({ kind: "Group", name }));
  if (ref.kind === "User") return [identityKey({ kind: "Group", name: "system:authenticated" })];
  return [];
}

/** Builds the identity table from a prepared snapshot: one pass over bindings, roles resolved once each. */
export function identityTable(prepared: PreparedSnapshot): IdentityTable {
  const identities = new Map<string, Identity>();
  const identityOf = (ref: ObjectRef): Identity => {
    const key = identityKey(ref);
    let identity = identities.get(key);
    if (!identity) identities.set(key, (identity = { key, ref, own: [], groups: impliedGroups(ref) }));
    return identity;
  };
  const visit = (binding: ClusterRoleBinding | RoleBinding): void => {
    const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    const resolved = prepared.resolve(binding);
    if (!resolved.ok) return;
    const bindingReference = bindingRef(binding);
    const roleReference = roleRefOf(binding);
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "User" && subject.kind !== "Group" && subject.kind !== "ServiceAccount") continue;
      // A ServiceAccount without a namespace in a ClusterRoleBinding matches nobody (upstream appliesToUser).
      if (subject.kind === "ServiceAccount" && !subject.namespace && namespace === "") continue;
      const ref = subjectRef(subject, namespace);
      identityOf(ref).own.push({ binding, bindingRef: bindingReference, roleRef: roleReference, subject: ref, namespace, rules: resolved.rules });
    }
  };
  for (const binding of prepared.snapshot.clusterRoleBindings) visit(binding);
  for (const binding of prepared.snapshot.roleBindings) visit(binding);
  for (const account of prepared.snapshot.serviceAccounts) identityOf({ kind: "ServiceAccount", name: account.metadata.name, namespace: account.metadata.namespace });
  return {
    identities,
    grantsOf(identity) {
      const inherited = identity.groups.flatMap((key) => identities.get(key)?.own ?? []);
      return inherited.length === 0 ? identity.own : [...identity.own, ...inherited];
    },
  };
}

/** Ensures an identity exists in the table (a ServiceAccount a path can reach without any binding of its own). */
export function ensureIdentity(table: IdentityTable, ref: ObjectRef): Identity {
  const key = identityKey(ref);
  let identity = table.identities.get(key);
  if (!identity) table.identities.set(key, (identity = { key, ref, own: [], groups: impliedGroups(ref) }));
  return identity;
}
