import type { SourceLocation } from "../model/report.js";

/**
 * Kubernetes RBAC objects as saprobe reads them (rbac.authorization.k8s.io/v1 and core/v1
 * ServiceAccount), after validation. Only the fields that matter for authorization are typed.
 */

/** A policy rule, exactly as written in a Role or ClusterRole. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A label selector (metav1.LabelSelector). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** Metadata saprobe keeps. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
}

/** A binding subject. `kind` is case-sensitive, as the authorizer reads it. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** A binding's reference to a role. */
export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

export interface Role {
  kind: "Role";
  metadata: ObjectMeta & { namespace: string };
  rules: PolicyRule[];
  source?: SourceLocation;
}

export interface ClusterRole {
  kind: "ClusterRole";
  metadata: ObjectMeta;
  rules: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
  source?: SourceLocation;
}

export interface RoleBinding {
  kind: "RoleBinding";
  metadata: ObjectMeta & { namespace: string };
  subjects: Subject[];
  roleRef: RoleRef;
  source?: SourceLocation;
}

export interface ClusterRoleBinding {
  kind: "ClusterRoleBinding";
  metadata: ObjectMeta;
  subjects: Subject[];
  roleRef: RoleRef;
  source?: SourceLocation;
}

export interface ServiceAccount {
  kind: "ServiceAccount";
  metadata: ObjectMeta & { namespace: string };
  automountServiceAccountToken?: boolean;
  secrets?: { name: string }[];
  source?: SourceLocation;
}

/** Any RBAC-relevant object. */
export type RbacObject = Role | ClusterRole | RoleBinding | ClusterRoleBinding | ServiceAccount;

/** A set of RBAC objects: from manifests, from the live cluster, or the bootstrap defaults. */
export interface RbacSnapshot {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  serviceAccounts: ServiceAccount[];
}

/** The authenticated user an authorization question is about. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** The request attributes RBAC sees (authorizer.Attributes). */
export type RequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      apiGroup: string;
      resource: string;
      subresource?: string;
      name?: string;
      /** "" for cluster-scoped and all-namespaces requests. */
      namespace: string;
    }
  | { resourceRequest: false; verb: string; path: string };
