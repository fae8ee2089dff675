#!/usr/bin/env bash
# Measures liqoctl install, network connect and authenticate on two test clusters on a test
# network, and the memory of the controller managers and gateways. Needs debug builds of the
# workspace binaries (the node agent runs them).
set -euo pipefail
testenv=$1 liqoctl=$2
dir=$(mktemp -d /tmp/liqo-bench-auth-XXXX)
trap '"$testenv" down --dir "$dir/env"' EXIT
"$testenv" up --dir "$dir/env" --network --pod-cidr consumer=10.243.0.0/16 --pod-cidr provider=10.244.0.0/16 consumer provider >/dev/null
secs() { python3 -c "import time; print(time.time())"; }
for c in consumer provider; do
  start=$(secs)
  cidr=$([ "$c" = consumer ] && echo 10.243.0.0/16 || echo 10.244.0.0/16)
  "$liqoctl" --kubeconfig "$dir/env/$c/kubeconfig" install --cluster-id "$c-id" --pod-cidr "$cidr" 2>/dev/null
  printf 'install on %s: %.2f s\n' "$c" "$(python3 -c "print($(secs) - $start)")"
done
for run in "first run" "re-run, no change"; do
  start=$(secs)
  "$liqoctl" --kubeconfig "$dir/env/consumer/kubeconfig" network connect --wait --remote-kubeconfig "$dir/env/provider/kubeconfig" 2>/dev/null
  printf 'network connect --wait (%s): %.2f s\n' "$run" "$(python3 -c "print($(secs) - $start)")"
done
start=$(secs)
"$liqoctl" --kubeconfig "$dir/env/consumer/kubeconfig" authenticate --remote-kubeconfig "$dir/env/provider/kubeconfig" 2>/dev/null
printf 'authenticate (first run): %.2f s\n' "$(python3 -c "print($(secs) - $start)")"
start=$(secs)
"$liqoctl" --kubeconfig "$dir/env/consumer/kubeconfig" authenticate --remote-kubeconfig "$dir/env/provider/kubeconfig" 2>/dev/null
printf 'authenticate (re-run, no change): %.2f s\n' "$(python3 -c "print($(secs) - $start)")"
for pid in $(pgrep -f 'debug/liqo-controller-manager'); do
  printf 'controller-manager pid %s RSS %d MiB\n' "$pid" $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))
done
for pid in $(pgrep -f 'debug/liqo-gateway'); do
  printf 'gateway pid %s RSS %d MiB\n' "$pid" $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))
done
