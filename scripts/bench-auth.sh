#!/usr/bin/env bash
# Measures liqoctl install and authenticate on two test clusters, and the controller manager's
# memory. Needs debug builds of the workspace binaries (the node agent runs them).
set -euo pipefail
testenv=$1 liqoctl=$2
dir=$(mktemp -d /tmp/liqo-bench-auth-XXXX)
trap '"$testenv" down --dir "$dir/env"' EXIT
"$testenv" up --dir "$dir/env" consumer provider >/dev/null
secs() { python3 -c "import time; print(time.time())"; }
for c in consumer provider; do
  start=$(secs)
  "$liqoctl" --kubeconfig "$dir/env/$c/kubeconfig" install --cluster-id "$c-id" 2>/dev/null
  printf 'install on %s: %.2f s\n' "$c" "$(python3 -c "print($(secs) - $start)")"
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
