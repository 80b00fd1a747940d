// kubescape/regolibrary: every rule has test/<case>/input/*.yaml|json and expected.json, the list of
// alerts its Rego raises (empty: the case passes). An RBAC alert names the subject it is about.
import { objectsOf } from "../judge.mjs";

/** Peer rule -> the saprobe rules that say the same thing. */
export const RULES = {
  "cluster-admin-role": ["cluster-admin-binding"],
  "rule-list-all-cluster-admins-v1": ["cluster-admin-binding"],
  "rule-can-list-get-secrets-v1": ["secrets-read"],
  "rule-can-create-pod": ["workload-create"],
  "rule-can-portforward-v1": ["pods-portforward"],
  "exec-into-container-v1": ["pods-exec"],
  "rule-can-impersonate-users-groups-v1": ["impersonate"],
  "rule-can-bind-escalate": ["rbac-bind-escalate"],
  "rule-can-access-proxy-subresource": ["nodes-proxy"],
  "rule-can-approve-cert-signing-request": ["csr-approve"],
  "rule-can-create-pv": ["persistentvolume-create"],
  "rule-can-create-service-account-token": ["serviceaccount-token-create"],
  "rule-can-modify-admission-webhooks": ["admission-webhook-write"],
  "rule-can-update-configmap-v1": ["configmap-write-kube-system"],
  "rule-excessive-delete-rights-v1": ["destructive-delete"],
  "rule-can-delete-k8s-events-v1": ["events-delete"],
  "system-authenticated-allowed-to-take-over-cluster": ["broad-subject-binding"],
  "ensure-default-service-accounts-has-only-default-roles": ["default-serviceaccount-bound"],
  "rule-access-dashboard-subject-v1": ["*"],
  // These two alert on a workload whose ServiceAccount holds the roles; the target is that account.
  "workload-with-cluster-takeover-roles": ["*"],
  "workload-with-administrative-roles": ["*"],
};

/** Where this peer's snapshot lives under the mirror root, and how to bring it there. */
export const SOURCE = { mirror: "kubescape+regolibrary/repo", fetch: "github:kubescape/regolibrary" };

/** The peer's cases: one expectation per subject it alerts on, or one "nobody flagged" per passing case. */
export function cases(source) {
  const out = [];
  for (const [rule, saprobeRules] of Object.entries(RULES)) {
    const files = source.list(`rules/${rule}/test/`);
    const caseDirs = [...new Set(files.filter((f) => f.endsWith("/expected.json")).map((f) => f.slice(0, -"/expected.json".length)))];
    for (const dir of caseDirs) {
      const inputs = files.filter((f) => f.startsWith(`${dir}/input/`)).map((name) => ({ name, text: source.read(name) }));
      const alerts = JSON.parse(source.read(`${dir}/expected.json`) || "[]") ?? [];
      const subjects = alerts.map((alert) => alert.alertObject?.externalObjects).filter((subject) => subject?.kind);
      const workload = rule.startsWith("workload-with-") ? workloadAccount(inputs) : undefined;
      const expectations = workload
        ? [{ target: workload, flagged: alerts.length > 0 }]
        : subjects.length
          ? subjects.map((s) => ({ target: { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) }, flagged: true }))
          : subjectsIn(inputs).map((target) => ({ target, flagged: false }));
      out.push({ id: dir.replace(/^rules\//, "").replace("/test/", ":"), peerRule: rule, saprobeRules, files: inputs, expectations });
    }
  }
  return out;
}

function subjectsIn(files) {
  const subjects = files.flatMap((file) => objectsOf(file.text)).flatMap((o) => (o.kind?.endsWith("Binding") ? (o.subjects ?? []) : []));
  const seen = new Map(
    subjects.map((s) => [`${s.kind}/${s.namespace ?? ""}/${s.name}`, { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) }]),
  );
  return seen.size ? [...seen.values()] : [{ kind: "*", name: "any" }];
}

/** The ServiceAccount the case's workload runs as (its pod template's serviceAccountName, else default). */
function workloadAccount(files) {
  const workload = files
    .flatMap((file) => objectsOf(file.text))
    .find((o) => ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"].includes(o.kind));
  if (!workload) return undefined;
  const spec =
    workload.kind === "Pod" ? workload.spec : workload.kind === "CronJob" ? workload.spec?.jobTemplate?.spec?.template?.spec : workload.spec?.template?.spec;
  return { kind: "ServiceAccount", name: spec?.serviceAccountName ?? "default", namespace: workload.metadata?.namespace ?? "default" };
}
