import type { ObjectRef } from "../../model/report.js";
import type { PolicyRule, RbacSnapshot, RoleBinding } from "../../rbac/types.js";
import { edgesOf, type Edge, type EdgeContext } from "./edges.js";
import type { IdentityGrant } from "./grants.js";
import { Q } from "./questions.js";
import { grantSource, intersectReach, type Evidence, type PermissionSource, type Reach } from "./reach.js";

/*
 * Granting oneself more, then using it: an identity that may create RoleBindings and `bind` a role
 * binds that role to itself; one that may `escalate` and update a role it is bound to grows it into a
 * full wildcard. Either way it stays the same identity with more permissions, so the gain is modelled
 * as the grants it would then hold ("planned": not on the server yet), and every edge only those
 * grants give starts with the self-grant as a hop of its own. Checked on kube-apiserver v1.37.2: a
 * user with `create rolebindings` and `bind clusterroles "edit"` in a namespace binds edit to itself
 * there and then creates pods as it; the same user without `bind` is refused the binding.
 *
 * Bindings to cluster-admin power through a ClusterRoleBinding, and escalating a ClusterRole bound
 * cluster-wide, lead to power outright (edges.ts); this module covers the rest: RoleBindings of any
 * role, ClusterRoleBindings of lesser roles, roles bound in a namespace.
 */

/** A role a self-grant can give, with its (aggregated) rules. */
export interface BindableRole {
  ref: ObjectRef;
  rules: readonly PolicyRule[];
}

/** The roles of a snapshot by name, for the bind checks. */
export interface RoleLookup {
  clusterRole(name: string): BindableRole | undefined;
  role(namespace: string, name: string): BindableRole | undefined;
  /** Every Role of a namespace ("" every namespace). */
  rolesIn(namespace: string): readonly BindableRole[];
}

/** The role lookup of a (prepared) snapshot; its tables are built on first use. */
export function roleLookupOf(snapshot: RbacSnapshot): RoleLookup {
  let clusterRoles: Map<string, BindableRole> | undefined;
  let roles: Map<string, BindableRole[]> | undefined;
  const clusterTable = (): Map<string, BindableRole> =>
    (clusterRoles ??= new Map(
      snapshot.clusterRoles.map((role) => [role.metadata.name, { ref: { kind: "ClusterRole", name: role.metadata.name }, rules: role.rules ?? [] }]),
    ));
  const roleTable = (): Map<string, BindableRole[]> => {
    if (roles) return roles;
    roles = new Map();
    for (const role of snapshot.roles) {
      const { name, namespace } = role.metadata;
      const entry = { ref: { kind: "Role", name, namespace }, rules: role.rules ?? [] };
      const list = roles.get(namespace);
      if (list) list.push(entry);
      else roles.set(namespace, [entry]);
    }
    return roles;
  };
  return {
    clusterRole: (name) => clusterTable().get(name),
    role: (namespace, name) =>
      roleTable()
        .get(namespace)
        ?.find((role) => role.ref.name === name),
    rolesIn: (namespace) => (namespace === "" ? [...roleTable().values()].flat() : (roleTable().get(namespace) ?? [])),
  };
}

/** What an identity would hold after granting itself more, and the hop that grants it. */
interface Gain {
  grant: IdentityGrant;
  edge: Edge;
}

const WILDCARD: PolicyRule = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };
const RBAC_GROUP = "rbac.authorization.k8s.io";

/** Reaches a create can use: resourceNames never allow a create (the request has no name yet). */
const unnamed = (reaches: readonly Reach[]): Reach[] => reaches.filter((reach) => !reach.names);

function describeRole(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** The grant a RoleBinding (namespace given) or ClusterRoleBinding ("" and not namespaced) it creates would give. */
function plannedBinding(ref: ObjectRef, role: BindableRole, namespace: string, namespacedOnly: boolean): IdentityGrant {
  const kind = namespace !== "" || namespacedOnly ? "RoleBinding" : "ClusterRoleBinding";
  const binding: RoleBinding = {
    kind: "RoleBinding",
    metadata: { name: "(one it creates)", namespace },
    subjects: [{ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) }],
    roleRef: { apiGroup: RBAC_GROUP, kind: role.ref.kind, name: role.ref.name },
  };
  return {
    binding,
    bindingRef: { kind, name: "(one it creates)", ...(namespace ? { namespace } : {}) },
    roleRef: role.ref,
    subject: ref,
    namespace,
    rules: role.rules,
    planned: true,
    ...(namespacedOnly ? { namespacedOnly: true } : {}),
  };
}

/** Roles a `bind` reach allows binding in `namespace`: the names given, or (no names) every one. */
function bindable(question: (typeof Q.bindInNamespace)[number], bind: Reach, namespace: string, roles: RoleLookup): readonly BindableRole[] {
  if (question.resource === "clusterroles")
    // Any ClusterRole: cluster-admin's rules cover every other's.
    return (bind.names ?? ["cluster-admin"]).flatMap((name) => roles.clusterRole(name) ?? []);
  return bind.names
    ? bind.names.flatMap((name) => (namespace === "" ? roles.rolesIn("").filter((role) => role.ref.name === name) : (roles.role(namespace, name) ?? [])))
    : roles.rolesIn(namespace);
}

function bindGains(source: PermissionSource, roles: RoleLookup, adminRoles: ReadonlySet<string>): Gain[] {
  const gains: Gain[] = [];
  const ref = source.ref;
  // A RoleBinding: `create rolebindings` and `bind` on the role, both in the binding's namespace.
  for (const create of unnamed(source.reach(Q.createRoleBinding))) {
    for (const question of Q.bindInNamespace) {
      for (const bind of source.unrestricted.reach(question)) {
        const both = intersectReach({ namespace: create.namespace, evidence: create.evidence }, { namespace: bind.namespace, evidence: bind.evidence });
        if (!both) continue;
        for (const role of bindable(question, bind, both.namespace, roles)) {
          const namespace = role.ref.namespace ?? both.namespace;
          gains.push({
            grant: plannedBinding(ref, role, namespace, namespace === ""),
            edge: selfEdge("bind-self", `create rolebindings and bind ${describeRole(role.ref)} to itself`, both.evidence, role.ref, namespace),
          });
        }
      }
    }
  }
  // A ClusterRoleBinding of a lesser ClusterRole (one with cluster-admin power is edges.ts's `bind`).
  for (const create of unnamed(source.reach(Q.createClusterBinding))) {
    for (const bind of source.unrestricted.reach(Q.bindClusterRole)) {
      for (const name of bind.names ?? []) {
        const role = adminRoles.has(name) ? undefined : roles.clusterRole(name);
        if (role)
          gains.push({
            grant: plannedBinding(ref, role, "", false),
            edge: selfEdge(
              "bind-self",
              `create clusterrolebindings and bind ${describeRole(role.ref)} to itself`,
              [...create.evidence, ...bind.evidence],
              role.ref,
              "",
            ),
          });
      }
    }
  }
  return gains;
}

/** Whether some reach allows the role's name where the grant is (names absent = any). */
function allowsRole(reaches: readonly Reach[], name: string, namespace: string): Reach | undefined {
  return reaches.find((reach) => (reach.namespace === "" || reach.namespace === namespace) && (!reach.names || reach.names.includes(name)));
}

/** Roles bound to the identity in a namespace that it may escalate and update: they can become a full wildcard there. */
function escalateGains(source: PermissionSource, grants: readonly IdentityGrant[]): Gain[] {
  const gains: Gain[] = [];
  for (const grant of grants) {
    if (grant.namespace === "" || grant.planned) continue;
    const { roleRef } = grant;
    // A Role is namespaced (escalate roles there); a ClusterRole is cluster-scoped even when a RoleBinding binds it.
    const role = roleRef.kind === "Role";
    const escalate = allowsRole(source.unrestricted.reach(role ? Q.escalateRole : Q.escalateClusterRole), roleRef.name, grant.namespace);
    if (!escalate) continue;
    for (const question of role ? Q.writeRole : Q.writeClusterRole) {
      const write = allowsRole(source.reach(question), roleRef.name, grant.namespace);
      if (!write) continue;
      gains.push({
        grant: { ...grant, rules: [WILDCARD], planned: true },
        edge: selfEdge(
          "escalate-self",
          `escalate and ${question.verb} ${describeRole(roleRef)}, bound to it,`,
          [...escalate.evidence, ...write.evidence],
          roleRef,
          grant.namespace,
        ),
      });
      break;
    }
  }
  return gains;
}

function selfEdge(kind: string, permission: string, evidence: Evidence[], role: ObjectRef, namespace: string): Edge {
  return { kind, permission, target: { kind: "self" }, evidence, grantsRole: role, ...(namespace ? { inNamespace: namespace } : {}) };
}

/**
 * The edges an identity has only after granting itself more: each starts with the self-grant
 * (`grantFirst`). Constrained impersonation edges are left out (the impersonator's side is not grown).
 */
export function grownEdges(source: PermissionSource, grants: readonly IdentityGrant[], roles: RoleLookup, context: EdgeContext): Edge[] {
  if (source.unrestricted !== source) return [];
  const gains = [...bindGains(source, roles, context.adminRoles), ...escalateGains(source, grants)];
  if (gains.length === 0) return [];
  const byGrant = new Map(gains.map((gain) => [gain.grant, gain]));
  const grown = grantSource(source.ref, [...grants, ...gains.map((gain) => gain.grant)]);
  const edges: Edge[] = [];
  for (const edge of edgesOf(grown, context)) {
    if (edge.constrained) continue;
    const used = [...new Set(edge.evidence.flatMap((evidence) => byGrant.get(evidence.grant) ?? []))];
    const [first, ...more] = used;
    if (!first) continue;
    const grantFirst =
      more.length === 0
        ? first.edge
        : { ...first.edge, permission: used.map((gain) => gain.edge.permission).join("; "), evidence: used.flatMap((gain) => gain.edge.evidence) };
    edges.push({ ...edge, grantFirst });
  }
  return edges;
}
