// Who is right, for every case where a peer and saprobe disagree, keyed "peer case target" as compare.mjs
// prints them. right: "peer-wrong" (the Kubernetes semantics in why decide against the peer), "scope"
// (the peer answers a different question, and why says which), or "saprobe-wrong" (a defect: compare.mjs
// exits 1 while one is recorded). docs/peers.md explains each group with what the server answered.

const GROUPS = [
  {
    right: "peer-wrong",
    why: 'RBAC has no "resource/*" pattern: "pods/*" matches only a resource literally named so, never pods/exec or pods/portforward (only "*" and "*/subresource" are patterns); SubjectAccessReview on v1.37.2 answers no',
    keys: [
      "kubescape rule-can-portforward-v1:clusterrole-clusterrolebinding Group manager",
      "kubescape rule-can-portforward-v1:clusterrole-clusterrolebinding Group dev",
      "kubescape exec-into-container-v1:clusterrole User dave",
    ],
  },
  {
    right: "peer-wrong",
    why: "nodes, persistentvolumes, certificatesigningrequests and webhook configurations are cluster-scoped: a Role, or a ClusterRole bound by a RoleBinding, grants nothing on them (the RoleBinding's namespace never matches a cluster-scoped request); SubjectAccessReview on v1.37.2 answers no",
    keys: [
      "kubescape rule-can-access-proxy-subresource:clusterrole-rolebinding User jane",
      "kubescape rule-can-access-proxy-subresource:role-rolebinding User jane",
      "kubescape rule-can-approve-cert-signing-request:clusterrole-rolebinding User jane",
      "kubescape rule-can-approve-cert-signing-request:role-rolebinding User jane",
      "kubescape rule-can-create-pv:clusterrole-rolebinding User jane",
      "kubescape rule-can-create-pv:role-rolebinding User jane",
      "kubescape rule-can-modify-admission-webhooks:clusterrole-rolebinding User jane",
      "kubescape rule-can-modify-admission-webhooks:role-rolebinding User jane",
    ],
  },
  {
    right: "peer-wrong",
    why: "a RoleBinding to cluster-admin in kube-system makes jane admin of kube-system (every Secret, a token for every controller ServiceAccount there); the manifest's narrower cluster-admin does not survive, the API server restores the bootstrap rules at start-up (no autoupdate: \"false\"); kubescape's rule looks at ClusterRoleBindings only",
    keys: ["kubescape cluster-admin-role:clusterrole-rolebinding User jane"],
  },
  {
    right: "scope",
    why: 'offline, saprobe flags jane at critical (impersonate) and 15 more rules but not as cluster-admin: "*" on the core group is not every resource of every group, and what it reaches goes through kube-system\'s controller ServiceAccounts, which manifests do not list; a live audit of the same binding on v1.37.2 reports cluster-admin-path (impersonate clusterrole-aggregation-controller, then escalate), confirmed by SubjectAccessReview',
    keys: ["kubescape rule-list-all-cluster-admins-v1:clusterrole-rolebinding User jane"],
  },
  {
    right: "scope",
    why: "kubescape's rule asks whether the workload's ServiceAccount holds an administrative (wildcard) role; this one holds every verb on every Secret of the cluster and get on every core resource (nodes/proxy included), which saprobe flags rule by rule (secrets-read, secrets-write, nodes-proxy: high); reading and writing every Secret is the takeover kubescape's sibling rule workload-with-cluster-takeover-roles looks for",
    keys: ["kubescape workload-with-administrative-roles:pass-wl-limited-permissions ServiceAccount default/default"],
  },
  {
    right: "scope",
    why: "kubescape's rule flags only takeover permissions; saprobe's broad-subject-binding flags any grant beyond discovery to every authenticated identity: here every ConfigMap of every namespace to every user and ServiceAccount",
    keys: ["kubescape system-authenticated-allowed-to-take-over-cluster:success Group system:authenticated"],
  },
  {
    right: "peer-wrong",
    why: "get on pods/exec or pods/attach no longer opens a session: since Kubernetes 1.35 the WebSocket upgrade (a GET) is authorized as create as well (checked on v1.37.2: a user with get only is refused); Polaris's comment that get suffices holds for older servers only",
    peer: "polaris",
    cases: /:failure\.get_(attach|exec|attach_and_exec)_using_/,
  },
  {
    right: "peer-wrong",
    why: 'a name is no protection: anyone who may create roles can call one "system:..." or "gce:podsecuritypolicy:calico-sa", and this one grants "*" on "*"; only the bootstrap policy\'s own roles and bindings, as the API server writes them, are defaults',
    peer: "polaris",
    cases: /:success\.(system_prefix|gce_calico)/,
  },
  {
    right: "peer-wrong",
    why: "the binding has a default's name but not a default's subject: testuser gets the role, and the API server restores the bootstrap rules of the role at start-up (its narrower definition in the file does not last), so testuser holds what the default role grants plus the file's rule",
    peer: "polaris",
    cases: /:success\.defaultclusterrolebinding_/,
  },
  {
    right: "scope",
    why: "Polaris exempts the default role's definition; saprobe judges grants, and rates the defaults as expected while they are bound as the bootstrap policy binds them; compare bound the role to User peer-probe, and giving admin or cluster-admin to a new subject is a finding",
    peer: "polaris",
    cases: /:success\.defaultclusterrole_/,
  },
  {
    right: "peer-wrong",
    why: "a binding whose role does not exist grants nothing (the authorizer skips it); saprobe reports it as binding-missing-role, low, because it becomes live when someone creates that role",
    peer: "polaris",
    cases: /:failure\.binding_points_to_missing_ref/,
  },
  {
    right: "scope",
    why: "this Polaris check follows RoleBinding -> Role only; the RoleBinding -> ClusterRole case is rolebindingClusterRolePodExecAttach's, which flags it as saprobe does",
    peer: "polaris",
    cases: /^rolebindingRolePodExecAttach:success\.role_binding_cluster_role_binding/,
  },
  {
    right: "peer-wrong",
    why: '"*" on every core resource includes impersonate on users and groups: testuser can impersonate system:masters and do anything; saprobe reports cluster-admin-path (SubjectAccessReview on v1.37.2: impersonate groups allowed)',
    peer: "polaris",
    cases: /^clusterrolebindingClusterAdmin:success\.explicit_apigroups/,
  },
  {
    right: "scope",
    why: "every verb but deletecollection on everything: saprobe rates it high under 15 rules offline and, by the project's deliberate line (fixtures/audit/rules/cluster-admin-binding/pass.yaml), not a direct grant of cluster-admin; what it reaches is a path, and a live audit of this binding on v1.37.2 reports cluster-admin-path critical (a token for clusterrole-aggregation-controller, then escalate), confirmed by SubjectAccessReview",
    peer: "polaris",
    cases: /ClusterAdmin\w*:failure\.all_verbs/,
  },
  {
    right: "peer-wrong",
    why: 'RBAC has no globbing: "c*e" is a verb and "p*ds" a resource of those names; neither lets anyone create pods (SubjectAccessReview on v1.37.2 answers no)',
    keys: [
      "kics permissive_access_to_create_pods:positive1.yaml ClusterRole secret-reader5",
      "kics permissive_access_to_create_pods:positive1.yaml ClusterRole secret-reader6",
    ],
  },
  {
    right: "peer-wrong",
    why: "create on pods in the core group is pod creation; the copy of negative1.yaml the index holds (commit 42072eda) lists it as a negative, which no version of the query's semantics supports",
    keys: ["kics permissive_access_to_create_pods:negative1.yaml ClusterRole secret-reader4"],
  },
  {
    right: "scope",
    why: "the peer asks about exec and attach, or about a direct grant of cluster-admin; saprobe also reports where the grant leads: creating pods in kube-system (or reading its token Secrets) runs as a kube-system controller ServiceAccount every cluster binds (clusterrole-aggregation-controller), which escalates a ClusterRole: a path to cluster-admin, high offline (the ServiceAccount's existence a precondition), which compare.mjs counts against every escalation rule",
    keys: [
      "polaris clusterrolePodExecAttach:success.allow_unrelated_perms.yaml ClusterRole test",
      "polaris clusterrolebindingPodExecAttach:success.allow_unrelated_perms.yaml ClusterRoleBinding test",
      "polaris clusterrolebindingClusterAdmin:success.explicit_resources.yaml ClusterRoleBinding test",
      "polaris clusterrolebindingClusterAdmin:success.explicit_verbs.yaml ClusterRoleBinding test",
    ],
  },
  {
    right: "scope",
    why: "the peer asks whether the role creates pods, and it does not; saprobe reports where it leads: get and create on Secrets cluster-wide mints a token Secret for a kube-system controller ServiceAccount every cluster binds (clusterrole-aggregation-controller) and reads it back, then escalate and update a ClusterRole: a path to cluster-admin (high offline, the ServiceAccount's existence a precondition), which compare.mjs counts against every escalation rule",
    keys: ["kics permissive_access_to_create_pods:negative1.yaml ClusterRole secret-reader2"],
  },
  {
    right: "peer-wrong",
    why: "kubectl apply refuses the Role (operations and apiVersions are not PolicyRule fields; strict field validation is kubectl's default), so it never exists; saprobe refuses it the same way and says where",
    keys: ["kics rbac_wildcard_in_rule:positive.yaml Role rbac3/configmap-modifier2"],
  },
  {
    right: "peer-wrong",
    why: "a RoleBinding's roleRef names a Role of the binding's own namespace: these bindings (in bindingTestWithBinding*) point at Roles that do not exist there, so the Roles in assembly-prod are granted to nobody; saprobe reports the bindings as binding-missing-role",
    keys: [
      "kics service_account_allows_access_secrets:positive.yaml Role assembly-prod/testRoleVulnerable",
      "kics service_account_allows_access_secrets:positive.yaml Role assembly-prod/testRoleVulnerable2",
    ],
  },
  {
    right: "peer-wrong",
    why: "a ServiceAccount subject of a ClusterRoleBinding without a namespace is refused by the API server and matches nobody; saprobe warns and reports no grant",
    keys: ["kics service_account_allows_access_secrets:positive.yaml ClusterRole testClusterRoleVulnerable"],
  },
  {
    right: "scope",
    why: "the binding's role does not exist, so it grants nothing yet; saprobe reports it as binding-missing-role (low) rather than default-serviceaccount-bound, which it reports once the role exists",
    keys: ["kics role_binding_to_default_service_account:positive.yaml RoleBinding default/read-pods"],
  },
];

/** The recorded verdict on one disagreement, by exact key or by a group's peer and case pattern. */
export function verdictFor(peer, caseId, target) {
  const key = `${peer} ${caseId} ${target}`;
  const group = GROUPS.find((entry) => entry.keys?.includes(key) || (entry.peer === peer && entry.cases?.test(caseId)));
  return group ? { right: group.right, why: group.why } : undefined;
}
