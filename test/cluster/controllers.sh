# Sourced by test/cluster/up; once kube-apiserver is ready, start_controllers starts kube-controller-manager and
# kube-scheduler from the same build, each with a client certificate of its own (as kubeadm does), and
# waits until the controllers have done what the tests rely on: the `default` ServiceAccount and the
# `kube-root-ca.crt` ConfigMap in the `default` namespace.
#
# The controllers are the ones saprobe's tests and the deploy/ Job meet in a real cluster, not all of
# them (this machine is shared): ServiceAccounts and their legacy token Secrets, the root CA publisher,
# namespace deletion, ClusterRole aggregation, Jobs, CronJobs, TTL after finished, garbage collection
# and Pod garbage collection, and node lifecycle (for the node of --with-node). Each controller uses its own ServiceAccount's credentials, as by default.
# Uses: $dir $pki $bin $server $admin_token, alive() and free_port() from up.

controllers="serviceaccount-token-controller,serviceaccount-controller,root-ca-certificate-publisher-controller"
controllers+=",namespace-controller,clusterrole-aggregation-controller,job-controller,cronjob-controller"
controllers+=",ttl-after-finished-controller,garbage-collector-controller,pod-garbage-collector-controller"
# Takes the node.kubernetes.io/not-ready taint off a node once its kubelet reports Ready.
controllers+=",node-lifecycle-controller"

# A client certificate $pki/$1.crt (CN=$2, O=$3 if given) signed by the cluster CA; kept across restarts.
client_certificate() {
  local name=$1 cn=$2 org=${3:-}
  [[ -f "$pki/$name.crt" ]] && return 0
  (
    cd "$pki"
    openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn${org:+/O=$org}" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days 3650 -extfile client.ext 2>/dev/null
    chmod 600 "$name.key"
  )
}

# A kubeconfig $dir/$1.kubeconfig for the client certificate of client_certificate (same arguments).
client_kubeconfig() {
  local name=$1
  client_certificate "$@"
  (umask 077; cat > "$dir/$name.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: saprobe-local
  cluster:
    server: $server
    certificate-authority: $pki/ca.crt
users:
- name: $name
  user:
    client-certificate: $pki/$name.crt
    client-key: $pki/$name.key
contexts:
- name: saprobe-local
  context:
    cluster: saprobe-local
    user: $name
current-context: saprobe-local
KUBECONFIG
  )
}

# Waits (up to $2 seconds) until the admin sees $1 (an API path), or a process has exited.
await_object() {
  local path=$1 limit=$2 since
  since=$(date +%s)
  until curl -sf --max-time 3 --cacert "$dir/ca.crt" -H "Authorization: Bearer $admin_token" "$server$path" >/dev/null 2>&1; do
    if ! alive kube-controller-manager || ! alive kube-scheduler; then
      echo "test/cluster/up: a controller exited during start-up; last log lines:" >&2
      tail -n 20 "$dir/kube-controller-manager.log" "$dir/kube-scheduler.log" >&2
      return 1
    fi
    if (( $(date +%s) - since > limit )); then
      echo "test/cluster/up: $path not made by the controllers after ${limit}s; see $dir/kube-controller-manager.log" >&2
      return 1
    fi
    sleep 0.3
  done
}

start_controllers() {
  client_kubeconfig kube-controller-manager system:kube-controller-manager
  client_kubeconfig kube-scheduler system:kube-scheduler
  local kcm_port scheduler_port
  kcm_port=$(free_port)
  scheduler_port=$(free_port)
  while [[ "$scheduler_port" == "$kcm_port" ]]; do scheduler_port=$(free_port); done
  # Serving on 127.0.0.1 and a free port (the defaults, 10257 and 10259 on every address, would clash
  # between clusters on one machine); the serving certificates are self-signed in $pki/serving.
  setsid nohup "$bin/kube-controller-manager" \
    --kubeconfig="$dir/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$pki/serving" \
    --controllers="$controllers" \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$pki/sa.key" \
    --root-ca-file="$pki/ca.crt" \
    --leader-elect=false \
    > "$dir/kube-controller-manager.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$dir/kube-controller-manager.pid"
  setsid nohup "$bin/kube-scheduler" \
    --kubeconfig="$dir/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$scheduler_port" --cert-dir="$pki/serving" \
    --leader-elect=false \
    > "$dir/kube-scheduler.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$dir/kube-scheduler.pid"
  await_object /api/v1/namespaces/default/serviceaccounts/default 90 || exit 1
  await_object /api/v1/namespaces/default/configmaps/kube-root-ca.crt 90 || exit 1
}
