//! Two `liqo-gateway` processes in standalone mode, each in its own network namespace, joined
//! by a veth pair: real handshakes, real packets through the TUN devices, restarts after
//! SIGKILL, and prefix NAT between clusters whose pod CIDRs overlap.
//!
//! Needs root, iproute2, nftables, iputils-ping and iperf3 (`make deps`).

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{GATEWAY, Gateway, Keys, Netns, keys, stderr, wait_until};
use nix::sys::signal::Signal;
const SERVER_TUNNEL_IP: &str = "169.254.18.1";
const WAN_A: &str = "192.0.2.1";
const WAN_B: &str = "192.0.2.2";

/// Two "cluster" namespaces joined by a veth pair (`eth0` on both sides) and the key pairs.
struct Pair {
    a: Netns,
    b: Netns,
    dir: tempfile::TempDir,
    keys_a: Keys,
    keys_b: Keys,
}

impl Pair {
    fn new(test: &str) -> Self {
        let (a, b) = (Netns::new(test, "a"), Netns::new(test, "b"));
        a.ip(&[
            "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", &b.name,
        ]);
        for (ns, addr) in [(&a, WAN_A), (&b, WAN_B)] {
            ns.ip(&["addr", "add", &format!("{addr}/24"), "dev", "eth0"]);
            ns.ip(&["link", "set", "eth0", "up"]);
        }
        let dir = tempfile::tempdir().unwrap();
        let (keys_a, keys_b) = (keys(dir.path(), "a"), keys(dir.path(), "b"));
        Self {
            a,
            b,
            dir,
            keys_a,
            keys_b,
        }
    }

    fn server(&self, extra: &[&str]) -> Gateway {
        let mut args = vec![
            "--mode=server".to_string(),
            "--remote-cluster-id=cluster-a".to_string(),
            format!("--peer-public-key={}", self.keys_a.public_b64),
            format!("--private-key-file={}", self.keys_b.private.display()),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Gateway::start(&self.b.name, self.log("server"), &args, &[])
    }

    fn client(&self, extra: &[&str]) -> Gateway {
        let mut args = vec![
            "--mode=client".to_string(),
            "--remote-cluster-id=cluster-b".to_string(),
            format!("--endpoint-address={WAN_B}"),
            format!("--peer-public-key={}", self.keys_b.public_b64),
            format!("--private-key-file={}", self.keys_a.private.display()),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Gateway::start(&self.a.name, self.log("client"), &args, &[])
    }

    fn log(&self, name: &str) -> PathBuf {
        let mut n = 0;
        loop {
            let path = self.dir.path().join(format!("{name}-{n}.log"));
            if !path.exists() {
                return path;
            }
            n += 1;
        }
    }
}

/// Waits until one ping through the tunnel is answered.
fn wait_for_tunnel(ns: &Netns, target: &str, timeout: Duration, logs: &[&Gateway]) {
    let deadline = Instant::now() + timeout;
    loop {
        if ns
            .exec("ping", &["-c", "1", "-W", "1", target])
            .status
            .success()
        {
            return;
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = logs.iter().map(|g| g.log()).collect();
            panic!(
                "no answer from {target} through the tunnel:\n{}",
                logs.join("\n---\n")
            );
        }
    }
}

// --- tests -------------------------------------------------------------------------------------

#[test]
fn ping_crosses_the_tunnel_as_encrypted_udp_only() {
    let pair = Pair::new("ping");
    // Probes on both ends of the wire: WireGuard datagrams and any ICMP.
    for (ns, dir) in [(&pair.a, "oifname"), (&pair.b, "iifname")] {
        let hook = if dir == "oifname" { "output" } else { "input" };
        ns.nft(&format!(
            "table ip probe {{
               counter wg {{}}
               counter plain_icmp {{}}
               chain c {{ type filter hook {hook} priority 0; policy accept;
                 {dir} \"eth0\" udp dport 51840 counter name \"wg\";
                 {dir} \"eth0\" ip protocol icmp counter name \"plain_icmp\"; }}
             }}"
        ));
    }
    let server = pair.server(&[]);
    let client = pair.client(&[]);
    assert!(pair.a.has_link("liqo-tunnel") && pair.b.has_link("liqo-tunnel"));

    let out = pair.a.ping(SERVER_TUNNEL_IP, 3);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 packets transmitted, 3 received"),
        "{}\n{}\n---\n{}",
        String::from_utf8_lossy(&out.stdout),
        client.log(),
        server.log()
    );
    for ns in [&pair.a, &pair.b] {
        assert!(
            ns.counter("wg") >= 3,
            "the echo requests went as UDP to 51840"
        );
        assert_eq!(ns.counter("plain_icmp"), 0, "no plain ICMP on the wire");
    }
    assert!(server.log().contains("learned the peer's endpoint"));
}

/// Allowed IPs are 0.0.0.0/0, as upstream sets them: IPv6 crosses in neither direction.
#[test]
fn ipv6_does_not_cross_the_tunnel() {
    let pair = Pair::new("ipv6");
    let server = pair.server(&[]);
    let client = pair.client(&[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client, &server],
    );
    for (ns, addr) in [(&pair.a, "fd18::2/64"), (&pair.b, "fd18::1/64")] {
        ns.ip(&["-6", "addr", "add", addr, "dev", "liqo-tunnel", "nodad"]);
    }
    let v6 = pair.a.exec(
        "ping",
        &["-6", "-c", "2", "-i", "0.2", "-W", "1", "fd18::1"],
    );
    assert!(!v6.status.success(), "IPv6 crossed the tunnel");
    assert!(
        pair.a.ping(SERVER_TUNNEL_IP, 1).status.success(),
        "IPv4 still does"
    );
}

/// SIGKILLs `gateway` and waits until its TUN device has left `ns`.
fn kill_and_await_no_tunnel(gateway: &mut Gateway, ns: &Netns) {
    gateway.stop(Signal::SIGKILL);
    wait_until(Duration::from_secs(10), "liqo-tunnel to vanish", || {
        !ns.has_link("liqo-tunnel")
    });
}

#[test]
fn a_killed_gateway_restarts_and_the_tunnel_reforms() {
    let pair = Pair::new("restart");
    let mut server = pair.server(&[]);
    let mut client = pair.client(&[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client, &server],
    );

    // The client dies without cleanup: its TUN device goes with it.
    kill_and_await_no_tunnel(&mut client, &pair.a);
    let client = pair.client(&[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client, &server],
    );

    // The server dies: the client's stale session is replaced by a new handshake (WireGuard
    // re-initiates after 15 s of unanswered data at most).
    kill_and_await_no_tunnel(&mut server, &pair.b);
    let server = pair.server(&[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(45),
        &[&client, &server],
    );
}

#[test]
fn a_client_resolves_a_dns_endpoint() {
    let pair = Pair::new("dns");
    pair.a
        .hosts(&format!("127.0.0.1 localhost\n{WAN_B} gateway.peer.test\n"));
    let server = pair.server(&[]);
    let mut args = vec![
        "--mode=client".to_string(),
        "--remote-cluster-id=cluster-b".to_string(),
        "--endpoint-address=gateway.peer.test".to_string(),
        format!("--peer-public-key={}", pair.keys_b.public_b64),
        format!("--private-key-file={}", pair.keys_a.private.display()),
    ];
    args.push("--endpoint-port=51840".into());
    let client = Gateway::start(&pair.a.name, pair.log("client"), &args, &[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client, &server],
    );
    assert!(
        client.log().contains("endpoint resolved"),
        "{}",
        client.log()
    );
}

#[test]
fn a_second_gateway_in_the_namespace_is_refused() {
    let pair = Pair::new("busy");
    let _server = pair.server(&[]);
    let out = pair
        .b
        .cmd(GATEWAY)
        .args([
            "--mode=server",
            "--listen-port=51841",
            &format!("--peer-public-key={}", pair.keys_a.public_b64),
            &format!("--private-key-file={}", pair.keys_b.private.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("liqo-tunnel is in use by another process"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_private_key_of_the_wrong_size_is_a_clear_error() {
    let pair = Pair::new("badkey");
    let short = pair.dir.path().join("short.key");
    fs::write(&short, [7u8; 31]).unwrap();
    let out = pair
        .b
        .cmd(GATEWAY)
        .args([
            "--mode=server",
            &format!("--peer-public-key={}", pair.keys_a.public_b64),
            &format!("--private-key-file={}", short.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has 31 bytes, expected exactly 32 raw bytes"),
        "{}",
        stderr(&out)
    );
    assert!(!pair.b.has_link("liqo-tunnel"), "nothing was set up");
}

/// Both clusters use 10.243.0.0/16 for pods. Cluster A sees B's pods as 10.71.0.0/16, B sees
/// A's as 10.72.0.0/16; inside the tunnel the real addresses travel.
#[test]
fn overlapping_pod_cidrs_are_remapped_at_each_end() {
    let pair = Pair::new("nat");
    let pod_a = Netns::new("nat", "pod-a");
    let pod_b = Netns::new("nat", "pod-b");
    for (node, pod, ip) in [
        (&pair.a, &pod_a, "10.243.0.5"),
        (&pair.b, &pod_b, "10.243.0.9"),
    ] {
        // The node's pods hang off a bridge in the gateway's namespace.
        node.ip(&["link", "add", "br0", "type", "bridge"]);
        node.ip(&["addr", "add", "10.243.0.1/16", "dev", "br0"]);
        node.ip(&["link", "set", "br0", "up"]);
        node.ip(&[
            "link", "add", "veth-pod", "type", "veth", "peer", "name", "eth0", "netns", &pod.name,
        ]);
        node.ip(&["link", "set", "veth-pod", "master", "br0", "up"]);
        pod.ip(&["addr", "add", &format!("{ip}/16"), "dev", "eth0"]);
        pod.ip(&["link", "set", "eth0", "up"]);
        pod.ip(&["route", "add", "default", "via", "10.243.0.1"]);
    }
    // B's pod counts the echo requests by the source it sees; A's tunnel carries real addresses.
    pod_b.nft(
        "table ip probe { counter from_a {}
           chain c { type filter hook input priority 0; policy accept;
             ip saddr 10.72.0.5 icmp type echo-request counter name \"from_a\"; }
         }",
    );
    pair.a.nft(
        "table ip probe { counter real {}
           chain c { type filter hook postrouting priority 200; policy accept;
             oifname \"liqo-tunnel\" ip saddr 10.243.0.5 ip daddr 10.243.0.9 counter name \"real\"; }
         }",
    );

    let mut server = pair.server(&["--route=10.243.0.0/16=10.72.0.0/16"]);
    let mut client = pair.client(&["--route=10.243.0.0/16=10.71.0.0/16"]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client, &server],
    );

    let out = pod_a.ping("10.71.0.9", 3);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 packets transmitted, 3 received"),
        "{}\n{}\n---\n{}",
        String::from_utf8_lossy(&out.stdout),
        client.log(),
        server.log()
    );
    assert_eq!(pod_b.counter("from_a"), 3, "B sees A's pod as 10.72.0.5");
    assert_eq!(
        pair.a.counter("real"),
        3,
        "real addresses inside the tunnel"
    );
    // The local pod subnet still works: the bridge is not hijacked by the overlapping route.
    assert!(pair.a.ping("10.243.0.5", 1).status.success());

    // TCP with offloads through both NATs: segmentation, coalescing, forwarding to the bridge.
    let iperf = pod_b
        .cmd("iperf3")
        .args(["-s", "-1"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut iperf = ChildGuard(iperf);
    wait_until(Duration::from_secs(10), "iperf3 server", || {
        !pod_b
            .exec("ss", &["-Htln", "sport = :5201"])
            .stdout
            .is_empty()
    });
    let out = pod_a.exec("iperf3", &["-c", "10.71.0.9", "-n", "20M", "-J"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // iperf3 sends whole blocks, so at least the amount asked.
    let sent = report["end"]["sum_sent"]["bytes"].as_u64().unwrap();
    assert!(sent >= 20 * 1024 * 1024, "sent {sent} bytes");
    // iperf3 stops counting at the sender's end-of-test message, before the last bytes (up
    // to the socket buffers) land: at least megabytes of segments made it through both NATs.
    let received = report["end"]["sum_received"]["bytes"].as_u64().unwrap();
    assert!(received > 1024 * 1024, "received {received} bytes");
    let _ = iperf.0.wait();

    // SIGTERM: clean exit, routes and NAT removed.
    assert!(client.stop(Signal::SIGTERM).success(), "{}", client.log());
    assert!(server.stop(Signal::SIGTERM).success(), "{}", server.log());
    for ns in [&pair.a, &pair.b] {
        assert!(
            !ns.exec("nft", &["list", "table", "ip", "liqo-gateway"])
                .status
                .success()
        );
        let rules = ns.exec("ip", &["rule", "show"]);
        assert!(!String::from_utf8_lossy(&rules.stdout).contains("1800:"));
    }
}

/// Kills a helper process on drop.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A wireguard-go device in `ns` named `dev`, with our addressing and MTU; killed on drop.
struct WireguardGo {
    _process: ChildGuard,
}

impl WireguardGo {
    /// `wg_args`: what follows `wg set <dev>` (private key, peer, endpoint or listen port).
    fn start(ns: &Netns, dev: &str, address: &str, wg_args: &[&str]) -> Self {
        let child = ns
            .cmd("wireguard-go")
            .arg(dev)
            .env("WG_PROCESS_FOREGROUND", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wireguard-go is installed (make deps)");
        let wg = Self {
            _process: ChildGuard(child),
        };
        wait_until(Duration::from_secs(10), "wireguard-go's device", || {
            ns.exec("wg", &["show", dev]).status.success()
        });
        let mut set = vec!["set", dev];
        set.extend_from_slice(wg_args);
        let out = ns.exec("wg", &set);
        assert!(out.status.success(), "wg set: {}", stderr(&out));
        ns.ip(&["link", "set", dev, "mtu", "1340"]);
        ns.ip(&["addr", "add", address, "dev", dev]);
        ns.ip(&["link", "set", dev, "up"]);
        wg
    }
}

/// TCP through the tunnel from `client_ns` to an iperf3 server in `server_ns` at `address`.
fn tcp_crosses(client_ns: &Netns, server_ns: &Netns, address: &str) {
    let server = server_ns
        .cmd("iperf3")
        .args(["-s", "-1", "-B", address])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = ChildGuard(server);
    wait_until(Duration::from_secs(10), "iperf3 server", || {
        !server_ns
            .exec("ss", &["-Htln", "sport = :5201"])
            .stdout
            .is_empty()
    });
    let out = client_ns.exec("iperf3", &["-c", address, "-n", "10M", "-J"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = server.0.wait();
}

/// Standard WireGuard on the wire (§11.1): our server with a wireguard-go client, then our
/// client with a wireguard-go server. GSO bursts reach a peer that reads one datagram at a
/// time, and single datagrams reach our GRO socket.
#[test]
fn interoperates_with_wireguard_go_both_ways() {
    let pair = Pair::new("wggo");
    let dev = format!("wgt{}", std::process::id() % 100_000);
    let b64 = |k: &Keys, name: &str| {
        let raw = fs::read(&k.private).unwrap();
        let path = pair.dir.path().join(format!("{name}.b64"));
        fs::write(
            &path,
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw),
        )
        .unwrap();
        path.to_str().unwrap().to_string()
    };
    let (key_a, key_b) = (b64(&pair.keys_a, "a"), b64(&pair.keys_b, "b"));
    let endpoint = format!("{WAN_B}:51840");

    // wireguard-go initiates to our server.
    let server = pair.server(&[]);
    let wg = WireguardGo::start(
        &pair.a,
        &dev,
        "169.254.18.2/30",
        &[
            "private-key",
            &key_a,
            "peer",
            &pair.keys_b.public_b64,
            "allowed-ips",
            "0.0.0.0/0",
            "endpoint",
            &endpoint,
        ],
    );
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&server],
    );
    tcp_crosses(&pair.a, &pair.b, SERVER_TUNNEL_IP);
    tcp_crosses(&pair.b, &pair.a, "169.254.18.2");
    drop((server, wg));

    // Our client initiates to wireguard-go.
    wait_until(Duration::from_secs(10), "the old devices to go", || {
        !pair.a.has_link(&dev) && !pair.b.has_link("liqo-tunnel")
    });
    let wg = WireguardGo::start(
        &pair.b,
        &dev,
        "169.254.18.1/30",
        &[
            "listen-port",
            "51840",
            "private-key",
            &key_b,
            "peer",
            &pair.keys_a.public_b64,
            "allowed-ips",
            "0.0.0.0/0",
        ],
    );
    let client = pair.client(&[]);
    wait_for_tunnel(
        &pair.a,
        SERVER_TUNNEL_IP,
        Duration::from_secs(20),
        &[&client],
    );
    tcp_crosses(&pair.a, &pair.b, SERVER_TUNNEL_IP);
    tcp_crosses(&pair.b, &pair.a, "169.254.18.2");
    drop((client, wg));
}
