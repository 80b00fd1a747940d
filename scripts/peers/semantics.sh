#!/usr/bin/env bash
# Asks a real API server the questions that decide the disagreements in docs/peers.md, and prints each
# answer next to the one docs/peers.md relies on. Run against the local control plane:
#   SAPROBE_CLUSTER_NODE=0 test/cluster/up && KUBECONFIG=.cluster/admin.kubeconfig scripts/peers/semantics.sh
# It creates namespace peers-semantics and a few cluster-scoped objects named peers-*, and deletes them.
set -uo pipefail
ns=peers-semantics
failures=0
k() { kubectl "$@"; }

# SubjectAccessReview: prints true or false. Args: user verb group resource subresource namespace [name] [groups]
sar() {
  local user=$1 verb=$2 group=$3 resource=$4 sub=$5 namespace=$6 name=${7:-} groups=${8:-}
  k create -o jsonpath='{.status.allowed}' -f - <<YAML
apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: "$user"
  groups: [${groups}]
  resourceAttributes: { verb: "$verb", group: "$group", resource: "$resource", subresource: "$sub", namespace: "$namespace", name: "$name" }
YAML
}

# bind_cluster CLUSTERROLE SERVICEACCOUNT: a ClusterRoleBinding of that name, labelled for cleanup
bind_cluster() {
  k create clusterrolebinding "$1" --clusterrole "$1" --serviceaccount "$ns:$2" >/dev/null
  k label clusterrolebinding "$1" peers-semantics=1 >/dev/null
}

# expect DESCRIPTION WANTED GOT
expect() {
  local verdict=ok
  [ "$2" = "$3" ] || { verdict=DIFFERENT; failures=$((failures + 1)); }
  printf '%-9s %s: wanted %s, got %s\n' "$verdict" "$1" "$2" "$3"
}

cleanup() {
  # No kubelet confirms a deletion here, so pods are deleted at once.
  k -n $ns delete pod --all --force --grace-period=0 >/dev/null 2>&1
  k delete namespace $ns --ignore-not-found --wait=false >/dev/null 2>&1
  k delete clusterrole,clusterrolebinding,node -l peers-semantics=1 --ignore-not-found >/dev/null 2>&1
  rm -f /tmp/peers-semantics.out
}
trap cleanup EXIT
cleanup
while k get namespace $ns >/dev/null 2>&1; do sleep 1; done
k create namespace $ns >/dev/null

k apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-pods-slash-star, labels: { peers-semantics: "1" } }
rules: [{ apiGroups: [""], resources: ["pods/*"], verbs: [create, get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: peers-pods-slash-star, labels: { peers-semantics: "1" } }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: peers-pods-slash-star }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: dave }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-cluster-scoped, labels: { peers-semantics: "1" } }
rules:
  - { apiGroups: [""], resources: [nodes/proxy], verbs: [get, create] }
  - { apiGroups: [""], resources: [persistentvolumes], verbs: [create] }
  - { apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }
  - { apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: peers-cluster-scoped, namespace: peers-semantics }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: peers-cluster-scoped }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: jane }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-glob, labels: { peers-semantics: "1" } }
rules:
  - { apiGroups: [""], resources: [pods], verbs: ["c*e"] }
  - { apiGroups: [""], resources: ["p*ds"], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: peers-glob, labels: { peers-semantics: "1" } }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: peers-glob }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: eve }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-core-everything, labels: { peers-semantics: "1" } }
rules: [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: peers-core-everything, labels: { peers-semantics: "1" } }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: peers-core-everything }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: testuser }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: peers-dangling, namespace: peers-semantics }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: does-not-exist }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: ghost }]
YAML

echo "# resource/* is no pattern (kubescape portforward and exec cases)"
expect 'dave create pods/portforward' false "$(sar dave create '' pods portforward $ns)"
expect 'dave create pods/exec' false "$(sar dave create '' pods exec $ns)"
expect 'dave create "pods/*" literally' true "$(sar dave create '' pods '*' $ns)"

echo "# cluster-scoped resources through a RoleBinding (kubescape clusterrole-rolebinding cases)"
expect 'jane get nodes/proxy' false "$(sar jane get '' nodes proxy '')"
expect 'jane create persistentvolumes' false "$(sar jane create '' persistentvolumes '' '')"
expect 'jane update certificatesigningrequests/approval' false "$(sar jane update certificates.k8s.io certificatesigningrequests approval '')"
expect 'jane create mutatingwebhookconfigurations' false "$(sar jane create admissionregistration.k8s.io mutatingwebhookconfigurations '' '')"

echo "# no globbing (KICS permissive_access_to_create_pods positive1)"
expect 'eve create pods' false "$(sar eve create '' pods '' $ns)"

echo "# core * includes impersonation (Polaris explicit_apigroups, rbac-police cluster_admin)"
expect 'testuser impersonate group system:masters' true "$(sar testuser impersonate '' groups '' '' system:masters)"

echo "# a binding to a missing role grants nothing (Polaris binding_points_to_missing_ref)"
expect 'ghost get pods' false "$(sar ghost get '' pods '' $ns)"

echo "# bind is checked on roles, not on bindings (rbac-police bind_roles)"
k -n $ns create serviceaccount binder-wrong >/dev/null
k -n $ns create serviceaccount binder-right >/dev/null
k apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-bind-bindings, labels: { peers-semantics: "1" } }
rules:
  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create, bind] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: peers-bind-roles, labels: { peers-semantics: "1" } }
rules:
  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create] }
  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin] }
YAML
bind_cluster peers-bind-bindings binder-wrong
bind_cluster peers-bind-roles binder-right
bind_as() {
  k --as "system:serviceaccount:$ns:$1" create clusterrolebinding "peers-$1-escalated" --clusterrole cluster-admin \
    --serviceaccount "$ns:$1" --dry-run=server -o name 2>&1 | grep -q '^clusterrolebinding' && echo allowed || echo forbidden
}
expect 'bind on clusterrolebindings: bind cluster-admin (dry run)' forbidden "$(bind_as binder-wrong)"
expect 'bind on clusterroles: bind cluster-admin (dry run)' allowed "$(bind_as binder-right)"

echo "# user extras cannot be impersonated alone (rbac-police impersonate)"
k -n $ns create serviceaccount extras >/dev/null
k create clusterrole peers-extras --verb impersonate --resource userextras.authentication.k8s.io >/dev/null
k label clusterrole peers-extras peers-semantics=1 >/dev/null
bind_cluster peers-extras extras
server=$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')
ca=$(k config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority}')
# as SERVICEACCOUNT METHOD PATH [BODY]: one request with that ServiceAccount's token, prints the HTTP status
as() {
  local token
  token=$(k -n $ns create token "$1")
  curl -s -o /tmp/peers-semantics.out -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" -X "$2" \
    -H 'Content-Type: application/merge-patch+json' "${@:5}" "$server$3" ${4:+-d "$4"}
}
expect 'Impersonate-Extra without Impersonate-User: HTTP status (400: refused)' 400 "$(as extras GET /api/v1/namespaces/$ns/pods '' -H 'Impersonate-Extra-scopes: admin')"

echo "# get on pods/exec no longer opens exec (Polaris get_* cases)"
k -n $ns create serviceaccount getter >/dev/null
k -n $ns create role peers-get-exec --verb get --resource pods,pods/exec,pods/attach >/dev/null
k -n $ns create rolebinding peers-get-exec --role peers-get-exec --serviceaccount $ns:getter >/dev/null
k -n $ns run target --image=registry.invalid/none --restart=Never >/dev/null
out=$(k --as "system:serviceaccount:$ns:getter" -n $ns exec target -- true 2>&1)
case $out in *forbidden*) got=forbidden ;; *) got="not forbidden: $(echo "$out" | head -1)" ;; esac
expect 'exec over WebSocket with get only' forbidden "$got"

echo "# pods/status writes labels, IPs and readiness (rbac-police modify_pod_status)"
k -n $ns create serviceaccount status-writer >/dev/null
k -n $ns create role peers-pod-status --verb patch --resource pods/status >/dev/null
k -n $ns create rolebinding peers-pod-status --role peers-pod-status --serviceaccount $ns:status-writer >/dev/null
# A node object and a pod bound to it stand in for a workload running on a real node.
k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata: { name: peers-node, labels: { peers-semantics: "1" } }
---
apiVersion: v1
kind: Pod
metadata: { name: bystander, namespace: $ns, labels: { app: other } }
spec: { nodeName: peers-node, containers: [{ name: c, image: registry.invalid/none }] }
YAML
k -n $ns create service clusterip web --tcp 80:80 >/dev/null   # selects app=web
patch='{"metadata":{"labels":{"app":"web"}},"status":{"podIP":"10.0.0.99","podIPs":[{"ip":"10.0.0.99"}],"conditions":[{"type":"Ready","status":"True"}]}}'
expect 'PATCH pods/status (only permission: patch pods/status): HTTP status' 200 "$(as status-writer PATCH /api/v1/namespaces/$ns/pods/bystander/status "$patch")"
expect 'the status writer set the label app=web' web "$(k -n $ns get pod bystander -o jsonpath='{.metadata.labels.app}')"
expect 'the status writer set the pod IP' 10.0.0.99 "$(k -n $ns get pod bystander -o jsonpath='{.status.podIP}')"
expect 'the status writer may not patch the pod itself' no "$(k auth can-i patch pods -n $ns --as system:serviceaccount:$ns:status-writer 2>/dev/null)"
addresses=""
for _ in $(seq 1 10); do
  addresses=$(k -n $ns get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{.items[*].endpoints[?(@.conditions.ready==true)].addresses[*]}')
  [ -n "$addresses" ] && break
  sleep 1
done
if k -n $ns get endpointslices -l kubernetes.io/service-name=web -o name 2>/dev/null | grep -q .; then
  expect "Service web's EndpointSlice lists the chosen IP as ready" 10.0.0.99 "$addresses"
else
  echo "skipped   the EndpointSlice check: no EndpointSlice controller runs (test/cluster/up starts none; start kube-controller-manager --controllers=endpointslice-controller to see it)"
fi

echo "# unknown fields in a rule: kubectl refuses the object (KICS rbac_wildcard_in_rule configmap-modifier2)"
out=$(k apply --dry-run=server -f - 2>&1 <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: configmap-modifier2, namespace: peers-semantics }
rules:
  - { operations: [CREATE], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], verbs: [POST] }
YAML
)
case $out in *"unknown field"*) got=refused ;; *) got="accepted: $out" ;; esac
expect 'kubectl apply of a Role with operations and apiVersions in a rule' refused "$got"

echo "# subjects the API server refuses (KICS service_account_allows_access_secrets)"
refusal() {
  local out
  out=$(k apply --dry-run=server -f - 2>&1 <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: peers-refused }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [$1]
YAML
)
  case $out in *"is invalid"*) echo refused ;; *) echo "accepted: $out" ;; esac
}
expect 'a ServiceAccount subject of a ClusterRoleBinding without a namespace' refused "$(refusal '{ kind: ServiceAccount, name: testsa }')"
expect 'a subject of kind NotServiceAccount' refused "$(refusal '{ kind: NotServiceAccount, name: testsa }')"

echo "$failures answer(s) differ from docs/peers.md"
exit $((failures > 0))
