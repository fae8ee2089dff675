#!/usr/bin/env bash
# Measures the pod path at scale on two peered test clusters: a Deployment of PODS (default
# 100) demo pods on the consumer's own node, then the same Deployment in a namespace offloaded
# to the provider (remote-only pods through the virtual node). For each, the time from
# `kubectl apply` until `kubectl rollout status` reports every replica available (Running and
# Ready as the consumer sees it); the ratio offloaded/local (goal <= 1.2); the virtual
# kubelet's VmRSS at rest and with the pods offloaded (goal <= 50 MiB).
# Needs debug builds of the workspace binaries (the node agent runs them) and .testenv/bin.
# Any failure stops the run naming the step, with a non-zero exit.
set -euo pipefail
testenv=$(realpath "$1") liqoctl=$(realpath "$2") kubectl=$(realpath "$3")
pods=${PODS:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/liqo-bench-pods-XXXX)
cleanup() {
  "$testenv" down --dir "$dir/env" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
fail() { # step, log file
  echo "bench-pods: FAILED: $1" >&2
  [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/  | /' "$2" >&2
  exit 1
}
c="$dir/env/consumer/kubeconfig" p="$dir/env/provider/kubeconfig"
"$testenv" up --dir "$dir/env" --network --pod-cidr consumer=10.243.0.0/16 \
  --pod-cidr provider=10.244.0.0/16 consumer provider > "$dir/up.log" 2>&1 || fail "testenv up" "$dir/up.log"
for side in consumer provider; do
  cidr=10.243.0.0/16; [ "$side" = provider ] && cidr=10.244.0.0/16
  "$liqoctl" --kubeconfig "$dir/env/$side/kubeconfig" install --cluster-id "$side-id" --pod-cidr "$cidr" \
    > "$dir/install-$side.log" 2>&1 || fail "liqoctl install ($side)" "$dir/install-$side.log"
done
"$liqoctl" --kubeconfig "$c" peer --remote-kubeconfig "$p" > "$dir/peer.log" 2>&1 || fail "liqoctl peer" "$dir/peer.log"

vk_rss_mib() { # VmRSS of the virtual kubelet, MiB
  local pid
  pid=$(pgrep -x virtual-kubelet | head -1)
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"
}

# The demo app (scripts/demo/web.yaml) with $pods replicas in namespace $1, without its
# readiness probe: a test node agent probing 100 pods every second on a small machine measures
# the agent, not the pod path (Ready = every container started).
deployment() {
  sed -e "s/namespace: demo/namespace: $1/" -e "s/replicas: 3/replicas: $pods/" \
    -e '/readinessProbe:/,/periodSeconds:/d' "$root/scripts/demo/web.yaml"
}

# Seconds from apply to every replica available, in namespace $1.
rollout() {
  local start end
  start=$(date +%s.%N)
  deployment "$1" | "$kubectl" --kubeconfig "$c" apply -f - > "$dir/apply-$1.log" 2>&1 || fail "apply ($1)" "$dir/apply-$1.log"
  "$kubectl" --kubeconfig "$c" -n "$1" rollout status deployment/web --timeout=600s \
    > "$dir/rollout-$1.log" 2>&1 || fail "rollout ($1)" "$dir/rollout-$1.log"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

remove() { # the Deployment of namespace $1, waiting until its pods are gone
  "$kubectl" --kubeconfig "$c" -n "$1" delete deployment web --wait > /dev/null
  "$kubectl" --kubeconfig "$c" -n "$1" wait --for=delete pod -l app=web --timeout=300s > /dev/null 2>&1 || true
}

"$kubectl" --kubeconfig "$c" create namespace local-bench > /dev/null
local_s=$(rollout local-bench)
remove local-bench

rest=$(vk_rss_mib)
"$kubectl" --kubeconfig "$c" create namespace offload-bench > /dev/null
"$liqoctl" --kubeconfig "$c" offload namespace offload-bench --pod-offloading-strategy Remote \
  > "$dir/offload.log" 2>&1 || fail "liqoctl offload namespace" "$dir/offload.log"
remote_s=$(rollout offload-bench)
loaded=$(vk_rss_mib)
remove offload-bench

echo "pods: $pods"
echo "local node:    all Running and Ready in ${local_s} s"
echo "virtual node:  all Running and Ready in ${remote_s} s"
python3 -c "print(f'ratio offloaded/local: {$remote_s / $local_s:.2f} (goal <= 1.2)')"
echo "virtual kubelet VmRSS: ${rest} MiB at rest, ${loaded} MiB with $pods pods (goal <= 50 MiB)"
