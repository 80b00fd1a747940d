import type { ObjectRef } from "../../model/report.js";
import type { PolicyRule, RbacSnapshot, RoleBinding } from "../../rbac/types.js";
import { describeRef } from "../../model/report.js";
import { edgesOf, writableClusterBinding, type Edge, type EdgeContext } from "./edges.js";
import type { IdentityGrant } from "./grants.js";
import { holdsEverything } from "./power.js";
import { Q } from "./questions.js";
import { grantAsks } from "./relevance.js";
import { grantSource, meetNamespaces, unnamed, type Evidence, type PermissionSource, type Question, type Reach } from "./reach.js";

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

/** A RoleBinding that exists, by name and namespace. */
interface ExistingBinding {
  name: string;
  namespace: string;
}

/** The roles and bindings of a snapshot by name, for the bind checks. */
export interface RoleLookup {
  clusterRole(name: string): BindableRole | undefined;
  role(namespace: string, name: string): BindableRole | undefined;
  /** Every Role of a namespace ("" every namespace). */
  rolesIn(namespace: string): readonly BindableRole[];
  /** The names of the ClusterRoleBindings of a ClusterRole; `cluster-admin`'s own always (the API server reconciles it). */
  clusterBindingsTo(roleName: string): readonly string[];
  /** The RoleBindings of a role in a namespace ("" every namespace). */
  roleBindingsTo(role: ObjectRef, namespace: string): readonly ExistingBinding[];
}

const ADMIN = "cluster-admin";

/** The role lookup of a (prepared) snapshot; its tables are built on first use. */
export function roleLookupOf(snapshot: RbacSnapshot): RoleLookup {
  let clusterRoles: Map<string, BindableRole> | undefined;
  let roles: Map<string, BindableRole[]> | undefined;
  let clusterBindings: Map<string, string[]> | undefined;
  let roleBindings: Map<string, ExistingBinding[]> | undefined;
  const clusterTable = (): Map<string, BindableRole> =>
    (clusterRoles ??= new Map(
      snapshot.clusterRoles.map((role) => [role.metadata.name, { ref: { kind: "ClusterRole", name: role.metadata.name }, rules: role.rules ?? [] }]),
    ));
  const roleTable = (): Map<string, BindableRole[]> => {
    if (roles) return roles;
    roles = new Map();
    for (const role of snapshot.roles) {
      const { name, namespace } = role.metadata;
      push(roles, namespace, { ref: { kind: "Role", name, namespace }, rules: role.rules ?? [] });
    }
    return roles;
  };
  const clusterBindingTable = (): Map<string, string[]> => {
    if (clusterBindings) return clusterBindings;
    clusterBindings = new Map([[ADMIN, [ADMIN]]]);
    for (const binding of snapshot.clusterRoleBindings)
      if (binding.roleRef.kind === "ClusterRole" && binding.metadata.name !== ADMIN) push(clusterBindings, binding.roleRef.name, binding.metadata.name);
    return clusterBindings;
  };
  const roleBindingTable = (): Map<string, ExistingBinding[]> => {
    if (roleBindings) return roleBindings;
    roleBindings = new Map();
    for (const binding of snapshot.roleBindings)
      push(roleBindings, `${binding.roleRef.kind}/${binding.roleRef.name}`, { name: binding.metadata.name, namespace: binding.metadata.namespace });
    return roleBindings;
  };
  return {
    clusterRole: (name) => clusterTable().get(name),
    role: (namespace, name) =>
      roleTable()
        .get(namespace)
        ?.find((role) => role.ref.name === name),
    rolesIn: (namespace) => (namespace === "" ? [...roleTable().values()].flat() : (roleTable().get(namespace) ?? [])),
    clusterBindingsTo: (roleName) => clusterBindingTable().get(roleName) ?? [],
    roleBindingsTo: (role, namespace) =>
      (roleBindingTable().get(`${role.kind}/${role.name}`) ?? []).filter(
        (binding) => (namespace === "" || binding.namespace === namespace) && (!role.namespace || binding.namespace === role.namespace),
      ),
  };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What an identity would hold after granting itself more, and the hop that grants it. */
interface Gain {
  grant: IdentityGrant;
  edge: Edge;
}

const WILDCARD: PolicyRule = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };
const RBAC_GROUP = "rbac.authorization.k8s.io";
const NEW_BINDING = "(one it creates)";

/** How the identity writes a binding of a role: creates one, or adds itself to one that exists (named by the request). */
interface BindingWrite {
  namespace: string;
  permission: string;
  evidence: Evidence[];
  bindingName?: string;
}

/** A RoleBinding of `role` it can write in `namespace` ("" any), or undefined. */
function roleBindingWrite(source: PermissionSource, role: BindableRole, namespace: string, roles: RoleLookup): BindingWrite | undefined {
  for (const create of unnamed(source.reach(Q.createRoleBinding))) {
    const where = meetNamespaces(create.namespace, namespace);
    if (where !== undefined) return { namespace: where, permission: "create rolebindings", evidence: create.evidence };
  }
  for (const question of Q.writeRoleBinding) {
    for (const write of source.reach(question)) {
      const where = meetNamespaces(write.namespace, namespace);
      if (where === undefined) continue;
      const existing = roles.roleBindingsTo(role.ref, where).find((binding) => !write.names || write.names.includes(binding.name));
      if (existing)
        return {
          namespace: existing.namespace,
          permission: `${question.verb} RoleBinding ${existing.namespace}/${existing.name} (adding itself)`,
          evidence: write.evidence,
          bindingName: existing.name,
        };
    }
  }
  return undefined;
}

/** A ClusterRoleBinding of a lesser ClusterRole it can write, or undefined. */
function clusterBindingWrite(source: PermissionSource, role: BindableRole, roles: RoleLookup): BindingWrite | undefined {
  const create = unnamed(source.reach(Q.createClusterBinding))[0];
  if (create) return { namespace: "", permission: "create clusterrolebindings", evidence: create.evidence };
  const write = writableClusterBinding(source, roles.clusterBindingsTo(role.ref.name));
  return (
    write && { namespace: "", permission: `${write.verb} ClusterRoleBinding ${write.name} (adding itself)`, evidence: write.evidence, bindingName: write.name }
  );
}

/** The grant a binding it writes would give: a RoleBinding (namespace given, or "" any namespace) or a ClusterRoleBinding. */
function plannedBinding(ref: ObjectRef, role: BindableRole, write: BindingWrite, cluster: boolean): IdentityGrant {
  const { namespace } = write;
  const name = write.bindingName ?? NEW_BINDING;
  const binding: RoleBinding = {
    kind: "RoleBinding",
    metadata: { name, namespace },
    subjects: [{ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) }],
    roleRef: { apiGroup: RBAC_GROUP, kind: role.ref.kind, name: role.ref.name },
  };
  return {
    binding,
    bindingRef: { kind: cluster ? "ClusterRoleBinding" : "RoleBinding", name, ...(namespace ? { namespace } : {}) },
    roleRef: role.ref,
    subject: ref,
    namespace,
    rules: role.rules,
    planned: true,
    ...(!cluster && namespace === "" ? { namespacedOnly: true } : {}),
  };
}

/** Roles a `bind` reach allows binding: the names given, or (no names) every one; ClusterRoles: cluster-admin's rules cover every other's. */
function bindable(question: Question, bind: Reach, roles: RoleLookup): readonly BindableRole[] {
  if (question.resource === "clusterroles") return (bind.names ?? [ADMIN]).flatMap((name) => roles.clusterRole(name) ?? []);
  return bind.names
    ? bind.names.flatMap((name) =>
        bind.namespace === "" ? roles.rolesIn("").filter((role) => role.ref.name === name) : (roles.role(bind.namespace, name) ?? []),
      )
    : roles.rolesIn(bind.namespace);
}

function bindGain(ref: ObjectRef, role: BindableRole, write: BindingWrite, bind: Reach, cluster: boolean): Gain {
  return {
    grant: plannedBinding(ref, role, write, cluster),
    edge: selfEdge(
      "bind-self",
      `${write.permission} and bind ${describeRef(role.ref)} to itself`,
      [...write.evidence, ...bind.evidence],
      role.ref,
      write.namespace,
      write.bindingName,
    ),
  };
}

function bindGains(source: PermissionSource, roles: RoleLookup, adminRoles: ReadonlySet<string>): Gain[] {
  const gains: Gain[] = [];
  // A RoleBinding: written in a namespace where it may also bind the role (the bind check is namespaced).
  for (const question of Q.bindInNamespace) {
    for (const bind of source.unrestricted.reach(question)) {
      for (const role of bindable(question, bind, roles)) {
        const write = roleBindingWrite(source, role, meetNamespaces(bind.namespace, role.ref.namespace ?? "") ?? bind.namespace, roles);
        if (write) gains.push(bindGain(source.ref, role, write, bind, false));
      }
    }
  }
  // A ClusterRoleBinding of a lesser ClusterRole (one with cluster-admin power is edges.ts's `bind`).
  for (const bind of source.unrestricted.reach(Q.bindClusterRole)) {
    for (const name of bind.names ?? []) {
      const role = adminRoles.has(name) ? undefined : roles.clusterRole(name);
      const write = role && clusterBindingWrite(source, role, roles);
      if (role && write) gains.push(bindGain(source.ref, role, write, bind, true));
    }
  }
  return gains;
}

/**
 * A role it creates with any rules (`escalate` lets a create hold what its author does not), then binds
 * to itself (`bind` on that name, or any): everything in a namespace, through a Role or a RoleBinding of
 * a ClusterRole; a ClusterRoleBinding of such a ClusterRole is cluster-admin power (`created`, returned
 * as an edge of its own). Checked on v1.37.2: the create's escalate check carries no name, so only an
 * `escalate` without resourceNames lets it (one limited to the role's name is refused); `bind` may name it.
 */
function createdRoleGains(source: PermissionSource, roles: RoleLookup): { gains: Gain[]; power: Edge[] } {
  const gains: Gain[] = [];
  const power: Edge[] = [];
  const [bindClusterRoles, bindRoles] = Q.bindInNamespace.map((question) => source.unrestricted.reach(question)) as [Reach[], Reach[]];
  const kinds = [
    { kind: "Role", creates: unnamed(source.reach(Q.createRole)), escalates: unnamed(source.unrestricted.reach(Q.escalateRole)), binds: bindRoles },
    {
      kind: "ClusterRole",
      creates: unnamed(source.reach(Q.createClusterRole)),
      escalates: unnamed(source.unrestricted.reach(Q.escalateClusterRole)),
      binds: bindClusterRoles,
    },
  ];
  for (const { kind, creates, escalates, binds } of kinds) {
    for (const create of creates.slice(0, 1)) {
      for (const escalate of escalates) {
        const where = meetNamespaces(create.namespace, escalate.namespace);
        if (where === undefined) continue;
        for (const bind of binds) {
          const namespace = kind === "Role" ? meetNamespaces(where, bind.namespace) : bind.namespace;
          const name = bind.names?.[0] ?? "";
          if (namespace === undefined) continue;
          const role: BindableRole = { ref: { kind, name, ...(kind === "Role" && namespace ? { namespace } : {}) }, rules: [WILDCARD] };
          const write = roleBindingWrite(source, role, namespace, roles);
          if (!write) continue;
          const made = `create ${kind} ${name || "(any name)"} with any rules (escalate) and`;
          gains.push({
            grant: plannedBinding(source.ref, role, write, false),
            edge: selfEdge(
              "bind-self",
              `${made} ${write.permission} binding it to itself`,
              [...create.evidence, ...escalate.evidence, ...write.evidence, ...bind.evidence],
              role.ref,
              write.namespace,
            ),
          });
        }
        // A ClusterRoleBinding of a ClusterRole made so: power outright.
        if (kind === "ClusterRole") {
          const createBinding = unnamed(source.reach(Q.createClusterBinding))[0];
          const bind = createBinding && source.unrestricted.reach(Q.bindClusterRole)[0];
          if (createBinding && bind && power.length === 0) {
            const name = bind.names?.[0] ?? "";
            power.push({
              kind: "bind",
              permission: `create ClusterRole ${name || "(any name)"} with any rules (escalate) and a ClusterRoleBinding of it`,
              target: { kind: "power" },
              evidence: [...create.evidence, ...escalate.evidence, ...createBinding.evidence, ...bind.evidence],
              grantsRole: { kind: "ClusterRole", name },
            });
          }
        }
      }
    }
  }
  return { gains, power };
}

/** Whether some reach allows the role's name where the grant is (names absent = any). */
function allowsRole(reaches: readonly Reach[], name: string, namespace: string): Reach | undefined {
  return reaches.find((reach) => (reach.namespace === "" || reach.namespace === namespace) && (!reach.names || reach.names.includes(name)));
}

/** Roles bound to the identity in a namespace that it may escalate and update: they can become a full wildcard there. */
function escalateGains(source: PermissionSource, grants: readonly IdentityGrant[]): Gain[] {
  const gains: Gain[] = [];
  // A Role is namespaced (escalate roles there); a ClusterRole is cluster-scoped even when a RoleBinding binds it.
  const escalates = { Role: source.unrestricted.reach(Q.escalateRole), ClusterRole: source.unrestricted.reach(Q.escalateClusterRole) };
  if (escalates.Role.length === 0 && escalates.ClusterRole.length === 0) return gains;
  const writes = { Role: Q.writeRole.map((question) => source.reach(question)), ClusterRole: Q.writeClusterRole.map((question) => source.reach(question)) };
  for (const grant of grants) {
    if (grant.namespace === "" || grant.planned) continue;
    const { roleRef } = grant;
    const kind = roleRef.kind === "Role" ? "Role" : "ClusterRole";
    const escalate = allowsRole(escalates[kind], roleRef.name, grant.namespace);
    if (!escalate) continue;
    const questions = kind === "Role" ? Q.writeRole : Q.writeClusterRole;
    for (const [position, question] of questions.entries()) {
      const write = allowsRole(writes[kind][position] ?? [], roleRef.name, grant.namespace);
      if (!write) continue;
      gains.push({
        grant: { ...grant, rules: [WILDCARD], planned: true },
        edge: selfEdge(
          "escalate-self",
          `escalate and ${question.verb} ${describeRef(roleRef)}, bound to it,`,
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

function selfEdge(kind: string, permission: string, evidence: Evidence[], role: ObjectRef, namespace: string, bindingName?: string): Edge {
  return {
    kind,
    permission,
    target: { kind: "self" },
    evidence,
    grantsRole: role,
    ...(namespace ? { inNamespace: namespace } : {}),
    ...(bindingName ? { bindingName } : {}),
  };
}

/**
 * Whether a gained grant can add an edge: its role asks an edge's question (most roles of a cluster
 * ask none), and the identity does not already hold everything where it would be bound.
 */
function worthIt(gain: IdentityGrant, grants: readonly IdentityGrant[]): boolean {
  const scope = gain.namespace === "" && gain.namespacedOnly ? "(every namespace)" : gain.namespace;
  if (!grantAsks(gain.rules, scope, true)) return false;
  return !grants.some((grant) => (grant.namespace === "" || grant.namespace === gain.namespace) && holdsEverything(grant.rules));
}

/**
 * The edges an identity has only after granting itself more: each starts with the self-grant
 * (`grantFirst`). Constrained impersonation edges are left out (the impersonator's side is not grown).
 */
export function grownEdges(source: PermissionSource, grants: readonly IdentityGrant[], roles: RoleLookup, context: EdgeContext): Edge[] {
  // One who holds every verb on everything cluster-wide has nothing to gain (and is a holder anyway).
  if (source.unrestricted !== source || grants.some((grant) => grant.namespace === "" && holdsEverything(grant.rules))) return [];
  const created = createdRoleGains(source, roles);
  const gains = [...bindGains(source, roles, context.adminRoles), ...escalateGains(source, grants), ...created.gains].filter((gain) =>
    worthIt(gain.grant, grants),
  );
  if (gains.length === 0) return created.power;
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
  return [...created.power, ...edges];
}
