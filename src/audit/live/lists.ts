import { listed } from "../../kube/list-all.js";

/** Everything a live audit reads, in the order it reads it (with src/kube/list-all.ts's reader). */
export const AUDIT_READS = {
  clusterRoles: listed("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole"),
  roles: listed("rbac.authorization.k8s.io", "v1", "roles", "Role"),
  clusterRoleBindings: listed("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding"),
  roleBindings: listed("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
  serviceAccounts: listed("", "v1", "serviceaccounts", "ServiceAccount"),
  pods: listed("", "v1", "pods", "Pod"),
  certificateSigningRequests: listed("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest"),
  // Legacy token Secrets, metadata only (their tokens never arrive): which ServiceAccounts they belong to.
  tokenSecrets: listed("", "v1", "secrets", "Secret", { query: { fieldSelector: "type=kubernetes.io/service-account-token" }, metadataOnly: true }),
  // Namespaces, metadata only: the Pod Security level each enforces (whether a privileged pod may run there).
  namespaces: listed("", "v1", "namespaces", "Namespace", { metadataOnly: true }),
  // CronJobs: the ServiceAccount of the next pod each runs, which the scheduler binds to some node.
  cronJobs: listed("batch", "v1", "cronjobs", "CronJob"),
  // Nodes, metadata only: the nodes a pod creator may pin a privileged pod to, whether or not a pod is bound to them.
  nodes: listed("", "v1", "nodes", "Node", { metadataOnly: true }),
} as const;
