#!/usr/bin/env bash
# Measures `liqoctl create resourceslice` → virtual Node Ready on two test clusters (installed,
# networks connected, authenticated), over RUNS runs (default 5): p50 and max, the time the
# command itself took, and the memory (VmRSS) of the virtual kubelet the node agent runs for
# the VirtualNode. Each run: create resourceslice bench-<i> → watch Node bench-<i> until
# Ready=True (bounded) → read the virtual kubelet's RSS → delete resourceslice --wait.
# Needs debug builds of the workspace binaries (the node agent runs them) and .testenv/bin.
# Any failure stops the run with the step that failed and a non-zero exit: no number is
# printed for a run that did not complete.
set -euo pipefail
testenv=$(realpath "$1") liqoctl=$(realpath "$2") kubectl=$(realpath "$3")
runs=${RUNS:-5}
ready_timeout=${READY_TIMEOUT:-60}
provider_id=provider-id
dir=$(mktemp -d /tmp/liqo-bench-offload-XXXX)
watcher=""
cleanup() {
  [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
  "$testenv" down --dir "$dir/env" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

fail() { # step, log file: the first line says what failed; the log follows
  echo "bench-offload: FAILED: $1" >&2
  [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/  | /' "$2" >&2
  exit 1
}

consumer="$dir/env/consumer/kubeconfig" provider="$dir/env/provider/kubeconfig"
"$testenv" up --dir "$dir/env" --network --pod-cidr consumer=10.243.0.0/16 \
  --pod-cidr provider=10.244.0.0/16 consumer provider > "$dir/up.log" 2>&1 ||
  fail "testenv up" "$dir/up.log"
"$liqoctl" --kubeconfig "$consumer" install --cluster-id consumer-id --pod-cidr 10.243.0.0/16 \
  > "$dir/install-consumer.log" 2>&1 || fail "liqoctl install (consumer)" "$dir/install-consumer.log"
"$liqoctl" --kubeconfig "$provider" install --cluster-id "$provider_id" --pod-cidr 10.244.0.0/16 \
  > "$dir/install-provider.log" 2>&1 || fail "liqoctl install (provider)" "$dir/install-provider.log"
"$liqoctl" --kubeconfig "$consumer" network connect --wait --remote-kubeconfig "$provider" \
  > "$dir/connect.log" 2>&1 || fail "liqoctl network connect" "$dir/connect.log"
"$liqoctl" --kubeconfig "$consumer" authenticate --remote-kubeconfig "$provider" \
  > "$dir/auth.log" 2>&1 || fail "liqoctl authenticate" "$dir/auth.log"

# "<VmRSS KiB> <start time, epoch seconds>" of the virtual-kubelet process whose command line
# names node $1 (the start time splits the path: controllers and pod start before it, the
# virtual kubelet's own start-up after it).
vk_info() {
  local pid
  for pid in $(pgrep -x virtual-kubelet); do
    if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -Eq -- "--nodename[= ]$1( |$)"; then
      python3 -c '
import os, sys, time
pid = sys.argv[1]
rss = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:"))
# field 22: start time in ticks since boot; /proc/uptime (not the whole-second btime) maps it
# onto the wall clock
start = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19])
now, uptime = time.time(), float(open("/proc/uptime").read().split()[0])
print(rss, now - uptime + start / os.sysconf("SC_CLK_TCK"))
' "$pid"
      return 0
    fi
  done
  return 1
}

ms() { python3 -c "print(round(($2 - $1) * 1000))"; }

results="$dir/results"
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  name="bench-$i"
  # The watch starts before the slice exists, so the instant the Node turns Ready is seen when
  # it happens, not when a client process has started and listed it.
  fifo="$dir/watch-$i"
  mkfifo "$fifo"
  timeout "$ready_timeout" "$kubectl" --kubeconfig "$consumer" get node --watch \
    --field-selector "metadata.name=$name" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}{"\n"}' \
    > "$fifo" 2> "$dir/watch-$i.err" &
  watcher=$!
  exec 3< "$fifo"
  start=$EPOCHREALTIME
  "$liqoctl" --kubeconfig "$consumer" create resourceslice "$name" \
    --remote-cluster-id "$provider_id" --timeout 1m > "$dir/create-$i.log" 2>&1 ||
    fail "run $i: liqoctl create resourceslice $name" "$dir/create-$i.log"
  created=$EPOCHREALTIME
  ready="" last="(no Node $name seen)"
  while read -r -u 3 status; do
    last="Ready=${status:-<no condition>}"
    if [ "$status" = True ]; then ready=$EPOCHREALTIME; break; fi
  done
  exec 3<&-
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  watcher=""
  if [ -z "$ready" ]; then
    { cat "$dir/watch-$i.err"; "$kubectl" --kubeconfig "$consumer" get resourceslices.authentication.liqo.io,virtualnodes.offloading.liqo.io,deployments,pods,nodes -A; } \
      > "$dir/state-$i.log" 2>&1 || true
    fail "run $i: Node $name not Ready within ${ready_timeout} s of create resourceslice; last seen: $last" \
      "$dir/state-$i.log"
  fi
  read -r rss vk_start < <(vk_info "$name") ||
    fail "run $i: Node $name is Ready but no virtual-kubelet process with --nodename $name runs on this machine"
  printf '%s %s %s %s\n' "$(ms "$start" "$ready")" "$(ms "$start" "$created")" \
    "$(ms "$start" "$vk_start")" "$rss" >> "$results"
  echo "run $i: Node $name Ready $(ms "$start" "$ready") ms after create resourceslice (the command took $(ms "$start" "$created") ms, virtual-kubelet started at $(ms "$start" "$vk_start") ms); virtual-kubelet RSS $((rss / 1024)) MiB" >&2
  "$liqoctl" --kubeconfig "$consumer" delete resourceslice "$name" \
    --remote-cluster-id "$provider_id" --wait --timeout 2m > "$dir/delete-$i.log" 2>&1 ||
    fail "run $i: liqoctl delete resourceslice $name --wait" "$dir/delete-$i.log"
done

python3 - "$results" "$(nproc)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import statistics, sys
path, cpus, load_before, load_after = sys.argv[1:]
rows = [tuple(int(x) for x in line.split()) for line in open(path)]
ready = [r[0] for r in rows]
command = [r[1] for r in rows]
vk_start = [r[2] for r in rows]
rss = [r[3] / 1024 for r in rows]
print(f"create resourceslice -> virtual Node Ready, {len(rows)} runs ({cpus} CPUs, load average "
      f"{load_before} before, {load_after} after): "
      f"p50 {statistics.median(ready):.0f} ms, max {max(ready)} ms (goal p50 <= 1000 ms); "
      f"runs: {' '.join(str(x) for x in ready)} ms")
print(f"  liqoctl create resourceslice itself (until Authentication=Accepted): "
      f"p50 {statistics.median(command):.0f} ms, max {max(command)} ms")
print(f"  virtual-kubelet process started (VirtualNode, Deployment, pod, node agent): "
      f"p50 {statistics.median(vk_start):.0f} ms; from its start to Node Ready: "
      f"p50 {statistics.median(r - v for r, v in zip(ready, vk_start)):.0f} ms (start time at 10 ms resolution)")
print(f"virtual-kubelet RSS once its Node is Ready: p50 {statistics.median(rss):.1f} MiB, "
      f"max {max(rss):.1f} MiB")
EOF
