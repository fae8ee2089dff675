//! `liqoctl network connect | disconnect | reset` between real clusters on a test network: the
//! gateways run as processes in each cluster's node namespace, and test pods (network
//! namespaces behind the nodes) ping each other through the WireGuard tunnel.

mod common;
#[path = "common/installs.rs"]
mod installs;
#[path = "common/versions.rs"]
mod versions;

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, remote_kubeconfig, snapshot, stderr};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Secret, Service};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::ListParams;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::label;
use liqo_api::networking::{
    Configuration, Connection, ConnectionStatusValue, GatewayClient, GatewayServer, PublicKey,
    WgGatewayClient, WgGatewayServer,
};
use liqo_testenv::Env;
use serde::de::DeserializeOwned;

const WAIT: Duration = Duration::from_secs(90);

/// alpha/beta have distinct pod CIDRs; gamma/delta the same one. A node hosts one gateway, so
/// each cluster takes part in one pair.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_network_env(&[
        ("alpha", "alpha-id", "10.243.0.0/16"),
        ("beta", "beta-id", "10.244.0.0/16"),
        ("gamma", "gamma-id", "10.243.0.0/16"),
        ("delta", "delta-id", "10.243.0.0/16"),
    ])
});

fn kc(cluster: &str) -> String {
    kubeconfig(ENV.cluster(cluster).kubeconfig())
}

fn remote(cluster: &str) -> String {
    remote_kubeconfig(ENV.cluster(cluster).kubeconfig())
}

fn tenant(id: &str) -> String {
    format!("liqo-tenant-{id}")
}

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

fn connection_value(c: &Connection) -> Option<ConnectionStatusValue> {
    c.status.as_ref().and_then(|s| s.value.clone())
}

/// The one Connection to `peer` in `cluster`.
async fn connection(cluster: &str, peer: &str) -> Connection {
    let api: Api<Connection> = Api::namespaced(ENV.cluster(cluster).client(), &tenant(peer));
    let list = api
        .list(&ListParams::default().labels(&format!("{}={peer}", label::REMOTE_CLUSTER_ID)))
        .await
        .unwrap();
    assert_eq!(
        list.items.len(),
        1,
        "one Connection in {cluster} for {peer}"
    );
    list.items.into_iter().next().unwrap()
}

fn connect(local: &str, remote_cluster: &str) -> std::process::Output {
    liqoctl(&[
        &kc(local),
        "network",
        "connect",
        &remote(remote_cluster),
        "--wait",
        "--timeout=150s",
    ])
}

/// What `connect` prints, the server gateway (remote) named `gw-SERVER` and the client one
/// (local) `gw-CLIENT`.
const CONNECT: &str = "\
INFO: (local) Retrieving network configuration\n\
INFO: (local) Network configuration correctly retrieved\n\
INFO: (remote) Retrieving network configuration\n\
INFO: (remote) Network configuration correctly retrieved\n\
INFO: (local) Setting up network configuration\n\
INFO: (local) Network configuration correctly set up\n\
INFO: (remote) Setting up network configuration\n\
INFO: (remote) Network configuration correctly set up\n\
INFO: (local) Waiting for configuration to be applied\n\
INFO: (local) Configuration applied successfully\n\
INFO: (remote) Waiting for configuration to be applied\n\
INFO: (remote) Configuration applied successfully\n\
INFO: (remote) Gateway server template \"wireguard-server/liqo\" correctly checked\n\
INFO: (local) Gateway client template \"wireguard-client/liqo\" correctly checked\n\
INFO: (local) Checking network is initialized correctly\n\
INFO: (local) Network correctly initialized\n\
INFO: (remote) Checking network is initialized correctly\n\
INFO: (remote) Network correctly initialized\n\
INFO: (remote) Setting up gateway server\n\
INFO: (remote) Gateway server correctly set up\n\
INFO: (remote) Waiting for gateway pod gw-SERVER to be ready\n\
INFO: (remote) Gateway pod gw-SERVER is ready\n\
INFO: (remote) Waiting for gateway server Service to be created\n\
INFO: (remote) Gateway server Service created successfully\n\
INFO: (local) Setting up gateway client\n\
INFO: (local) Gateway client correctly set up\n\
INFO: (local) Waiting for gateway pod gw-CLIENT to be ready\n\
INFO: (local) Gateway pod gw-CLIENT is ready\n\
INFO: (remote) Waiting for gateway server Secret to be created\n\
INFO: (remote) Gateway server Secret created successfully\n\
INFO: (local) Creating public key\n\
INFO: (local) Public key correctly created\n\
INFO: (local) Waiting for gateway client Secret to be created\n\
INFO: (local) Gateway client Secret created successfully\n\
INFO: (remote) Creating public key\n\
INFO: (remote) Public key correctly created\n\
INFO: (remote) Waiting for Connection to be created\n\
INFO: (remote) Connection created successfully\n\
INFO: (local) Waiting for Connection to be created\n\
INFO: (local) Connection created successfully\n\
INFO: (local) Waiting for Connection status to be established\n\
INFO: (local) Connection is established\n\
INFO: (remote) Waiting for Connection status to be established\n\
INFO: (remote) Connection is established\n";

/// [`CONNECT`] for the gateways `gw-<client_gw>` and `gw-<server_gw>`.
fn transcript(client_gw: &str, server_gw: &str) -> String {
    CONNECT
        .replace("gw-SERVER", &format!("gw-{server_gw}"))
        .replace("gw-CLIENT", &format!("gw-{client_gw}"))
}

/// What `disconnect` prints when the gateway client is on the local side and the server on
/// the remote one; `reset` adds [`RESET_TAIL`].
fn disconnect_transcript(client: &str, server: &str) -> String {
    format!(
        "INFO: (local) Deleting gateway client\nINFO: (local) Gateway client {client} deleted\n\
         INFO: (remote) Deleting gateway client\nINFO: (remote) Gateway client already deleted\n\
         INFO: (local) Deleting gateway server\nINFO: (local) Gateway server already deleted\n\
         INFO: (remote) Deleting gateway server\nINFO: (remote) Gateway server {server} deleted\n"
    )
}

const RESET_TAIL: &str = "INFO: (local) Deleting network configuration\n\
    INFO: (local) Network configuration correctly deleted\n\
    INFO: (remote) Deleting network configuration\n\
    INFO: (remote) Network configuration correctly deleted\n";

/// Host bits of `ip` on the network bits of `cidr` (how a remapped CIDR shows a peer's pod).
fn remap(ip: Ipv4Addr, cidr: &str) -> Ipv4Addr {
    let (net, len) = cidr.split_once('/').unwrap();
    let net: Ipv4Addr = net.parse().unwrap();
    let len: u32 = len.parse().unwrap();
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Ipv4Addr::from((u32::from(net) & mask) | (u32::from(ip) & !mask))
}

fn ping_ok(pod: &liqo_testenv::net::TestPod, dst: Ipv4Addr) {
    let report = pod.ping(dst, 3).expect("ping runs");
    assert!(
        report.received >= 2,
        "{} → {dst}: {}",
        pod.ip,
        report.output
    );
}

/// name → version of every object of both clusters (a re-run must change none).
async fn both_versions(
    a: &Client,
    b: &Client,
) -> (
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeMap<String, String>,
) {
    (versions::versions(a).await, versions::versions(b).await)
}

/// Asserts that the teardown left nothing but the tenant namespaces `kept` (with what
/// Kubernetes puts in them) and removed nothing that was there before.
async fn assert_no_residue(client: &Client, before: &BTreeSet<String>, kept: &[&str]) {
    let after = snapshot(client).await;
    let (left, removed) = versions::residue(before, &after, kept);
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(removed.is_empty(), "removed: {removed:?}");
}

/// Pid of the gateway process of `mode` for `peer` (its command line names both) in
/// `cluster`'s node namespace (other test runs may run gateways for the same IDs).
fn gateway_pid(cluster: &str, mode: &str, peer: &str) -> u32 {
    use std::os::unix::fs::MetadataExt;
    let netns = ENV.cluster(cluster).node_netns().unwrap();
    let node = std::fs::metadata(format!("/run/netns/{netns}"))
        .unwrap()
        .ino();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_gateway = args.first().is_some_and(|a| a.ends_with("/liqo-gateway"));
        let in_node = std::fs::metadata(entry.path().join("ns/net")).is_ok_and(|m| m.ino() == node);
        if is_gateway
            && in_node
            && args.iter().any(|a| a == &format!("--mode={mode}"))
            && args
                .iter()
                .any(|a| a == &format!("--remote-cluster-id={peer}"))
        {
            found.push(pid);
        }
    }
    assert_eq!(found.len(), 1, "one {mode} gateway for {peer}: {found:?}");
    found[0]
}

/// An nftables rule in `cluster`'s node namespace dropping UDP to `to`, removed on drop.
struct UdpBlock(String);

impl UdpBlock {
    const TABLE: &str = "liqo-test-block";

    fn new(cluster: &str, to: Ipv4Addr) -> Self {
        let netns = ENV.cluster(cluster).node_netns().unwrap().to_string();
        let rules = format!(
            "table ip {t} {{\n chain out {{\n  type filter hook output priority 0\n  ip daddr {to} meta l4proto udp drop\n }}\n}}\n",
            t = Self::TABLE
        );
        let mut nft = Command::new("ip")
            .args(["netns", "exec", &netns, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut nft.stdin.take().unwrap(), rules.as_bytes()).unwrap();
        assert!(nft.wait().unwrap().success(), "nft rule installed");
        Self(netns)
    }
}

impl Drop for UdpBlock {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.0,
                "nft",
                "delete",
                "table",
                "ip",
                Self::TABLE,
            ])
            .status();
    }
}

/// UDP and ICMP packets seen on the bridge while `traffic` runs (tcpdump, numeric).
fn capture_on_bridge(node: Ipv4Addr, traffic: impl FnOnce()) -> Vec<String> {
    let bridge = ENV.wan_bridge().expect("the env has a bridge");
    // Other pairs share the bridge: only this node's packets.
    let filter = format!("(udp or icmp) and host {node}");
    capture(&["tcpdump", "-i", bridge], &filter, traffic)
}

/// ICMP packets seen on `cluster`'s WireGuard tunnel interface while `traffic` runs.
fn capture_on_tunnel(cluster: &str, traffic: impl FnOnce()) -> Vec<String> {
    let netns = ENV.cluster(cluster).node_netns().unwrap();
    let tcpdump = ["ip", "netns", "exec", netns, "tcpdump", "-i", "liqo-tunnel"];
    capture(&tcpdump, "icmp", traffic)
}

/// The packets `tcpdump` (the command line up to the interface) sees matching `filter` while
/// `traffic` runs.
fn capture(tcpdump: &[&str], filter: &str, traffic: impl FnOnce()) -> Vec<String> {
    let mut tcpdump = Command::new(tcpdump[0])
        .args(&tcpdump[1..])
        // Immediate mode: a batch still buffered at the SIGINT would be lost.
        .args(["--immediate-mode", "-nn", "-l", "-q", filter])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump runs");
    // tcpdump says "listening on …" on stderr once the capture is armed.
    let mut err = std::io::BufReader::new(tcpdump.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("listening") {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut err, &mut line).unwrap();
        assert!(n > 0, "tcpdump ended before capturing: {said}");
        said.push_str(&line);
    }
    traffic();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(tcpdump.id()).unwrap()),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = tcpdump.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_pod_cidrs_connect_ping_survive_a_gateway_kill_and_reset_cleanly() {
    let (alpha, beta) = (ENV.cluster("alpha").client(), ENV.cluster("beta").client());
    let before = (snapshot(&alpha).await, snapshot(&beta).await);
    let pod_a = ENV.cluster("alpha").add_test_pod("pa").unwrap();
    let pod_b = ENV.cluster("beta").add_test_pod("pb").unwrap();

    let out = connect("alpha", "beta");
    assert!(out.status.success(), "connect: {}", stderr(&out));
    assert_eq!(stderr(&out), transcript("beta-id", "alpha-id"));

    // Both Connections are Connected with a measured latency.
    for (cluster, peer) in [("alpha", "beta-id"), ("beta", "alpha-id")] {
        let conn = connection(cluster, peer).await;
        assert_eq!(
            connection_value(&conn),
            Some(ConnectionStatusValue::Connected)
        );
        let latency = conn.status.unwrap().latency.unwrap().value.unwrap();
        assert!(
            latency.ends_with("ms") || latency.ends_with("μs"),
            "{latency}"
        );
    }

    // Pods reach each other by their real addresses, and only WireGuard crosses the bridge.
    let (node_a, node_b) = (
        ENV.cluster("alpha").node_ip().unwrap(),
        ENV.cluster("beta").node_ip().unwrap(),
    );
    let packets = capture_on_bridge(node_a, || {
        ping_ok(&pod_a, pod_b.ip);
        ping_ok(&pod_b, pod_a.ip);
    });
    assert!(
        // 2 × 3 echo requests and their replies as WireGuard datagrams (the last reply may
        // race the end of the capture).
        packets.len() >= 8,
        "echo requests and replies were captured: {packets:?}"
    );
    for p in &packets {
        assert!(!p.contains("ICMP"), "plain pod traffic on the bridge: {p}");
        assert!(
            p.contains(&format!("{node_b}.51840"))
                && p.contains(&node_a.to_string())
                && p.contains("UDP"),
            "not WireGuard between the nodes: {p}"
        );
    }

    // A re-run writes nothing: no object of either cluster changes version.
    let versions = both_versions(&alpha, &beta).await;
    let again = connect("alpha", "beta");
    assert!(again.status.success(), "re-run: {}", stderr(&again));
    let after = both_versions(&alpha, &beta).await;
    let changed = [
        versions::changes(&versions.0, &after.0),
        versions::changes(&versions.1, &after.1),
    ];
    assert!(
        changed.iter().all(Vec::is_empty),
        "re-run wrote: {changed:?}"
    );

    // The client gateway dies: its Connection leaves Connected, the node agent restarts it,
    // and the tunnel re-forms.
    let conns: Api<Connection> = Api::namespaced(alpha.clone(), &tenant("beta-id"));
    let mut states = watcher(
        conns,
        watcher::Config::default().labels(&format!("{}=beta-id", label::REMOTE_CLUSTER_ID)),
    )
    .applied_objects()
    .boxed();
    let first = within("the Connection", states.next())
        .await
        .expect("the watch yields the Connection")
        .expect("the watch works");
    assert_eq!(
        connection_value(&first),
        Some(ConnectionStatusValue::Connected)
    );
    let pid = gateway_pid("alpha", "client", "beta-id");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let seen = within("the Connection to leave Connected and come back", async {
        let mut seen = Vec::new();
        loop {
            let conn = match states.next().await {
                Some(Ok(conn)) => conn,
                Some(Err(e)) => panic!("the Connection watch failed after {seen:?}: {e}"),
                None => panic!("the Connection watch ended after {seen:?}"),
            };
            let value = connection_value(&conn);
            let left = seen
                .iter()
                .any(|v| *v != Some(ConnectionStatusValue::Connected));
            seen.push(value.clone());
            if left && value == Some(ConnectionStatusValue::Connected) {
                return seen;
            }
        }
    })
    .await;
    assert!(
        seen.iter()
            .any(|v| *v != Some(ConnectionStatusValue::Connected)),
        "left Connected: {seen:?}"
    );
    assert_eq!(
        seen.last(),
        Some(&Some(ConnectionStatusValue::Connected)),
        "came back: {seen:?}"
    );
    assert_ne!(
        gateway_pid("alpha", "client", "beta-id"),
        pid,
        "a new gateway process runs"
    );
    ping_ok(&pod_a, pod_b.ip);

    // disconnect --wait returns once the gateways and everything they own are gone;
    // Configurations stay.
    let out = liqoctl(&[
        &kc("alpha"),
        "network",
        "disconnect",
        &remote("beta"),
        "--skip-confirm",
        "--wait",
    ]);
    assert!(out.status.success(), "disconnect: {}", stderr(&out));
    assert_eq!(
        stderr(&out),
        disconnect_transcript("correctly", "correctly")
    );
    for (client, peer) in [(&alpha, "beta-id"), (&beta, "alpha-id")] {
        let ns = tenant(peer);
        let gateways = gateway_objects(client, &ns).await;
        assert!(
            gateways.is_empty(),
            "still there after disconnect --wait: {gateways:?}"
        );
        let cfgs = Api::<Configuration>::namespaced(client.clone(), &ns)
            .list(&ListParams::default())
            .await
            .unwrap();
        assert_eq!(cfgs.items.len(), 1, "the Configuration is kept");
        let bindings = Api::<ClusterRoleBinding>::all(client.clone())
            .list(&ListParams::default().labels(label::GATEWAY_NAME))
            .await
            .unwrap();
        assert!(
            bindings.items.is_empty(),
            "gateway ClusterRoleBindings left"
        );
    }
    let ping = pod_a.ping(pod_b.ip, 2).unwrap();
    assert_eq!(ping.received, 0, "no tunnel, no path: {}", ping.output);

    // reset --wait: the Configurations and their Networks go too; at once, only the tenant
    // namespaces remain, with what Kubernetes puts in every namespace.
    let reset = || {
        liqoctl(&[
            &kc("alpha"),
            "network",
            "reset",
            &remote("beta"),
            "--skip-confirm",
            "--wait",
        ])
    };
    let out = reset();
    assert!(out.status.success(), "reset: {}", stderr(&out));
    assert!(stderr(&out).ends_with(RESET_TAIL), "{}", stderr(&out));
    assert_no_residue(&alpha, &before.0, &[&tenant("beta-id")]).await;
    assert_no_residue(&beta, &before.1, &[&tenant("alpha-id")]).await;
    let again = liqoctl(&[
        &kc("alpha"),
        "network",
        "reset",
        &remote("beta"),
        "--skip-confirm",
    ]);
    assert!(again.status.success(), "second reset: {}", stderr(&again));
    assert!(stderr(&again).contains("INFO: (local) Network configuration already deleted"));

    // A connect right after converges, and its reset leaves nothing either.
    let out = connect("alpha", "beta");
    assert!(
        out.status.success(),
        "connect after reset: {}",
        stderr(&out)
    );
    ping_ok(&pod_a, pod_b.ip);
    let out = reset();
    assert!(out.status.success(), "reset: {}", stderr(&out));
    assert_eq!(
        stderr(&out),
        disconnect_transcript("correctly", "correctly") + RESET_TAIL
    );
    assert_no_residue(&alpha, &before.0, &[&tenant("beta-id")]).await;
    assert_no_residue(&beta, &before.1, &[&tenant("alpha-id")]).await;
}

/// The networking objects, gateway Deployments and pods in `namespace`, as `Kind name`.
async fn gateway_objects(client: &Client, namespace: &str) -> Vec<String> {
    async fn names<K>(client: &Client, namespace: &str) -> Vec<String>
    where
        K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + std::fmt::Debug,
    {
        Api::<K>::namespaced(client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .expect("list")
            .items
            .iter()
            .map(|o| format!("{} {}", K::kind(&()), o.name_any()))
            .collect()
    }
    let mut out = names::<GatewayClient>(client, namespace).await;
    out.extend(names::<GatewayServer>(client, namespace).await);
    out.extend(names::<WgGatewayClient>(client, namespace).await);
    out.extend(names::<WgGatewayServer>(client, namespace).await);
    out.extend(names::<Connection>(client, namespace).await);
    out.extend(names::<PublicKey>(client, namespace).await);
    out.extend(names::<Deployment>(client, namespace).await);
    out.extend(names::<Pod>(client, namespace).await);
    out.extend(names::<Service>(client, namespace).await);
    out.extend(
        names::<Secret>(client, namespace)
            .await
            .into_iter()
            .filter(|s| s.starts_with("Secret gw-")),
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_pod_cidrs_reach_each_other_through_remapped_addresses() {
    let (gamma, delta) = (ENV.cluster("gamma").client(), ENV.cluster("delta").client());
    let before = (snapshot(&gamma).await, snapshot(&delta).await);
    let pod_g = ENV.cluster("gamma").add_test_pod("pg").unwrap();
    let pod_d = ENV.cluster("delta").add_test_pod("pd").unwrap();

    // First the server is unreachable (gamma's node drops UDP to delta's node): the failure
    // names the endpoint the client dials and what came back.
    let server_ip = ENV.cluster("delta").node_ip().unwrap();
    let block = UdpBlock::new("gamma", server_ip);
    let out = liqoctl(&[
        &kc("gamma"),
        "network",
        "connect",
        &remote("delta"),
        "--wait",
        "--timeout=30s",
    ]);
    assert!(!out.status.success(), "connect through a blocked path");
    let err = stderr(&out);
    assert!(
        err.contains("ERRO: (local) Failed waiting for Connection status to be established: timed out")
            && err.contains("is Error; last Event: Warning ConnectionError: no WireGuard handshake answer from the server endpoint")
            && err.contains(&format!("{server_ip}:")),
        "{err}"
    );
    // Unblocked, the same command converges.
    drop(block);
    let out = connect("gamma", "delta");
    assert!(out.status.success(), "connect: {}", stderr(&out));

    // Each side sees the other's pods in a remapped CIDR, not in its own.
    let remapped = |client: Client, peer: &'static str| async move {
        let cfg = Api::<Configuration>::namespaced(client, &tenant(peer))
            .get(peer)
            .await
            .unwrap();
        let status = cfg
            .status
            .unwrap()
            .remote
            .unwrap()
            .cidr
            .unwrap()
            .pod
            .unwrap();
        assert_eq!(
            cfg.spec.remote.unwrap().cidr.unwrap().pod.unwrap(),
            ["10.243.0.0/16"]
        );
        assert_ne!(
            status[0], "10.243.0.0/16",
            "an overlapping CIDR is remapped"
        );
        status[0].clone()
    };
    let in_gamma = remapped(ENV.cluster("gamma").client(), "delta-id").await;
    let in_delta = remapped(ENV.cluster("delta").client(), "gamma-id").await;
    ping_ok(&pod_d, remap(pod_g.ip, &in_delta));
    // Through the remapped address the echo requests cross the tunnel; to the peer pod's real
    // address, which is in gamma's own pod CIDR, none does.
    let remapped_ping = capture_on_tunnel("gamma", || ping_ok(&pod_g, remap(pod_d.ip, &in_gamma)));
    // (The capture may stop before the last request is written.)
    assert!(
        remapped_ping
            .iter()
            .filter(|p| p.contains("ICMP echo request"))
            .count()
            >= 2,
        "echo requests to the remapped address on the tunnel: {remapped_ping:?}"
    );
    let real_ping = capture_on_tunnel("gamma", || {
        pod_g.ping(pod_d.ip, 3).expect("ping runs");
    });
    assert!(
        real_ping.is_empty(),
        "a packet to the real address {} crossed the tunnel: {real_ping:?}",
        pod_d.ip
    );

    let out = liqoctl(&[
        &kc("gamma"),
        "network",
        "reset",
        &remote("delta"),
        "--skip-confirm",
        "--wait",
    ]);
    assert!(out.status.success(), "reset: {}", stderr(&out));
    assert_no_residue(&gamma, &before.0, &[&tenant("delta-id")]).await;
    assert_no_residue(&delta, &before.1, &[&tenant("gamma-id")]).await;
}
