import type { ObjectRef } from "../../model/report.js";
import type { ClusterRoleBinding, PolicyRule, RoleBinding, Subject } from "../../rbac/types.js";
import { bindingRef, roleRefOf } from "../finding-text.js";
import type { PreparedSnapshot } from "../prepare.js";
import { roleLookupOf, type RoleLookup } from "./self-grant.js";

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
  /** A grant the identity can give itself (self-grant.ts), not on the server yet. */
  planned?: boolean;
  /** With namespace "": a RoleBinding it can create in any namespace (no cluster-scoped request). */
  namespacedOnly?: boolean;
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
  /** False when users and ServiceAccounts none of whose grants matter were left out. */
  complete: boolean;
  /** The identity of a User, Group or ServiceAccount, added when it is not there yet. */
  ensure(ref: ObjectRef): Identity;
  /** The snapshot's roles by name (what a self-grant can bind). */
  roles: RoleLookup;
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns/name`: one key per identity. */
export function identityKey(ref: ObjectRef): string {
  return ref.kind === "ServiceAccount" ? `ServiceAccount:${ref.namespace ?? ""}/${ref.name}` : `${ref.kind}:${ref.name}`;
}

const NO_GROUPS: string[] = [];
const USER_GROUPS = [identityKey({ kind: "Group", name: "system:authenticated" })];
/** A node's identity is in group system:nodes (the Node authorizer asks it) as well. */
const NODE_GROUPS = [identityKey({ kind: "Group", name: "system:nodes" }), ...USER_GROUPS];
/** One list per namespace, shared by its ServiceAccounts (nothing writes to it). */
const accountGroups = new Map<string, string[]>();

/** The groups the authenticator adds to a ServiceAccount or a user (what `userInfoFor` adds), and a node's. */
function impliedGroups(ref: ObjectRef): string[] {
  if (ref.kind === "User") return USER_GROUPS;
  if (ref.kind === "Node") return NODE_GROUPS;
  if (ref.kind !== "ServiceAccount") return NO_GROUPS;
  const namespace = ref.namespace ?? "";
  let groups = accountGroups.get(namespace);
  if (!groups)
    accountGroups.set(
      namespace,
      (groups = ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"].map((name) => identityKey({ kind: "Group", name }))),
    );
  return groups;
}

/** Users and ServiceAccounts to keep in the table (every group is kept). */
interface Wanted {
  has(kind: string, name: string, namespace: string): boolean;
}

/** Groups the authenticator puts users or ServiceAccounts in: a grant to one reaches identities no binding names. */
function isImpliedGroup(name: string): boolean {
  return name === "system:authenticated" || name === "system:serviceaccounts" || name.startsWith("system:serviceaccounts:");
}

/**
 * The users and ServiceAccounts some binding whose role `matters` names, or undefined (keep everyone)
 * when such a binding is to a group they are in implicitly. A user or ServiceAccount none of whose
 * grants matters (nor its implied groups') can neither take an edge nor be reached, so leaving it out
 * changes no route; those kept keep every grant, in order, and their order among themselves.
 */
function wantedSubjects(prepared: PreparedSnapshot, matters: (rules: readonly PolicyRule[], namespace: string) => boolean): Wanted | undefined {
  const users = new Set<string>();
  const accounts = new Map<string, Set<string>>();
  for (const bindings of [prepared.snapshot.clusterRoleBindings, prepared.snapshot.roleBindings] as const) {
    for (const binding of bindings) {
      const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
      const resolved = prepared.resolve(binding);
      if (!resolved.ok || !matters(resolved.rules, namespace)) continue;
      for (const subject of binding.subjects ?? []) {
        if (subject.kind === "Group" && isImpliedGroup(subject.name)) return undefined;
        if (subject.kind === "User") users.add(subject.name);
        else if (subject.kind === "ServiceAccount") {
          const where = subject.namespace || namespace;
          let names = accounts.get(where);
          if (!names) accounts.set(where, (names = new Set()));
          names.add(subject.name);
        }
      }
    }
  }
  return { has: (kind, name, namespace) => kind === "Group" || (kind === "User" ? users.has(name) : (accounts.get(namespace)?.has(name) ?? false)) };
}

/** Whether a binding (in `namespace`, "" cluster-wide) names a wanted subject: a loop, asked of every binding of a big cluster. */
function namesWanted(wanted: Wanted, subjects: readonly Subject[], namespace: string): boolean {
  for (const subject of subjects) if (wanted.has(subject.kind, subject.name, subject.namespace || namespace)) return true;
  return false;
}

/**
 * Builds the identity table from a prepared snapshot: one pass over bindings, roles resolved once each.
 * Identities are found by kind, namespace and name in maps keyed by the objects' own strings (a key
 * made per binding subject would be hashed anew each time: most of the cost on a big cluster). With
 * `matters`, users and ServiceAccounts no grant of which matters are left out (see wantedSubjects).
 */
export function identityTable(prepared: PreparedSnapshot, matters?: (rules: readonly PolicyRule[], namespace: string) => boolean): IdentityTable {
  const wanted = matters ? wantedSubjects(prepared, matters) : undefined;
  const identities = new Map<string, Identity>();
  // Node: node identities the path analysis adds (analysis.ts, high-value.ts); no binding names them.
  const byKind = { User: new Map<string, Identity>(), Group: new Map<string, Identity>(), Node: new Map<string, Identity>() };
  const accounts = new Map<string, Map<string, Identity>>();
  const identityOf = (kind: "User" | "Group" | "Node" | "ServiceAccount", name: string, namespace: string): Identity => {
    let named: Map<string, Identity> | undefined;
    if (kind === "ServiceAccount") {
      named = accounts.get(namespace);
      if (!named) accounts.set(namespace, (named = new Map()));
    } else named = byKind[kind];
    let identity = named.get(name);
    if (!identity) {
      const ref: ObjectRef = kind === "ServiceAccount" && namespace ? { kind, name, namespace } : { kind, name };
      const key = identityKey(ref);
      identity = { key, ref, own: [], groups: impliedGroups(ref) };
      named.set(name, identity);
      identities.set(key, identity);
    }
    return identity;
  };
  const visit = (binding: ClusterRoleBinding | RoleBinding): void => {
    const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    if (wanted && !namesWanted(wanted, binding.subjects ?? [], namespace)) return;
    const resolved = prepared.resolve(binding);
    if (!resolved.ok) return;
    const bindingReference = bindingRef(binding);
    const roleReference = roleRefOf(binding);
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "User" && subject.kind !== "Group" && subject.kind !== "ServiceAccount") continue;
      // A ServiceAccount without a namespace in a ClusterRoleBinding matches nobody (upstream appliesToUser).
      if (subject.kind === "ServiceAccount" && !subject.namespace && namespace === "") continue;
      if (wanted && !wanted.has(subject.kind, subject.name, subject.namespace || namespace)) continue;
      const identity =
        subject.kind === "ServiceAccount" ? identityOf(subject.kind, subject.name, subject.namespace || namespace) : identityOf(subject.kind, subject.name, "");
      identity.own.push({ binding, bindingRef: bindingReference, roleRef: roleReference, subject: identity.ref, namespace, rules: resolved.rules });
    }
  };
  for (const binding of prepared.snapshot.clusterRoleBindings) visit(binding);
  for (const binding of prepared.snapshot.roleBindings) visit(binding);
  for (const account of prepared.snapshot.serviceAccounts)
    if (!wanted || wanted.has("ServiceAccount", account.metadata.name, account.metadata.namespace))
      identityOf("ServiceAccount", account.metadata.name, account.metadata.namespace);
  return {
    identities,
    complete: wanted === undefined,
    roles: roleLookupOf(prepared.snapshot),
    grantsOf(identity) {
      // Most identities' groups (system:serviceaccounts, ...) have no grant: nothing is allocated for them.
      let grants: IdentityGrant[] | undefined;
      for (const key of identity.groups) {
        const inherited = identities.get(key)?.own;
        if (inherited && inherited.length > 0) grants = [...(grants ?? identity.own), ...inherited];
      }
      return grants ?? identity.own;
    },
    ensure(ref) {
      return identityOf(ref.kind as "User" | "Group" | "Node" | "ServiceAccount", ref.name, ref.namespace ?? "");
    },
  };
}

/** Ensures an identity exists in the table (a ServiceAccount a path can reach without any binding of its own). */
export function ensureIdentity(table: IdentityTable, ref: ObjectRef): Identity {
  return table.ensure(ref);
}
