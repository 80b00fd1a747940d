# Sourced by test/cluster/up --with-node once the control plane is ready: one node, "saprobe-node",
# on this machine. Uses: $dir $pki $server $api_port, alive(), free_port() and client_kubeconfig().
#
# - Runtime: containerd 1.6 and runc from Debian's packages, with CNI's bridge and host-local plugins
#   (containernetworking-plugins). Chosen over containerd v2 built from its Go module because it
#   installs in seconds and runs Pods on this kernel's cgroup v1; kubelet v1.37 logs that the runtime
#   lacks the RuntimeConfig call and falls back to the configured cgroup driver (v1.38 will not).
# - Everything the node writes is under $dir/node (containerd's root and state, network namespaces,
#   runc's state, the kubelet's root and Pod logs), its cgroups under /saprobe in each hierarchy, and
#   its bridge is saprobe0: test/cluster/down removes all of it.
# - Pods sit on saprobe0 (10.201.0.0/24); the node's address is the bridge's, 10.201.0.1, where
#   kube-apiserver reaches the kubelet (for logs). They reach the API server through the `kubernetes` Service's
#   address, 10.0.0.1:443, which is local on saprobe0 and served by service-proxy.mjs, a stand-in for
#   kube-proxy that forwards to kube-apiserver on 127.0.0.1 (whose certificate names 10.0.0.1).
#   No traffic leaves the machine.
# - One node per machine: the bridge, 10.0.0.1 and the /saprobe cgroups are the machine's. The
#   cluster folder that owns them is written to $owner_file; another cluster's `up --with-node`
#   then says so and starts no node, and its `down` leaves them alone.

node_name=saprobe-node
node_dir="$dir/node"
bridge=saprobe0
pod_subnet=10.201.0.0/24
node_ip=10.201.0.1 # the bridge's own address (and the Pods' gateway): kubelet refuses a loopback node IP
service_ip=10.0.0.1
cgroup_root=saprobe
owner_file=/run/saprobe-node.owner

# What a fresh CI machine lacks (it has Go, Node.js and kubectl): installed from Debian's packages.
node_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v ip >/dev/null || missing+=(iproute2)
  (( ${#missing[@]} )) || return 0
  [[ $(id -u) == 0 ]] || { echo "test/cluster/up: --with-node needs root to install ${missing[*]} (apt-get)" >&2; return 1; }
  echo "test/cluster/up: installing ${missing[*]} from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# The cgroup /saprobe in every mounted hierarchy (cpuset's CPUs and memory nodes copied from the
# root, as a new cpuset has none), for kubelet's cgroupRoot.
node_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -d "$hierarchy" ]] || continue
    mkdir -p "$hierarchy$cgroup_root"
    if [[ -f "${hierarchy}cpuset.cpus" ]]; then
      cat "${hierarchy}cpuset.cpus" > "$hierarchy$cgroup_root/cpuset.cpus"
      cat "${hierarchy}cpuset.mems" > "$hierarchy$cgroup_root/cpuset.mems"
    fi
  done
}

node_network() {
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
  fi
  ip link set "$bridge" up
  ip addr replace "$node_ip/24" dev "$bridge"
  ip addr replace "$service_ip/32" dev "$bridge"
  mkdir -p "$node_dir/cni"
  cat > "$node_dir/cni/10-saprobe.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "saprobe",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$pod_subnet" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$node_dir/cni-ipam"
      }
    }
  ]
}
CNI
}

node_containerd() {
  mkdir -p "$node_dir/containerd"
  cat > "$node_dir/containerd.toml" <<TOML
version = 2
root = "$node_dir/containerd/root"
state = "$node_dir/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$node_dir/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  netns_mounts_under_state_dir = true
  # The kubelet asks for oom_score_adj -998 for sandboxes; lowering it needs CAP_SYS_RESOURCE, which
  # root lacks on these machines (runc: "failed to update /proc/self/oom_score_adj: Permission
  # denied"). Clamped to containerd's own value instead, as for rootless containerd.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  enable_unprivileged_ports = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$node_dir/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$node_dir/runc"
        SystemdCgroup = false
TOML
  setsid nohup containerd --config "$node_dir/containerd.toml" > "$dir/containerd.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$dir/containerd.pid"
  local since
  since=$(date +%s)
  until ctr --address "$node_dir/containerd.sock" version >/dev/null 2>&1; do
    alive containerd && (( $(date +%s) - since < 30 )) || { echo "test/cluster/up: containerd did not start; see $dir/containerd.log" >&2; tail -n 20 "$dir/containerd.log" >&2; return 1; }
    sleep 0.2
  done
}

node_kubelet() {
  client_kubeconfig kubelet "system:node:$node_name" system:nodes
  if [[ ! -f "$pki/kubelet-serving.crt" ]]; then
    (
      cd "$pki"
      openssl req -newkey rsa:2048 -nodes -keyout kubelet-serving.key -out kubelet-serving.csr -subj "/CN=$node_name" 2>/dev/null
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:%s,DNS:%s\n' "$node_ip" "$node_name" > kubelet-serving.ext
      openssl x509 -req -in kubelet-serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out kubelet-serving.crt -days 3650 -extfile kubelet-serving.ext 2>/dev/null
      chmod 600 kubelet-serving.key
    )
  fi
  local kubelet_port healthz_port
  kubelet_port=$(free_port)
  healthz_port=$(free_port)
  mkdir -p "$node_dir/kubelet" "$node_dir/pod-logs"
  cat > "$node_dir/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroup v1 (v2 only at /sys/fs/cgroup/unified); kubelet v1.37 refuses it unless told.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
containerRuntimeEndpoint: unix://$node_dir/containerd.sock
address: $node_ip
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization:
  mode: Webhook
podLogsDir: $node_dir/pod-logs
failSwapOn: false
resolvConf: /etc/resolv.conf
# A shared machine: no eviction for its disk or memory, and no image garbage collection of our images.
evictionHard: { memory.available: "0%", nodefs.available: "0%", imagefs.available: "0%", nodefs.inodesFree: "0%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
protectKernelDefaults: false
serializeImagePulls: false
YAML
  setsid nohup "$kubelet_bin/kubelet" --config="$node_dir/kubelet.yaml" --kubeconfig="$dir/kubelet.kubeconfig" \
    --root-dir="$node_dir/kubelet" --hostname-override="$node_name" --node-ip="$node_ip" \
    > "$dir/kubelet.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$dir/kubelet.pid"
}

# Waits (up to 120 s) until the node reports Ready.
node_ready() {
  local since
  since=$(date +%s)
  until kubectl --kubeconfig "$dir/admin.kubeconfig" get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; do
    if ! alive kubelet || ! alive containerd; then
      echo "test/cluster/up: the node's kubelet or containerd exited; last log lines:" >&2
      tail -n 20 "$dir/kubelet.log" "$dir/containerd.log" >&2
      return 1
    fi
    (( $(date +%s) - since < 120 )) || { echo "test/cluster/up: node not Ready after 120s; see $dir/kubelet.log" >&2; return 1; }
    sleep 0.5
  done
}

# Why the node could not start, for the tests that need it (they skip with this reason) and stderr.
node_failed() {
  echo "$1" > "$dir/node-error.txt"
  echo "test/cluster/up: no node: $1" >&2
  stop_node >/dev/null 2>&1
  return 1
}

start_node() {
  rm -f "$dir/node-error.txt"
  [[ $(id -u) == 0 ]] || { node_failed "--with-node needs root (containerd, runc, cgroups, a bridge)"; return 1; }
  local owner
  owner=$(cat "$owner_file" 2>/dev/null || true)
  if [[ -n "$owner" && "$owner" != "$dir" && -f "$owner/kubelet.pid" ]] && kill -0 "$(cat "$owner/kubelet.pid")" 2>/dev/null; then
    echo "the cluster in $owner runs this machine's node (one per machine)" > "$dir/node-error.txt"
    echo "test/cluster/up: no node: the cluster in $owner runs this machine's node (one per machine)" >&2
    return 1
  fi
  echo "$dir" > "$owner_file"
  node_packages || { node_failed "could not install the node's Debian packages (apt-get failed; see above)"; return 1; }
  kubelet_bin=$("$here/build" kubelet) || { node_failed "kubelet did not build (see above)"; return 1; }
  local images
  images=$("$here/images") || { node_failed "the images did not build (see above)"; return 1; }
  pause_image=$(cat "$images/pause.name")
  mkdir -p "$node_dir"
  node_cgroups || { node_failed "could not make the cgroup /$cgroup_root"; return 1; }
  node_network || { node_failed "could not make the bridge $bridge"; return 1; }
  node_containerd || { node_failed "containerd did not start: $(tail -n 1 "$dir/containerd.log")"; return 1; }
  local archive
  for archive in pause saprobe; do
    ctr --address "$node_dir/containerd.sock" -n k8s.io images import "$images/$archive.tar" >/dev/null \
      || { node_failed "containerd could not import $images/$archive.tar"; return 1; }
  done
  setsid nohup node "$here/service-proxy.mjs" "$service_ip:443" "127.0.0.1:$api_port" > "$dir/service-proxy.log" 2>&1 < /dev/null 8>&- &
  echo $! > "$dir/service-proxy.pid"
  node_kubelet || { node_failed "kubelet did not start"; return 1; }
  node_ready || { node_failed "the node did not become Ready: $(grep -E '^E' "$dir/kubelet.log" | tail -n 1)"; return 1; }
  cat > "$dir/node.json" <<JSON
{
  "name": "$node_name",
  "containerdSocket": "$node_dir/containerd.sock",
  "kubeletRoot": "$node_dir/kubelet",
  "image": "ghcr.io/saprobe/saprobe:0.1.0",
  "pauseImage": "$pause_image"
}
JSON
  echo "test/cluster/up: node $node_name Ready (containerd $(containerd --version | awk '{print $3}'), runc $(runc --version | awk 'NR == 1 {print $3}'))"
}

node_alive() { alive containerd && alive kubelet && alive service-proxy; }

# The running control plane's address and credentials (when up finds it already running).
read_env() {
  server=$(sed -n 's/.*"server": *"\([^"]*\)".*/\1/p' "$dir/env.json")
  api_port=${server##*:}
  pki="$dir/pki"
  admin_token=$(cat "$dir/admin.token")
}

# Stops the node and removes what it left: Pods first (so the kubelet tears their sandboxes and
# network down), then the kubelet, containers, containerd and the proxy; then mounts, network
# namespaces, cgroups and the bridge. Safe to run when nothing is there.
stop_node() {
  [[ "$(cat "$owner_file" 2>/dev/null)" == "$dir" ]] || return 0
  local sock="$node_dir/containerd.sock"
  if alive kubelet && [[ -f "$dir/admin.kubeconfig" ]]; then
    kubectl --kubeconfig "$dir/admin.kubeconfig" delete pods -A --field-selector "spec.nodeName=$node_name" \
      --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    local since
    since=$(date +%s)
    while [[ -n "$(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null)" ]] && (( $(date +%s) - since < 30 )); do sleep 0.5; done
  fi
  stop kubelet
  if alive containerd; then
    local task
    for task in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$sock" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
    sleep 0.5
    for task in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$sock" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
    done
  fi
  stop containerd
  stop service-proxy
  # Shims whose tasks could not be deleted: found by this node's socket in their command line.
  local pid
  for pid in $(grep -l -a -F -- "$sock" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    kill -9 "$pid" 2>/dev/null || true
  done
  # Mounts under the node's folder (network namespaces, rootfs overlays, volumes), deepest first.
  local mount
  while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done < <(awk -v prefix="$node_dir/" 'index($5, prefix) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -d "$hierarchy$cgroup_root" ]] && find "$hierarchy$cgroup_root" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  ip link del "$bridge" 2>/dev/null || true
  # The kubelet links each container's log into /var/log/containers (not configurable): ours only.
  local link
  for link in /var/log/containers/*.log; do
    [[ -L "$link" && $(readlink "$link") == "$node_dir/"* ]] && rm -f "$link"
  done
  rm -rf "$node_dir" "$dir/node.json" "$owner_file"
}
