#!/usr/bin/env bash
# Measures `liqoctl peer` and `liqoctl unpeer --delete-namespaces` on two warm test clusters
# (networks on, Liqo installed on both, one unmeasured peer/unpeer cycle first), over RUNS
# cycles (default 5): p50 and p90 of each command's wall time, and the API requests one peer
# sends to each cluster (counted by liqoctl itself through LIQOCTL_API_REQUESTS).
# Each cycle: peer (network, authentication, ResourceSlice, virtual Node Ready) → unpeer, then
# the same with `peer --in-band` (the consumer's control plane through the tunnel and the
# provider's API-server proxy), reported beside it.
# Needs debug builds of the workspace binaries (the node agent runs them) and .testenv/bin.
# Any failure stops the run with the step that failed and a non-zero exit: no number is
# printed for a run that did not complete.
set -euo pipefail
testenv=$(realpath "$1") liqoctl=$(realpath "$2")
runs=${RUNS:-5}
dir=$(mktemp -d /tmp/liqo-bench-peer-XXXX)
cleanup() {
  "$testenv" down --dir "$dir/env" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

fail() { # step, log file: the first line says what failed; the log follows
  echo "bench-peer: FAILED: $1" >&2
  [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/  | /' "$2" >&2
  exit 1
}

consumer="$dir/env/consumer/kubeconfig" provider="$dir/env/provider/kubeconfig"
"$testenv" up --dir "$dir/env" --network --pod-cidr consumer=10.243.0.0/16 \
  --pod-cidr provider=10.244.0.0/16 consumer provider > "$dir/up.log" 2>&1 ||
  fail "testenv up" "$dir/up.log"
"$liqoctl" --kubeconfig "$consumer" install --cluster-id consumer-id --pod-cidr 10.243.0.0/16 \
  > "$dir/install-consumer.log" 2>&1 || fail "liqoctl install (consumer)" "$dir/install-consumer.log"
"$liqoctl" --kubeconfig "$provider" install --cluster-id provider-id --pod-cidr 10.244.0.0/16 \
  > "$dir/install-provider.log" 2>&1 || fail "liqoctl install (provider)" "$dir/install-provider.log"

ms() { python3 -c "print(round(($2 - $1) * 1000))"; }

# Runs one peer (its requests counted into $2, extra flags after) and prints its wall time in ms.
peer() { # log, requests file, flags...
  local start=$EPOCHREALTIME log=$1 requests=$2
  shift 2
  LIQOCTL_API_REQUESTS=$requests "$liqoctl" --kubeconfig "$consumer" peer \
    --remote-kubeconfig "$provider" --timeout 2m "$@" > "$log" 2>&1 || return 1
  ms "$start" "$EPOCHREALTIME"
}
unpeer() { # log
  local start=$EPOCHREALTIME
  "$liqoctl" --kubeconfig "$consumer" unpeer --remote-kubeconfig "$provider" \
    --delete-namespaces --skip-confirm --timeout 2m > "$1" 2>&1 || return 1
  ms "$start" "$EPOCHREALTIME"
}

# The first peering of a cluster pair also warms the controllers' caches and connection
# pools; the benchmark is about the peerings after it.
peer "$dir/peer-warmup.log" /dev/null > /dev/null || fail "warm-up: liqoctl peer" "$dir/peer-warmup.log"
unpeer "$dir/unpeer-warmup.log" > /dev/null ||
  fail "warm-up: liqoctl unpeer --delete-namespaces" "$dir/unpeer-warmup.log"

results="$dir/results"
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  requests="$dir/requests-$i"
  peer_ms=$(peer "$dir/peer-$i.log" "$requests") || fail "run $i: liqoctl peer" "$dir/peer-$i.log"
  [ "$(wc -l < "$requests")" = 1 ] ||
    fail "run $i: liqoctl peer wrote no API-request count to LIQOCTL_API_REQUESTS (is append_request_counts called in main?)"
  unpeer_ms=$(unpeer "$dir/unpeer-$i.log") ||
    fail "run $i: liqoctl unpeer --delete-namespaces" "$dir/unpeer-$i.log"
  in_band_ms=$(peer "$dir/peer-in-band-$i.log" /dev/null --in-band) ||
    fail "run $i: liqoctl peer --in-band" "$dir/peer-in-band-$i.log"
  unpeer "$dir/unpeer-in-band-$i.log" > /dev/null ||
    fail "run $i: liqoctl unpeer --delete-namespaces (in-band)" "$dir/unpeer-in-band-$i.log"
  echo "$peer_ms $unpeer_ms $in_band_ms $(cat "$requests")" >> "$results"
  echo "run $i: peer $peer_ms ms ($(cat "$requests") API requests), unpeer $unpeer_ms ms, peer --in-band $in_band_ms ms" >&2
done

# The API-server proxies (one per cluster) after the in-band cycles: VmRSS, MiB.
proxy_rss=$(for pid in $(pgrep -x liqo-proxy); do awk '/^VmRSS:/ {printf "%.1f ", $2 / 1024}' "/proc/$pid/status"; done)

python3 - "$results" "$(nproc)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import math, statistics, sys
path, cpus, load_before, load_after = sys.argv[1:]
rows = [line.split() for line in open(path)]
def p90(xs):  # nearest rank: of 5 runs, the slowest
    return sorted(xs)[math.ceil(0.9 * len(xs)) - 1]
print(f"liqoctl peer / unpeer on two warm test clusters, {len(rows)} runs each ({cpus} CPUs, "
      f"load average {load_before} before, {load_after} after); goal: p50 <= 2000 ms each")
print(f"  {'command':<28} {'p50':>8} {'p90':>8}  goal met  runs (ms)")
for name, col in (("peer", 0), ("unpeer --delete-namespaces", 1), ("peer --in-band", 2)):
    xs = [int(r[col]) for r in rows]
    p50 = statistics.median(xs)
    print(f"  {name:<28} {p50:>5.0f} ms {p90(xs):>5} ms  {'yes' if p50 <= 2000 else 'NO':<8}  "
          f"{' '.join(map(str, xs))}")
counts = {}
for r in rows:
    for kv in r[3:]:
        side, n = kv.split("=")
        counts.setdefault(side, []).append(int(n))
per_side = ", ".join(f"{side} p50 {statistics.median(ns):.0f} (min {min(ns)}, max {max(ns)})"
                     for side, ns in counts.items())
totals = [sum(ns) for ns in zip(*counts.values())]
print(f"  API requests of one peer: {per_side}; total p50 {statistics.median(totals):.0f}")
EOF
echo "  liqo-proxy VmRSS after the in-band cycles (MiB, one per cluster): ${proxy_rss:-none running}"
