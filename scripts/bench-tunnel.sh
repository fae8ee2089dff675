#!/usr/bin/env bash
# Single-flow TCP throughput and CPU cost of the tunnel between two "clusters" (network
# namespaces) joined by a bridge in an "internet" namespace:
#   (a) across the bridge, no tunnel;
#   (b) through two liqo-gateway processes (standalone mode);
#   (c) through two wireguard-go processes configured the same way (MTU, addresses, keys).
# Usage: bench-tunnel.sh <liqo-gateway binary> [seconds per run]
# Needs root, iproute2, iperf3, wireguard-go, wireguard-tools and python3.
set -euo pipefail

gateway=$(realpath "$1")
seconds=${2:-10}
mtu=1340
port=51840
tag="lgb$$"
nsa="$tag-a" nsb="$tag-b" nsi="$tag-i"
dir=$(mktemp -d "/tmp/liqo-bench-tunnel-XXXX")
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "$nsa" "$nsb" "$nsi"; do ip netns del "$ns" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

for tool in ip iperf3 wireguard-go wg python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (run make deps)" >&2; exit 1; }
done

# --- topology: cluster A and cluster B on a bridge in the internet namespace -------------------
for ns in "$nsa" "$nsb" "$nsi"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$nsi" link add br0 type bridge
ip -n "$nsi" link set br0 up
for side in a b; do
  ns="$tag-$side"
  ip -n "$nsi" link add "veth-$side" type veth peer name eth0 netns "$ns"
  ip -n "$nsi" link set "veth-$side" master br0 up
  ip -n "$ns" link set eth0 up
done
ip -n "$nsa" addr add 192.0.2.1/24 dev eth0
ip -n "$nsb" addr add 192.0.2.2/24 dev eth0

# --- keys: raw 32 bytes for liqo-gateway, base64 for wg ------------------------------------------
umask 077
for side in a b; do
  wg genkey > "$dir/$side.b64"
  wg pubkey < "$dir/$side.b64" > "$dir/$side.pub"
  base64 -d "$dir/$side.b64" > "$dir/$side.key"
done

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

wait_for() { # what, command...: up to 20 s
  local what=$1
  shift
  for _ in $(seq 1 200); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "timed out waiting for $what" >&2
  exit 1
}

wait_ping() { # namespace, address
  for _ in $(seq 1 100); do
    ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "no ping reply from $2 in $1" >&2
  return 1
}

# run_iperf <label> <server address> <tunnel pids...>: prints "label bytes seconds gw_cpu iperf_cpu"
run_iperf() {
  local label=$1 address=$2
  shift 2
  local before=() after=() i
  for pid in "$@"; do before+=("$(cpu_ticks "$pid")"); done
  (TIMEFORMAT='%U %S'; time ip netns exec "$nsb" iperf3 -s -1 >/dev/null) 2> "$dir/server.cpu" &
  local server=$!
  sleep 0.5
  (TIMEFORMAT='%U %S'; time ip netns exec "$nsa" iperf3 -c "$address" -t "$seconds" -J \
    > "$dir/$label.json") 2> "$dir/client.cpu"
  wait "$server"
  for ns in "$nsa" "$nsb"; do
    ip netns exec "$ns" awk '/^Udp:/ {n++} /^Udp:/ && n == 2 {print "  udp drops in '"$ns"': rcvbuf=" $6 " sndbuf=" $7}' /proc/net/snmp >&2
  done
  local gw=0
  i=0
  for pid in "$@"; do
    after=$(cpu_ticks "$pid")
    gw=$((gw + after - before[i]))
    i=$((i + 1))
  done
  python3 - "$label" "$dir/$label.json" "$dir/server.cpu" "$dir/client.cpu" "$gw" "$ticks" <<'EOF'
import json, sys
label, path, server_cpu, client_cpu, gw_ticks, ticks = sys.argv[1:]
end = json.load(open(path))["end"]["sum_received"]
iperf = sum(float(x) for f in (server_cpu, client_cpu) for x in open(f).read().split())
print(label, end["bytes"], end["seconds"], int(gw_ticks) / int(ticks), iperf)
EOF
}

results="$dir/results"
: > "$results"

echo "== (a) bridge, no tunnel" >&2
run_iperf bridge 192.0.2.2 >> "$results"

echo "== (b) liqo-gateway" >&2
ip netns exec "$nsb" "$gateway" --mode=server --listen-port="$port" --mtu="$mtu" \
  --peer-public-key="$(cat "$dir/a.pub")" --private-key-file="$dir/b.key" \
  --remote-cluster-id=a > "$dir/gw-b.log" 2>&1 &
gwb=$!; pids+=("$gwb")
wait_for "liqo-gateway server" grep -q "gateway ready" "$dir/gw-b.log"
ip netns exec "$nsa" "$gateway" --mode=client --endpoint-address=192.0.2.2 \
  --endpoint-port="$port" --mtu="$mtu" --peer-public-key="$(cat "$dir/b.pub")" \
  --private-key-file="$dir/a.key" --remote-cluster-id=b > "$dir/gw-a.log" 2>&1 &
gwa=$!; pids+=("$gwa")
wait_ping "$nsa" 169.254.18.1
run_iperf liqo-gateway 169.254.18.1 "$gwa" "$gwb" >> "$results"
kill -TERM "$gwa" "$gwb"
wait "$gwa" "$gwb" || { echo "a gateway did not exit cleanly on SIGTERM" >&2; exit 1; }
pids=()

echo "== (c) wireguard-go" >&2
# wireguard-go's UAPI sockets live in /var/run/wireguard, shared by all network namespaces:
# each side gets its own interface name.
start_wggo() { # side, address, peer side, extra wg args...
  local side=$1 address=$2 peer=$3 ns="$tag-$1" dev="wg-$1"
  shift 3
  ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 wireguard-go "$dev" \
    > "$dir/wggo-$side.log" 2>&1 &
  pids+=("$!")
  wait_for "wireguard-go $dev" ip netns exec "$ns" wg show "$dev"
  ip netns exec "$ns" wg set "$dev" private-key "$dir/$side.b64" \
    peer "$(cat "$dir/$peer.pub")" allowed-ips 0.0.0.0/0 "$@"
  ip -n "$ns" link set "$dev" mtu "$mtu"
  ip -n "$ns" addr add "$address/30" dev "$dev"
  ip -n "$ns" link set "$dev" up
}
start_wggo b 169.254.18.1 a
wggob=${pids[-1]}
ip netns exec "$nsb" wg set wg-b listen-port "$port"
start_wggo a 169.254.18.2 b endpoint "192.0.2.2:$port"
wggoa=${pids[-1]}
wait_ping "$nsa" 169.254.18.1
run_iperf wireguard-go 169.254.18.1 "$wggoa" "$wggob" >> "$results"

# --- report ---------------------------------------------------------------------------------------
python3 - "$results" "$(wireguard-go --version | head -1)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    label, b, s, gw, iperf = line.split()
    rows[label] = dict(bytes=int(b), seconds=float(s), gw=float(gw), iperf=float(iperf))
print(f"single-flow TCP, iperf3, {rows['bridge']['seconds']:.0f} s per run; {sys.argv[3]} CPUs, load {sys.argv[4]}; {sys.argv[2]}")
print(f"{'path':<28}{'Gbit/s':>9}{'tunnel CPU s/GB':>17}{'iperf CPU s/GB':>16}{'total s/GB':>12}")
names = {"bridge": "(a) bridge, no tunnel", "liqo-gateway": "(b) liqo-gateway",
         "wireguard-go": "(c) wireguard-go"}
for key, name in names.items():
    r = rows[key]
    gb = r["bytes"] / 1e9
    gbps = r["bytes"] * 8 / r["seconds"] / 1e9
    tunnel = f"{r['gw'] / gb:.2f}" if key != "bridge" else "-"
    print(f"{name:<28}{gbps:>9.2f}{tunnel:>17}{r['iperf'] / gb:>16.2f}{(r['gw'] + r['iperf']) / gb:>12.2f}")
tp = {k: r["bytes"] / r["seconds"] for k, r in rows.items()}
print(f"throughput (b)/(c) = {tp['liqo-gateway'] / tp['wireguard-go']:.2f}x   "
      f"(b)/(a) = {tp['liqo-gateway'] / tp['bridge']:.2f}x")
cpu = {k: r["gw"] / (r["bytes"] / 1e9) for k, r in rows.items() if k != "bridge"}
print(f"tunnel CPU per GB (b)/(c) = {cpu['liqo-gateway'] / cpu['wireguard-go']:.2f}x")
EOF
