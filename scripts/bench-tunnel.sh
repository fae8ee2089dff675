#!/usr/bin/env bash
# Single-flow TCP throughput and CPU cost of the tunnel between two "clusters" (network
# namespaces) joined by a bridge in an "internet" namespace:
#   (a) across the bridge, no tunnel;
#   (b) through two liqo-gateway processes (standalone mode);
#   (c) through two of Debian's wireguard-go processes configured the same way (MTU, addresses,
#       keys): an old release that moves one packet per system call;
#   (d) through two upstream wireguard-go processes built from the module pinned in
#       scripts/wireguard-go (TUN offloads, UDP GSO/GRO): the honest peer.
# iperf3 sends from A to B: side a encrypts the data, side b decrypts it. Each round runs the
# four paths in turn; the report gives the median of the rounds per path, the ratios of (b) to
# (d) and to (c), and where the tunnels' CPU time goes (per side, per thread, user/system).
# Usage: bench-tunnel.sh <liqo-gateway binary> <upstream wireguard-go binary> [seconds per run]
#   ROUNDS=<n> (default 3) rounds; KEEP=1 keeps the work directory (logs, iperf3 JSON).
# Needs root, iproute2, iperf3, wireguard-go, wireguard-tools and python3.
set -euo pipefail

gateway=$(realpath "$1")
wggo_latest=$(realpath "$2")
seconds=${3:-10}
rounds=${ROUNDS:-3}
mtu=1340
port=51840
tag="lgb$$"
nsa="$tag-a" nsb="$tag-b" nsi="$tag-i"
dir=$(mktemp -d "/tmp/liqo-bench-tunnel-XXXX")
pids=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

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
[ -x "$wggo_latest" ] || { echo "upstream wireguard-go $2 is not executable (make bench-tunnel builds it)" >&2; exit 1; }
wggo_debian=$(command -v wireguard-go)
version() { "$1" --version | head -1 | awk '{print $2}'; }

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

# snapshot <file> [<side>:<pid>...]: busy CPU ticks of the machine (user nice system irq
# softirq steal: catches kernel work done in softirq context that no process is charged with,
# and also any other load on the machine), utime and stime of each tunnel process (all threads
# included) and of each of its threads, and the UDP receive-buffer drops of each namespace.
snapshot() {
  local out=$1 ns
  shift
  {
    awk '/^cpu / {print "machine", $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
    for ns in "$nsa" "$nsb"; do
      ip netns exec "$ns" awk -v side="${ns##*-}" \
        '/^Udp:/ {n++} /^Udp:/ && n == 2 {print "drops", side, $6}' /proc/net/snmp
    done
    [ $# -eq 0 ] || python3 -c '
import os, sys
def ticks(stat):  # utime and stime: fields 14 and 15 of stat, counted after the comm field
    f = open(stat).read().rsplit(")", 1)[1].split()
    return f[11] + " " + f[12]
for spec in sys.argv[1:]:
    side, pid = spec.split(":")
    print("process", side, "-", ticks(f"/proc/{pid}/stat"))
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip().replace(" ", "_")
            print("thread", side, comm, ticks(f"/proc/{pid}/task/{tid}/stat"))
        except FileNotFoundError:  # a thread that just exited
            pass
' "$@"
  } > "$out"
}

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
  exit 1
}

# run_iperf <label> <server address> [<side>:<tunnel pid>...]: appends one JSON line to $results.
run_iperf() {
  local label=$1 address=$2
  shift 2
  (TIMEFORMAT='%U %S'; time ip netns exec "$nsb" iperf3 -s -1 >/dev/null) 2> "$dir/server.cpu" &
  local server=$!
  wait_for "iperf3 server" ip netns exec "$nsb" sh -c "ss -ltn | grep -q ':5201 '"
  snapshot "$dir/before" "$@"
  (TIMEFORMAT='%U %S'; time ip netns exec "$nsa" iperf3 -c "$address" -t "$seconds" -J \
    > "$dir/$label.json") 2> "$dir/client.cpu"
  snapshot "$dir/after" "$@"
  wait "$server"
  python3 -c '
import collections, json, sys
label, d, ticks = sys.argv[1], sys.argv[2], int(sys.argv[3])
def read(name):
    vals = collections.Counter()
    for line in open(f"{d}/{name}"):
        f = line.split()
        if f[0] in ("process", "thread"):  # kind side comm utime stime
            vals[(f[0], f[1], f[2], "user")] += int(f[3])
            vals[(f[0], f[1], f[2], "sys")] += int(f[4])
        else:
            vals[tuple(f[:-1])] += int(f[-1])
    return vals
before, after = read("before"), read("after")
delta = {k: v - before.get(k, 0) for k, v in after.items()}
end = json.load(open(f"{d}/{label}.json"))["end"]["sum_received"]
iperf = sum(float(x) for f in ("server.cpu", "client.cpu") for x in open(f"{d}/{f}").read().split())
cpu = lambda kind: {"/".join(k[1:]): v / ticks for k, v in delta.items() if k[0] == kind}
print(json.dumps(dict(label=label, bytes=end["bytes"], seconds=end["seconds"], iperf=iperf,
    machine=delta[("machine",)] / ticks, process=cpu("process"), thread=cpu("thread"),
    drops={k[1]: v for k, v in delta.items() if k[0] == "drops"})))
' "$label" "$dir" "$ticks" >> "$results"
}

run_gateway() {
  echo "== (b) liqo-gateway" >&2
  ip netns exec "$nsb" "$gateway" --mode=server --listen-port="$port" --mtu="$mtu" \
    --peer-public-key="$(cat "$dir/a.pub")" --private-key-file="$dir/b.key" \
    --remote-cluster-id=a > "$dir/gw-b.log" 2>&1 &
  local gwb=$!
  pids+=("$gwb")
  wait_for "liqo-gateway server" grep -q "gateway ready" "$dir/gw-b.log"
  ip netns exec "$nsa" "$gateway" --mode=client --endpoint-address=192.0.2.2 \
    --endpoint-port="$port" --mtu="$mtu" --peer-public-key="$(cat "$dir/b.pub")" \
    --private-key-file="$dir/a.key" --remote-cluster-id=b > "$dir/gw-a.log" 2>&1 &
  local gwa=$!
  pids+=("$gwa")
  wait_ping "$nsa" 169.254.18.1
  run_iperf liqo-gateway 169.254.18.1 "a:$gwa" "b:$gwb"
  kill -TERM "$gwa" "$gwb"
  wait "$gwa" "$gwb" || { echo "a gateway did not exit cleanly on SIGTERM" >&2; exit 1; }
  pids=()
}

# wireguard-go's UAPI sockets live in /var/run/wireguard, shared by all network namespaces:
# each side and each binary gets its own interface name.
start_wggo() { # binary, device prefix, side, address, peer side, extra peer args...
  local bin=$1 side=$3 address=$4 peer=$5 ns="$tag-$3" dev="$2-$3"
  shift 5
  ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 "$bin" "$dev" > "$dir/$dev.log" 2>&1 &
  pids+=("$!")
  wait_for "$bin $dev" ip netns exec "$ns" wg show "$dev"
  ip netns exec "$ns" wg set "$dev" private-key "$dir/$side.b64" \
    peer "$(cat "$dir/$peer.pub")" allowed-ips 0.0.0.0/0 "$@"
  ip -n "$ns" link set "$dev" mtu "$mtu"
  ip -n "$ns" addr add "$address/30" dev "$dev"
  ip -n "$ns" link set "$dev" up
}

run_wggo() { # label, binary, device prefix
  local label=$1 bin=$2 prefix=$3
  echo "== $label: $bin $(version "$bin")" >&2
  start_wggo "$bin" "$prefix" b 169.254.18.1 a
  local b=${pids[-1]}
  ip netns exec "$nsb" wg set "$prefix-b" listen-port "$port"
  start_wggo "$bin" "$prefix" a 169.254.18.2 b endpoint "192.0.2.2:$port"
  local a=${pids[-1]}
  wait_ping "$nsa" 169.254.18.1
  run_iperf "$label" 169.254.18.1 "a:$a" "b:$b"
  kill -TERM "$a" "$b"
  wait "$a" "$b" || true # wireguard-go exits non-zero on a signal
  pids=()
}

results="$dir/results"
: > "$results"
for round in $(seq 1 "$rounds"); do
  echo "== round $round/$rounds: (a) bridge, no tunnel" >&2
  run_iperf bridge 192.0.2.2
  run_gateway
  run_wggo wireguard-go-debian "$wggo_debian" wd
  run_wggo wireguard-go-latest "$wggo_latest" wl
done

# A floor for the tunnels' user time: the AEAD alone, one core, packets of the tunnel's MTU
# (thousands of bytes per second; empty without openssl).
aead=$(openssl speed -seconds 1 -bytes "$mtu" -evp chacha20-poly1305 2>/dev/null |
  awk '/^ChaCha20-Poly1305/ {sub("k", "", $2); print $2}' || true)

# --- report ---------------------------------------------------------------------------------------
python3 - "$results" "$(version "$wggo_debian")" "$(version "$wggo_latest")" "$(nproc)" \
  "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$rounds" "$seconds" "$aead" "$mtu" <<'EOF'
import collections, json, statistics, sys
path, debian, latest, cpus, load_before, load_after, rounds, seconds, aead, mtu = sys.argv[1:]
runs = collections.defaultdict(list)
for line in open(path):
    r = json.loads(line)
    gb = r["bytes"] / 1e9
    tunnel = sum(r["process"].values())
    runs[r["label"]].append(dict(
        gbps=r["bytes"] * 8 / r["seconds"] / 1e9, tunnel=tunnel / gb,
        user=sum(v for k, v in r["process"].items() if k.endswith("/user")) / gb,
        sys=sum(v for k, v in r["process"].items() if k.endswith("/sys")) / gb,
        iperf=r["iperf"] / gb, machine=r["machine"] / gb,
        # per side and per thread name (wireguard-go's threads all share one name)
        side={k: v / gb for k, v in r["process"].items()},
        thread={k: v / gb for k, v in r["thread"].items()},
        drops=r["drops"]))
scalar = ("gbps", "tunnel", "user", "sys", "iperf", "machine")
med = {label: {k: statistics.median(r[k] for r in rs) for k in scalar} for label, rs in runs.items()}
print(f"single-flow TCP, iperf3 {seconds} s per run, median of {rounds} rounds; {cpus} CPUs; "
      f"load average {load_before} before, {load_after} after")
names = {"bridge": "(a) bridge, no tunnel", "liqo-gateway": "(b) liqo-gateway",
         "wireguard-go-debian": f"(c) wireguard-go {debian} (Debian)",
         "wireguard-go-latest": f"(d) wireguard-go {latest} (upstream)"}
print(f"{'path':<42}{'Gbit/s':>8}{'tunnel CPU s/GB':>17}{' (user+sys)':<14}{'iperf s/GB':>11}{'machine s/GB':>14}")
for key, name in names.items():
    r = med[key]
    if key == "bridge":
        tunnel, split = "-", ""
    else:
        tunnel, split = f"{r['tunnel']:.2f}", f" ({r['user']:.2f}+{r['sys']:.2f})"
    print(f"{name:<42}{r['gbps']:>8.2f}{tunnel:>17}{split:<14}{r['iperf']:>11.2f}{r['machine']:>14.2f}")
print("per round, Gbit/s:")
for key, rs in runs.items():
    print(f"  {key:<22}" + " ".join(f"{r['gbps']:.2f}" for r in rs))
print("where the tunnel CPU goes (median round by throughput; s/GB; side a encrypts the data, b decrypts):")
for key in ("liqo-gateway", "wireguard-go-latest", "wireguard-go-debian"):
    rs = sorted(runs[key], key=lambda r: r["gbps"])
    r = rs[len(rs) // 2]
    sides = " ".join(f"{s}={r['side'][s + '/-/user']:.2f}+{r['side'][s + '/-/sys']:.2f}" for s in "ab")
    threads = collections.Counter()
    for k, v in r["thread"].items():
        threads[k.rsplit("/", 1)[0]] += v
    busy = ", ".join(f"{k} {v:.2f}" for k, v in threads.most_common(4) if v >= 0.01)
    print(f"  {key:<22}user+sys {sides}; busiest threads: {busy}; UDP rcvbuf drops "
          f"a={r['drops'].get('a', 0)} b={r['drops'].get('b', 0)}")
ours = med["liqo-gateway"]
for key, goal in (("wireguard-go-latest", "  (goal >= 2.50x throughput, <= 0.30x CPU/GB)"),
                  ("wireguard-go-debian", "")):
    them = med[key]
    print(f"liqo-gateway / {key}: throughput {ours['gbps'] / them['gbps']:.2f}x, "
          f"tunnel CPU per GB {ours['tunnel'] / them['tunnel']:.2f}x, "
          f"machine CPU per GB {ours['machine'] / them['machine']:.2f}x{goal}")
print(f"liqo-gateway / bridge: throughput {ours['gbps'] / med['bridge']['gbps']:.2f}x")
# Paired by round: both ran under the same background load.
pairs = list(zip(runs["liqo-gateway"], runs["wireguard-go-latest"]))
print("liqo-gateway / wireguard-go-latest per round: " + ", ".join(
    f"{o['gbps'] / t['gbps']:.2f}x throughput {o['tunnel'] / t['tunnel']:.2f}x CPU/GB" for o, t in pairs))
if aead:
    floor = 1e9 / (float(aead) * 1e3)
    print(f"AEAD floor (openssl ChaCha20-Poly1305, {mtu}-byte packets, one core, now): "
          f"{float(aead) / 1e6:.2f} GB/s = {floor:.2f} s/GB per side, {2 * floor:.2f} s/GB for both sides")
EOF
