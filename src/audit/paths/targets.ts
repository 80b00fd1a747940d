import type { ObjectRef, Severity } from "../../model/report.js";

/*
 * High-value identities short of cluster-admin: the kube-system ServiceAccounts kube-controller-manager
 * runs its controllers as (with --use-service-account-credentials, as kubeadm sets it), each bound by the
 * bootstrap policy to a ClusterRole `system:controller:<name>`. What each can do was asked of
 * kube-apiserver v1.37.2 with SubjectAccessReviews (`kubectl auth can-i --as`), and
 * test/audit/paths/targets.test.ts holds every claim against the bootstrap policy's roles. A target
 * counts where the audited RBAC binds it to its role (live, or offline with the default policy added).
 */

/** One high-value identity: what it can do, and how serious reaching it is. */
export interface HighValueTarget {
  ref: ObjectRef;
  /** The bootstrap ClusterRole that gives it the power (none for the node identity: its authorizer does). */
  clusterRole?: string;
  /** What gives it the power when no ClusterRole does, in words. */
  grantedBy?: string;
  severity: Severity;
  /** What it can do, completing "which ...". */
  can: string;
  /** Requests its role allows (checked against the bootstrap policy by the test): `verb resource[.group]` in any namespace. */
  allows: readonly string[];
}

const controller = (name: string, severity: Severity, can: string, allows: readonly string[]): HighValueTarget => ({
  ref: { kind: "ServiceAccount", name, namespace: "kube-system" },
  clusterRole: `system:controller:${name}`,
  severity,
  can,
  allows,
});

const RUNS_PODS = "creates pods in every namespace, so it runs code as any ServiceAccount";

/** The high-value identities, most powerful first. */
export const HIGH_VALUE_TARGETS: readonly HighValueTarget[] = [
  controller("clusterrole-aggregation-controller", "critical", "escalates and updates every ClusterRole, so it can give any role every permission", [
    "escalate clusterroles.rbac.authorization.k8s.io",
    "update clusterroles.rbac.authorization.k8s.io",
  ]),
  controller("generic-garbage-collector", "critical", "reads every Secret and patches or deletes any object (pods, workloads, webhooks, bindings)", [
    "get secrets",
    "patch pods",
    "patch mutatingwebhookconfigurations.admissionregistration.k8s.io",
    "delete clusterrolebindings.rbac.authorization.k8s.io",
  ]),
  controller("namespace-controller", "high", "reads every object, Secrets included, and deletes any object or namespace", [
    "list secrets",
    "delete pods",
    "delete namespaces",
  ]),
  controller("replicaset-controller", "high", RUNS_PODS, ["create pods"]),
  controller("replication-controller", "high", RUNS_PODS, ["create pods"]),
  controller("daemon-set-controller", "high", RUNS_PODS, ["create pods"]),
  controller("statefulset-controller", "high", RUNS_PODS, ["create pods"]),
  controller("job-controller", "high", RUNS_PODS, ["create pods"]),
  controller("persistent-volume-binder", "high", RUNS_PODS, ["create pods"]),
  controller("deployment-controller", "high", "creates ReplicaSets and updates pods in every namespace, so it runs code as any ServiceAccount", [
    "create replicasets.apps",
    "update pods",
  ]),
  controller("cronjob-controller", "high", "creates Jobs in every namespace, so it runs code as any ServiceAccount", ["create jobs.batch"]),
];

/**
 * Any node's identity: user `system:node:<name>` in group `system:nodes`. The Node authorizer (kubeadm's
 * `--authorization-mode=Node,RBAC`), not RBAC, gives it its power, and NodeRestriction admission keeps it
 * to the objects of its own node: reaching it is reaching every ServiceAccount whose pods run there. It
 * counts in every audit (nothing in RBAC says whether the authorizer is on; a missed path is the worse error).
 */
export const NODE_TARGET: HighValueTarget = {
  ref: { kind: "Node", name: "system:node:*" },
  grantedBy: "the Node authorizer and NodeRestriction admission",
  severity: "high",
  can: "reads the Secrets, ConfigMaps, PersistentVolumeClaims and ServiceAccount tokens of every pod bound to its node and creates mirror pods there, so it acts as every ServiceAccount whose pods run (or can be scheduled) on it",
  allows: ["get secrets", "get configmaps", "get persistentvolumeclaims", "create serviceaccounts/token", "create pods"],
};

/** The user and group a node's identity must have for the Node authorizer (both: a user alone is not a node). */
export const NODE_USER_PREFIX = "system:node:";
/** The group of every node. */
export const NODES_GROUP = "system:nodes";
