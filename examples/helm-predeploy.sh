#!/usr/bin/env bash
# Pre-deploy gate for a Helm release: render the chart exactly as it would be installed, audit the
# rendered RBAC offline, and refuse to deploy when a finding is high or critical. No cluster access
# is needed for the audit; the reports land in reports/ for the pipeline to keep.
#
#   examples/helm-predeploy.sh RELEASE CHART NAMESPACE [helm template flags...]
set -euo pipefail

release="$1"
chart="$2"
namespace="$3"
shift 3

rendered="$(mktemp --suffix=.yaml)"
trap 'rm -f "$rendered"' EXIT

helm template "$release" "$chart" --namespace "$namespace" "$@" > "$rendered"

# Exit 0: nothing at or above high. Exit 1: findings to fix first. Exit 2: the chart did not render
# to valid Kubernetes objects.
saprobe audit --manifests "$rendered" --fail-on high -o table --out reports/

helm upgrade --install "$release" "$chart" --namespace "$namespace" "$@"
