import { hasHostAccess } from "./pod-host-access.js";
import { podSecretNames } from "./pod-secrets.js";
import { enforcedLevel, POD_SECURITY_ENFORCE } from "../../model/pod-security.js";
import type { ClusterRole, ClusterRoleBinding, ObjectMeta, PolicyRule, RbacSnapshot, Role, RoleBinding, ServiceAccount } from "../../rbac/types.js";

/*
 * Objects from the API server -> the RBAC engine's types. The server has validated and defaulted
 * them already; only `null` lists (which the API returns for empty rules and subjects) need care.
 */

type Raw = Record<string, unknown>;

function metaOf(raw: Raw): ObjectMeta {
  const metadata = (raw.metadata ?? {}) as Raw;
  const meta: ObjectMeta = { name: String(metadata.name ?? "") };
  if (typeof metadata.namespace === "string") meta.namespace = metadata.namespace;
  if (metadata.labels && typeof metadata.labels === "object") meta.labels = metadata.labels as Record<string, string>;
  if (metadata.annotations && typeof metadata.annotations === "object") meta.annotations = metadata.annotations as Record<string, string>;
  if (typeof metadata.uid === "string") meta.uid = metadata.uid;
  return meta;
}

const rulesOf = (raw: Raw): PolicyRule[] => (Array.isArray(raw.rules) ? (raw.rules as PolicyRule[]) : []);
const subjectsOf = (raw: Raw): RoleBinding["subjects"] => (Array.isArray(raw.subjects) ? (raw.subjects as RoleBinding["subjects"]) : []);

/** The lists a live audit read, as one snapshot. */
export function snapshotFromLists(lists: {
  roles: Raw[];
  clusterRoles: Raw[];
  roleBindings: Raw[];
  clusterRoleBindings: Raw[];
  serviceAccounts: Raw[];
}): RbacSnapshot {
  return {
    roles: lists.roles.map((raw): Role => ({ kind: "Role", metadata: metaOf(raw) as Role["metadata"], rules: rulesOf(raw) })),
    clusterRoles: lists.clusterRoles.map((raw): ClusterRole => {
      const role: ClusterRole = { kind: "ClusterRole", metadata: metaOf(raw), rules: rulesOf(raw) };
      if (raw.aggregationRule && typeof raw.aggregationRule === "object") role.aggregationRule = raw.aggregationRule as ClusterRole["aggregationRule"];
      return role;
    }),
    roleBindings: lists.roleBindings.map(
      (raw): RoleBinding => ({
        kind: "RoleBinding",
        metadata: metaOf(raw) as RoleBinding["metadata"],
        subjects: subjectsOf(raw),
        roleRef: raw.roleRef as RoleBinding["roleRef"],
      }),
    ),
    clusterRoleBindings: lists.clusterRoleBindings.map(
      (raw): ClusterRoleBinding => ({
        kind: "ClusterRoleBinding",
        metadata: metaOf(raw),
        subjects: subjectsOf(raw),
        roleRef: raw.roleRef as ClusterRoleBinding["roleRef"],
      }),
    ),
    serviceAccounts: lists.serviceAccounts.map((raw): ServiceAccount => ({ kind: "ServiceAccount", metadata: metaOf(raw) as ServiceAccount["metadata"] })),
  };
}

/** A listed object without what the audit never reads and can be large: managedFields, last-applied annotations. */
export function withoutBulk(item: Raw): Raw {
  const metadata = { ...((item.metadata ?? {}) as Raw) };
  delete metadata.managedFields;
  if (metadata.annotations && typeof metadata.annotations === "object") {
    const annotations = { ...(metadata.annotations as Record<string, string>) };
    delete annotations[LAST_APPLIED];
    metadata.annotations = annotations;
  }
  return { ...item, metadata };
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * What a snapshot keeps of a listed Role, ClusterRole, binding or ServiceAccount: exactly the fields
 * `snapshotFromLists` reads. Applied to each item as its page arrives, so the rest (managedFields,
 * last-applied annotations) is garbage at once instead of being copied and kept until the audit ends.
 */
export function snapshotFieldsOnly(item: Raw): Raw {
  const metadata = (item.metadata ?? {}) as Raw;
  const kept: Raw = { name: metadata.name };
  if (metadata.namespace !== undefined) kept.namespace = metadata.namespace;
  if (metadata.labels !== undefined) kept.labels = metadata.labels;
  if (metadata.uid !== undefined) kept.uid = metadata.uid;
  if (metadata.annotations && typeof metadata.annotations === "object") {
    const annotations = metadata.annotations as Record<string, string>;
    kept.annotations = LAST_APPLIED in annotations ? Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== LAST_APPLIED)) : annotations;
  }
  const object: Raw = { metadata: kept };
  for (const field of ["rules", "subjects", "roleRef", "aggregationRule"]) if (item[field] !== undefined) object[field] = item[field];
  return object;
}

/** What the audit keeps of a pod: its namespace, ServiceAccount name, node (else its phase) and the kinds of its owners. */
export function podServiceAccountOnly(pod: Raw): Raw {
  const metadata = (pod.metadata ?? {}) as Raw;
  const spec = (pod.spec ?? {}) as Raw;
  const bound = typeof spec.nodeName === "string" && spec.nodeName !== "";
  // Not bound yet: whether it has finished says whether the scheduler may still bind it (future-pods.ts).
  const phase = bound ? undefined : ((pod.status ?? {}) as Raw).phase;
  const owners = Array.isArray(metadata.ownerReferences) ? (metadata.ownerReferences as Raw[]).map((owner) => ({ kind: owner.kind })) : undefined;
  const secretNames = podSecretNames(pod);
  return {
    metadata: { name: metadata.name, namespace: metadata.namespace, ...(owners ? { ownerReferences: owners } : {}) },
    spec: { serviceAccountName: spec.serviceAccountName, ...(bound ? { nodeName: spec.nodeName } : {}) },
    ...(typeof phase === "string" ? { status: { phase } } : {}),
    // Not a pod field: the Secrets it refers to, read once here (pod-secrets.ts), for the token Secrets among them.
    ...(secretNames.containers.length > 0 || secretNames.node.length > 0 ? { secretNames } : {}),
    // Not a pod field either: a privileged container or a hostPath onto the node's credentials (pod-host-access.ts).
    ...(hasHostAccess(pod) ? { hostAccess: true } : {}),
  };
}

const WORKLOAD_OF_OWNER: Record<string, string> = {
  ReplicaSet: "replicasets",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  Job: "jobs",
  ReplicationController: "replicationcontrollers",
};

/** `namespace/resource` of every workload kind that owns a pod (a workload an update can re-template). */
export function podWorkloads(pods: readonly Raw[]): Set<string> {
  const kinds = new Set<string>();
  for (const pod of pods) {
    const metadata = (pod.metadata ?? {}) as Raw;
    for (const owner of Array.isArray(metadata.ownerReferences) ? (metadata.ownerReferences as Raw[]) : []) {
      const resource = WORKLOAD_OF_OWNER[String(owner.kind)];
      if (resource && typeof metadata.namespace === "string") kinds.add(`${metadata.namespace}/${resource}`);
    }
  }
  return kinds;
}

const TOKEN_OWNER = "kubernetes.io/service-account.name";

/** What the audit keeps of a legacy token Secret (read as metadata only): its namespace and ServiceAccount. */
export function tokenSecretOnly(secret: Raw): Raw {
  const metadata = (secret.metadata ?? {}) as Raw;
  const annotations = (metadata.annotations ?? {}) as Record<string, unknown>;
  return { metadata: { name: metadata.name, namespace: metadata.namespace, annotations: { [TOKEN_OWNER]: annotations[TOKEN_OWNER] } } };
}

/** The ServiceAccount of every legacy token Secret, by `namespace/secret`. */
export function tokenSecretOwners(secrets: readonly Raw[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const secret of secrets) {
    const metadata = (secret.metadata ?? {}) as Raw;
    const owner = ((metadata.annotations ?? {}) as Record<string, unknown>)[TOKEN_OWNER];
    if (typeof owner === "string" && owner && typeof metadata.namespace === "string" && typeof metadata.name === "string")
      owners.set(`${metadata.namespace}/${metadata.name}`, owner);
  }
  return owners;
}

/** `namespace/name` of every ServiceAccount a legacy token Secret belongs to, from tokenSecretOwners' map. */
export function tokenSecretServiceAccounts(owners: ReadonlyMap<string, string>): Set<string> {
  const accounts = new Set<string>();
  for (const [secret, owner] of owners) accounts.add(`${secret.slice(0, secret.indexOf("/"))}/${owner}`);
  return accounts;
}

/** `namespace/name` of the ServiceAccount a pod runs as (`default` when the pod names none), or undefined without a namespace. */
function serviceAccountOf(pod: Raw): string | undefined {
  const namespace = metaOf(pod).namespace;
  const spec = (pod.spec ?? {}) as Raw;
  const name = typeof spec.serviceAccountName === "string" && spec.serviceAccountName ? spec.serviceAccountName : "default";
  return namespace ? `${namespace}/${name}` : undefined;
}

/** `namespace/name` of the ServiceAccount every pod runs as (`default` when the pod names none). */
export function podServiceAccounts(pods: readonly Raw[]): Set<string> {
  const used = new Set<string>();
  for (const pod of pods) {
    const account = serviceAccountOf(pod);
    if (account) used.add(account);
  }
  return used;
}

/** The nodes (spec.nodeName) each ServiceAccount's pods are bound to, by `namespace/name`: what the Node authorizer lets each node mint tokens for. */
export function podNodes(pods: readonly Raw[]): Map<string, Set<string>> {
  const nodes = new Map<string, Set<string>>();
  for (const pod of pods) {
    const node = ((pod.spec ?? {}) as Raw).nodeName;
    const account = serviceAccountOf(pod);
    if (typeof node !== "string" || !node || !account) continue;
    const set = nodes.get(account);
    if (set) set.add(node);
    else nodes.set(account, new Set([node]));
  }
  return nodes;
}

/** What the audit keeps of a namespace: its name and the Pod Security level it enforces. */
export function namespaceLevelOnly(namespace: Raw): Raw {
  const metadata = (namespace.metadata ?? {}) as Raw;
  const level = enforcedLevel(metadata.labels);
  return { metadata: { name: metadata.name, ...(level ? { labels: { [POD_SECURITY_ENFORCE]: level } } : {}) } };
}

/** The Pod Security level each namespace enforces, by name ("" when it sets none: the cluster default applies). */
export function podSecurityLevels(namespaces: readonly Raw[]): Map<string, string> {
  const levels = new Map<string, string>();
  for (const namespace of namespaces) {
    const metadata = (namespace.metadata ?? {}) as Raw;
    if (typeof metadata.name === "string") levels.set(metadata.name, enforcedLevel(metadata.labels));
  }
  return levels;
}
