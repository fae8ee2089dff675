//! `liqoctl network connect | disconnect | reset` between real clusters on a test network: the
//! gateways run as processes in each cluster's node namespace, and test pods (network
//! namespaces behind the nodes) ping each other through the WireGuard tunnel.

mod common;

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
use kube::runtime::wait::await_condition;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::label;
use liqo_api::ipam::Network;
use liqo_api::networking::{
    Configuration, Connection, ConnectionStatusValue, GatewayClient, GatewayServer, PublicKey,
};
use liqo_testenv::Env;
use serde::de::DeserializeOwned;

const WAIT: Duration = Duration::from_secs(90);

/// alpha/beta have distinct pod CIDRs; gamma/delta the same one. A node hosts one gateway, so
/// each cluster takes part in one pair.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    common::installed_network_env(&[
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

/// Waits until `name` is gone.
async fn gone<K>(api: Api<K>, name: &str)
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
{
    within(
        &format!("{} {name} to be deleted", std::any::type_name::<K>()),
        await_condition(api, name, |o: Option<&K>| o.is_none()),
    )
    .await
    .expect("watch works");
}

/// Waits until nothing matches `selector`.
async fn none_left<K>(api: Api<K>, selector: &str)
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
{
    liqo_kube::wait::list(
        api,
        selector,
        &format!("no {} matching {selector}", std::any::type_name::<K>()),
        WAIT,
        |items| Ok(items.is_empty()),
        |items| {
            format!(
                "{:?}",
                items.iter().map(ResourceExt::name_any).collect::<Vec<_>>()
            )
        },
    )
    .await
    .expect("objects go away");
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

fn transcript(client_gw: &str, server_gw: &str) -> String {
    let pairs: Vec<(String, String)> = vec![
        (
            "Retrieving network configuration".into(),
            "Network configuration correctly retrieved".into(),
        ),
        (
            "Retrieving network configuration".into(),
            "Network configuration correctly retrieved".into(),
        ),
        (
            "Setting up network configuration".into(),
            "Network configuration correctly set up".into(),
        ),
        (
            "Setting up network configuration".into(),
            "Network configuration correctly set up".into(),
        ),
        (
            "Waiting for configuration to be applied".into(),
            "Configuration applied successfully".into(),
        ),
        (
            "Waiting for configuration to be applied".into(),
            "Configuration applied successfully".into(),
        ),
    ];
    let mut out = String::new();
    for (start, done) in pairs {
        out.push_str(&format!("{start}\nINFO: {done}\n"));
    }
    out.push_str("INFO: Gateway server template \"wireguard-server/liqo\" correctly checked\n");
    out.push_str("INFO: Gateway client template \"wireguard-client/liqo\" correctly checked\n");
    let rest: Vec<(String, String)> = vec![
        (
            "Checking network is initialized correctly".into(),
            "Network correctly initialized".into(),
        ),
        (
            "Checking network is initialized correctly".into(),
            "Network correctly initialized".into(),
        ),
        (
            "Setting up gateway server".into(),
            "Gateway server correctly set up".into(),
        ),
        (
            format!("Waiting for gateway pod gw-{server_gw} to be ready"),
            format!("Gateway pod gw-{server_gw} is ready"),
        ),
        (
            "Waiting for gateway server Service to be created".into(),
            "Gateway server Service created successfully".into(),
        ),
        (
            "Setting up gateway client".into(),
            "Gateway client correctly set up".into(),
        ),
        (
            format!("Waiting for gateway pod gw-{client_gw} to be ready"),
            format!("Gateway pod gw-{client_gw} is ready"),
        ),
        (
            "Waiting for gateway server Secret to be created".into(),
            "Gateway server Secret created successfully".into(),
        ),
        (
            "Creating public key".into(),
            "Public key correctly created".into(),
        ),
        (
            "Waiting for gateway client Secret to be created".into(),
            "Gateway client Secret created successfully".into(),
        ),
        (
            "Creating public key".into(),
            "Public key correctly created".into(),
        ),
        (
            "Waiting for Connection to be created".into(),
            "Connection created successfully".into(),
        ),
        (
            "Waiting for Connection to be created".into(),
            "Connection created successfully".into(),
        ),
        (
            "Waiting for Connection status to be established".into(),
            "Connection is established".into(),
        ),
        (
            "Waiting for Connection status to be established".into(),
            "Connection is established".into(),
        ),
    ];
    for (start, done) in rest {
        out.push_str(&format!("{start}\nINFO: {done}\n"));
    }
    out
}

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

/// Resource versions of the objects `connect` writes, to prove a re-run changes nothing.
async fn written_versions(client_cluster: &str, server_cluster: &str) -> Vec<String> {
    let (c, s) = (
        ENV.cluster(client_cluster).client(),
        ENV.cluster(server_cluster).client(),
    );
    let (c_ns, s_ns) = (
        tenant(&format!("{server_cluster}-id")),
        tenant(&format!("{client_cluster}-id")),
    );
    let mut out = Vec::new();
    for (client, ns) in [(&c, &c_ns), (&s, &s_ns)] {
        for cfg in Api::<Configuration>::namespaced(client.clone(), ns)
            .list(&ListParams::default())
            .await
            .unwrap()
        {
            out.push(format!("Configuration {}", cfg.resource_version().unwrap()));
        }
        for pk in Api::<PublicKey>::namespaced(client.clone(), ns)
            .list(&ListParams::default())
            .await
            .unwrap()
        {
            out.push(format!("PublicKey {}", pk.resource_version().unwrap()));
        }
    }
    for gw in Api::<GatewayClient>::namespaced(c.clone(), &c_ns)
        .list(&ListParams::default())
        .await
        .unwrap()
    {
        out.push(format!("GatewayClient {}", gw.resource_version().unwrap()));
    }
    for gw in Api::<GatewayServer>::namespaced(s.clone(), &s_ns)
        .list(&ListParams::default())
        .await
        .unwrap()
    {
        out.push(format!("GatewayServer {}", gw.resource_version().unwrap()));
    }
    out
}

/// Pid of the gateway process of `mode` for `peer` (its command line names both).
fn gateway_pid(mode: &str, peer: &str) -> u32 {
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
        if is_gateway
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
    let mut tcpdump = Command::new("tcpdump")
        .args(["-i", bridge, "-nn", "-l", "-q", &filter])
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

    // A re-run changes nothing.
    let versions = written_versions("alpha", "beta").await;
    let again = connect("alpha", "beta");
    assert!(again.status.success(), "re-run: {}", stderr(&again));
    assert_eq!(written_versions("alpha", "beta").await, versions);

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
        .unwrap()
        .unwrap();
    assert_eq!(
        connection_value(&first),
        Some(ConnectionStatusValue::Connected)
    );
    let pid = gateway_pid("client", "beta-id");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let mut seen = Vec::new();
    within("the Connection to leave Connected and come back", async {
        while let Some(Ok(conn)) = states.next().await {
            let value = connection_value(&conn);
            seen.push(value.clone());
            if value == Some(ConnectionStatusValue::Connected)
                && seen
                    .iter()
                    .any(|v| *v != Some(ConnectionStatusValue::Connected))
            {
                break;
            }
        }
    })
    .await;
    assert_ne!(
        gateway_pid("client", "beta-id"),
        pid,
        "a new gateway process runs"
    );
    ping_ok(&pod_a, pod_b.ip);

    // disconnect: gateways and everything they own go; Configurations stay.
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
        "Deleting gateway client\nINFO: Gateway client correctly deleted\n\
         Deleting gateway client\nINFO: Gateway client already deleted\n\
         Deleting gateway server\nINFO: Gateway server already deleted\n\
         Deleting gateway server\nINFO: Gateway server correctly deleted\n"
    );
    for (client, peer) in [(&alpha, "beta-id"), (&beta, "alpha-id")] {
        let ns = tenant(peer);
        let gw = format!("gw-{peer}");
        gone(Api::<Deployment>::namespaced(client.clone(), &ns), &gw).await;
        gone(Api::<Secret>::namespaced(client.clone(), &ns), &gw).await;
        gone(Api::<Connection>::namespaced(client.clone(), &ns), &gw).await;
        none_left(
            Api::<PublicKey>::namespaced(client.clone(), &ns),
            label::GATEWAY_RESOURCE,
        )
        .await;
        none_left(
            Api::<Pod>::namespaced(client.clone(), &ns),
            label::GATEWAY_NAME,
        )
        .await;
        none_left(
            Api::<ClusterRoleBinding>::all(client.clone()),
            label::GATEWAY_NAME,
        )
        .await;
        let cfgs = Api::<Configuration>::namespaced(client.clone(), &ns)
            .list(&ListParams::default())
            .await
            .unwrap();
        assert_eq!(cfgs.items.len(), 1, "the Configuration is kept");
    }
    gone(
        Api::<Service>::namespaced(beta.clone(), &tenant("alpha-id")),
        "gw-alpha-id",
    )
    .await;
    let ping = pod_a.ping(pod_b.ip, 2).unwrap();
    assert_eq!(ping.received, 0, "no tunnel, no path: {}", ping.output);

    // reset: the Configurations and their Networks go too; only the tenant namespaces remain.
    let out = liqoctl(&[
        &kc("alpha"),
        "network",
        "reset",
        &remote("beta"),
        "--skip-confirm",
        "--wait",
    ]);
    assert!(out.status.success(), "reset: {}", stderr(&out));
    assert!(
        stderr(&out).ends_with(
            "Deleting network configuration\nINFO: Network configuration correctly deleted\n\
         Deleting network configuration\nINFO: Network configuration correctly deleted\n"
        ),
        "{}",
        stderr(&out)
    );
    for client in [&alpha, &beta] {
        none_left(
            Api::<Network>::all(client.clone()),
            label::REMOTE_CLUSTER_ID,
        )
        .await;
    }
    let again = liqoctl(&[
        &kc("alpha"),
        "network",
        "reset",
        &remote("beta"),
        "--skip-confirm",
    ]);
    assert!(again.status.success(), "second reset: {}", stderr(&again));
    assert!(stderr(&again).contains("INFO: Network configuration already deleted"));
    for ((client, before), peer) in [(&alpha, &before.0), (&beta, &before.1)]
        .into_iter()
        .zip(["beta-id", "alpha-id"])
    {
        let after = snapshot(client).await;
        let ns = tenant(peer);
        let extra: BTreeSet<&String> = after
            .difference(before)
            .filter(|o| !o.ends_with(&format!(" /{ns}")) && !o.contains(&format!(" {ns}/")))
            .collect();
        let missing: Vec<&String> = before.difference(&after).collect();
        assert!(extra.is_empty(), "left behind: {extra:?}");
        assert!(missing.is_empty(), "removed: {missing:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_pod_cidrs_reach_each_other_through_remapped_addresses() {
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
        err.contains("ERRO: Failed waiting for Connection status to be established: timed out")
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
    ping_ok(&pod_g, remap(pod_d.ip, &in_gamma));
    ping_ok(&pod_d, remap(pod_g.ip, &in_delta));
    // The real address of the peer's pod is a local one here: no tunnel for it.
    assert_eq!(pod_g.ip.octets()[..2], pod_d.ip.octets()[..2]);

    let out = liqoctl(&[
        &kc("gamma"),
        "network",
        "reset",
        &remote("delta"),
        "--skip-confirm",
        "--wait",
    ]);
    assert!(out.status.success(), "reset: {}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_fails_clearly_and_writes_nothing() {
    // No remote cluster.
    let out = liqoctl(&[&kc("alpha"), "network", "connect"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--remote-kubeconfig"),
        "{}",
        stderr(&out)
    );

    // A template that does not exist: refused before any Configuration is written.
    let out = liqoctl(&[
        &kc("gamma"),
        "network",
        "connect",
        &remote("alpha"),
        "--gw-server-template-name=missing",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "ERRO: An error occurred while checking gateway server template \"missing/liqo\""
        ),
        "{}",
        stderr(&out)
    );
    let cfgs = Api::<Configuration>::namespaced(ENV.cluster("gamma").client(), &tenant("alpha-id"))
        .list(&ListParams::default())
        .await;
    assert!(
        cfgs.map(|l| l.items.is_empty()).unwrap_or(true),
        "no Configuration written"
    );

    // A destructive command without a terminal to confirm on.
    let out = liqoctl(&[&kc("alpha"), "network", "disconnect", &remote("beta")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("disconnect is a potentially destructive command."));
    assert!(stderr(&out).contains("--skip-confirm"));
}
