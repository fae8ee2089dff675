//! Test clusters with a network: nodes in network namespaces on a shared bridge, pod bridges
//! behind them, gateway pods in the node's namespace, LoadBalancer ingresses and NodePort
//! forwarding, and nothing left behind.

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Event, Node, Pod, Secret, Service};
use kube::api::PostParams;
use kube::runtime::wait::await_condition;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use liqo_testenv::services::{NAT_TABLE, REASON_NODE_PORTS};
use liqo_testenv::{Binaries, Cluster, ClusterConfig, Env, net};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

/// The node agent's "project binaries": `sh`, to run a script as a gateway container.
static BIN_DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("testenv-net-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::os::unix::fs::symlink("/bin/sh", dir.join("sh"));
    dir
});

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("fixture deserializes")
}

/// Runs a command to completion; its stdout, or a panic with everything it printed.
fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ip(args: &[&str]) -> String {
    run_ok(Command::new("ip").args(args))
}

fn netns_list() -> Vec<String> {
    ip(&["netns", "list"])
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

fn node_ns(cluster: &Cluster) -> &str {
    cluster.node_netns().expect("cluster has a node netns")
}

/// `ip -4 -o addr` of `dev` in `netns`.
fn addresses(netns: &str, dev: &str) -> String {
    ip(&["-n", netns, "-o", "-4", "addr", "show", "dev", dev])
}

fn api_port(cluster: &Cluster) -> u16 {
    cluster
        .server()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn clusters_on_a_test_network_reach_each_other_and_leave_nothing_behind() {
    // gamma shares beta's pod CIDR (the default); alpha has its own.
    let env = Env::builder()
        .network(true)
        .cluster_config(ClusterConfig::new("alpha").pod_cidr("10.243.0.0/16"))
        .cluster("beta")
        .cluster_config(ClusterConfig::new("gamma").pod_cidr("10.244.0.0/16"))
        .project_bin_dir(BIN_DIR.as_path())
        .start_blocking()
        .expect("networked clusters start");
    let bridge = env.wan_bridge().expect("a WAN bridge").to_string();
    let id = bridge.strip_prefix("lw-").expect("bridge named lw-<id>");

    nodes_sit_on_the_wan_with_a_pod_bridge_each(&env);
    test_pods_reach_their_node_and_nodes_reach_each_other(&env);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(nodes_report_their_wan_address(&env));
    rt.block_on(gateway_pods_run_in_the_node_namespace_and_reach_the_api_server(&env));
    rt.block_on(load_balancers_get_the_node_ip_and_node_ports_are_forwarded(
        &env,
    ));

    drop(env);
    let left: Vec<String> = netns_list()
        .into_iter()
        .filter(|n| n.starts_with(&format!("lt-{id}-")))
        .collect();
    assert!(left.is_empty(), "namespaces left after drop: {left:?}");
    let links = ip(&["-o", "link", "show"]);
    assert!(
        !links.contains(&bridge) && !links.contains(&format!("lv-{id}-")),
        "links left after drop: {links}"
    );
}

fn nodes_sit_on_the_wan_with_a_pod_bridge_each(env: &Env) {
    let bridge = env.wan_bridge().unwrap();
    assert!(bridge.len() <= 15, "{bridge} is too long for a link name");
    let host_ip = env.wan_host_ip().unwrap();
    let octets = host_ip.octets();
    assert_eq!((octets[0], octets[1], octets[3]), (172, 31, 1));
    let host = ip(&["-o", "-4", "addr", "show", "dev", bridge]);
    assert!(host.contains(&format!("inet {host_ip}/24")), "{host}");

    let namespaces = netns_list();
    let expected = [
        ("alpha", 2, "10.243.0.1/16"),
        ("beta", 3, "10.244.0.1/16"),
        ("gamma", 4, "10.244.0.1/16"),
    ];
    for (name, host_part, pod_bridge) in expected {
        let cluster = env.cluster(name);
        let ns = node_ns(cluster);
        assert!(
            namespaces.iter().any(|n| n == ns),
            "{ns} not in {namespaces:?}"
        );
        let node_ip = cluster.node_ip().unwrap();
        assert_eq!(
            node_ip,
            Ipv4Addr::new(172, 31, octets[2], host_part),
            "{name}"
        );
        let eth0 = addresses(ns, "eth0");
        assert!(eth0.contains(&format!("inet {node_ip}/24")), "{eth0}");
        let cbr0 = addresses(ns, "cbr0");
        assert!(cbr0.contains(&format!("inet {pod_bridge}")), "{cbr0}");
        assert_eq!(
            cluster.pod_cidr().unwrap(),
            pod_bridge.replace(".1/", ".0/")
        );
        let route = ip(&["-n", ns, "route", "show", "default"]);
        assert!(
            route.contains(&format!("via {host_ip} dev eth0")),
            "{route}"
        );
        let forwarding = run_ok(Command::new("ip").args([
            "netns",
            "exec",
            ns,
            "sysctl",
            "-n",
            "net.ipv4.ip_forward",
        ]));
        assert_eq!(forwarding.trim(), "1", "{ns}");
    }
}

fn test_pods_reach_their_node_and_nodes_reach_each_other(env: &Env) {
    let (alpha, beta, gamma) = (
        env.cluster("alpha"),
        env.cluster("beta"),
        env.cluster("gamma"),
    );
    let a1 = alpha.add_test_pod("client").unwrap();
    let a2 = alpha.add_test_pod("server").unwrap();
    let b1 = beta.add_test_pod("client").unwrap();
    let g1 = gamma.add_test_pod("client").unwrap();
    assert_eq!(a1.ip, Ipv4Addr::new(10, 243, 0, 10));
    assert_eq!(a2.ip, Ipv4Addr::new(10, 243, 0, 11));
    // Identical pod CIDRs: the same address in two clusters, each in its own network.
    assert_eq!(b1.ip, Ipv4Addr::new(10, 244, 0, 10));
    assert_eq!(g1.ip, b1.ip);
    assert_ne!(b1.netns, g1.netns);
    assert!(alpha.add_test_pod("Bad_Name").is_err());

    let expect_replies = |report: net::PingReport, what: &str| {
        assert_eq!(
            (report.transmitted, report.received),
            (3, 3),
            "{what}: {}",
            report.output
        );
    };
    expect_replies(
        a1.ping(Ipv4Addr::new(10, 243, 0, 1), 3).unwrap(),
        "alpha pod → its pod bridge",
    );
    expect_replies(a1.ping(a2.ip, 3).unwrap(), "alpha pod → alpha pod");
    expect_replies(
        a1.ping(alpha.node_ip().unwrap(), 3).unwrap(),
        "alpha pod → its node",
    );
    expect_replies(
        g1.ping(Ipv4Addr::new(10, 244, 0, 1), 3).unwrap(),
        "gamma pod → its pod bridge",
    );
    let alpha_ns = node_ns(alpha);
    expect_replies(
        net::ping_in(alpha_ns, beta.node_ip().unwrap(), 3).unwrap(),
        "alpha node → beta node",
    );
    expect_replies(
        net::ping_in(alpha_ns, env.wan_host_ip().unwrap(), 3).unwrap(),
        "alpha node → host",
    );
    let hostname = run_ok(&mut a1.command("ip", &["-o", "-4", "addr", "show", "dev", "eth0"]));
    assert!(hostname.contains("10.243.0.10/16"), "{hostname}");
    bridge_macs_stay_put_as_pods_come_and_go(alpha_ns, &a1, &a2);

    // The API server listens on the host's WAN address too.
    let port = api_port(alpha);
    let connect = format!("exec 3<>/dev/tcp/{}/{port}", env.wan_host_ip().unwrap());
    run_ok(Command::new("ip").args([
        "netns", "exec", alpha_ns, "timeout", "10", "bash", "-c", &connect,
    ]));
}

/// Every bridge and pod interface has a MAC fixed by its address: a bridge whose MAC followed
/// its lowest port would change as pods come and go, leaving every other pod's ARP entry for
/// its gateway pointing nowhere for tens of seconds.
fn bridge_macs_stay_put_as_pods_come_and_go(node_ns: &str, a1: &net::TestPod, a2: &net::TestPod) {
    let mac = |ns: &str, dev: &str| {
        let out = ip(&["-n", ns, "-o", "link", "show", "dev", dev]);
        let at = out.find("link/ether ").expect("an ethernet link") + "link/ether ".len();
        out[at..at + 17].to_string()
    };
    assert_eq!(mac(&a1.netns, "eth0"), "0a:58:0a:f3:00:0a");
    assert_eq!(mac(node_ns, "eth0"), {
        let [_, _, c, d] = ip(&["-n", node_ns, "-o", "-4", "addr", "show", "dev", "eth0"])
            .split_whitespace()
            .nth(3)
            .and_then(|a| a.split('/').next()?.parse::<Ipv4Addr>().ok())
            .expect("the node's address")
            .octets();
        format!("0a:58:ac:1f:{c:02x}:{d:02x}")
    });
    let before = mac(node_ns, "cbr0");
    assert_eq!(before, "02:42:0a:f3:00:01");
    run_ok(Command::new("ip").args(["netns", "del", &a2.netns]));
    assert_eq!(mac(node_ns, "cbr0"), before, "the pod bridge kept its MAC");
    let report = a1.ping(Ipv4Addr::new(10, 243, 0, 1), 1).unwrap();
    assert_eq!(report.received, 1, "{}", report.output);
}

async fn nodes_report_their_wan_address(env: &Env) {
    for cluster in env.clusters() {
        let node = Api::<Node>::all(cluster.client())
            .get(&cluster.config().node_name())
            .await
            .unwrap();
        let internal: Vec<String> = node
            .status
            .and_then(|s| s.addresses)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.type_ == "InternalIP")
            .map(|a| a.address)
            .collect();
        assert_eq!(internal, [cluster.node_ip().unwrap().to_string()]);
    }
}

async fn gateway_pods_run_in_the_node_namespace_and_reach_the_api_server(env: &Env) {
    let alpha = env.cluster("alpha");
    let client = alpha.client();
    let secret: Secret = from_json(json!({
        "metadata": {"name": "gw-keys"},
        "stringData": {"privateKey": "not-really-a-key"}
    }));
    Api::<Secret>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let kubectl = Binaries::default_dir().join("kubectl");
    // Everything the gateway containers rely on: the node's address, the keys volume, and an
    // API server reached with the pod's own kubeconfig (TLS to the WAN address, SA token).
    let script = r#"set -e
echo "addr: $(ip -o -4 addr show dev eth0)"
echo "pod-ip: $POD_IP"
echo "key: $(cat /etc/wireguard/keys/privateKey)"
echo "$(grep server: "$KUBECONFIG")"
echo "whoami: $("$KUBECTL" --kubeconfig "$KUBECONFIG" auth whoami -o jsonpath='{.status.userInfo.username}')"
"#;
    let pod: Pod = from_json(json!({
        "metadata": {"name": "gateway", "labels": {"networking.liqo.io/component": "gateway"}},
        "spec": {
            "restartPolicy": "Never",
            "containers": [{
                "name": "wireguard",
                "image": "ghcr.io/liqoctl-rs/liqo:test",
                "command": ["/bin/sh", "-c", script],
                "env": [
                    {"name": "KUBECTL", "value": kubectl.display().to_string()},
                    {"name": "HOME", "value": "/tmp"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
                ],
                "volumeMounts": [{"name": "keys", "mountPath": "/etc/wireguard/keys", "readOnly": true}]
            }],
            "volumes": [{"name": "keys", "secret": {"secretName": "gw-keys"}}]
        }
    }));
    let pods = Api::<Pod>::namespaced(client.clone(), "default");
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let finished = |p: Option<&Pod>| {
        matches!(
            p.and_then(|p| p.status.as_ref()?.phase.as_deref()),
            Some("Succeeded" | "Failed")
        )
    };
    let pod = within(
        "the gateway pod to finish",
        await_condition(pods, "gateway", finished),
    )
    .await
    .unwrap()
    .unwrap();
    let log = gateway_log(alpha);
    let status = pod.status.unwrap();
    assert_eq!(status.phase.as_deref(), Some("Succeeded"), "{log}");
    let node_ip = alpha.node_ip().unwrap().to_string();
    assert_eq!(status.pod_ip.as_deref(), Some(node_ip.as_str()));
    assert_eq!(status.host_ip.as_deref(), Some(node_ip.as_str()));
    let server = alpha.node_server().unwrap();
    for line in [
        format!("inet {node_ip}/24"),
        format!("pod-ip: {node_ip}"),
        "key: not-really-a-key".to_string(),
        format!("server: {server}"),
        "whoami: system:serviceaccount:default:default".to_string(),
    ] {
        assert!(log.contains(&line), "{line:?} not in the log:\n{log}");
    }
}

/// The gateway container's log in the node agent's pod directory.
fn gateway_log(cluster: &Cluster) -> String {
    let pods_dir = cluster.dir().join("pods");
    let dir = std::fs::read_dir(&pods_dir)
        .unwrap()
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("default_gateway_")
        })
        .expect("the gateway pod's directory");
    std::fs::read_to_string(dir.path().join("wireguard.log")).unwrap()
}

async fn load_balancers_get_the_node_ip_and_node_ports_are_forwarded(env: &Env) {
    let (alpha, beta) = (env.cluster("alpha"), env.cluster("beta"));
    let lb = create_service(
        alpha,
        json!({
            "metadata": {"name": "gw-server"},
            "spec": {"type": "LoadBalancer", "selector": {"app": "gw"},
                     "ports": [{"port": 51840, "targetPort": 51840, "protocol": "UDP"}]}
        }),
    )
    .await;
    let alpha_ip = alpha.node_ip().unwrap().to_string();
    let has_ingress = |s: Option<&Service>| {
        s.and_then(|s| s.status.as_ref()?.load_balancer.as_ref()?.ingress.as_ref())
            .is_some_and(|i| i.len() == 1 && i[0].ip.as_deref() == Some(alpha_ip.as_str()))
    };
    let services = Api::<Service>::namespaced(alpha.client(), "default");
    within(
        "the LoadBalancer ingress",
        await_condition(services, "gw-server", has_ingress),
    )
    .await
    .unwrap();
    let lb_port = node_port(&lb);
    await_forwarded(alpha.client(), "gw-server").await;
    let table = ip(&[
        "netns",
        "exec",
        node_ns(alpha),
        "nft",
        "list",
        "table",
        "ip",
        NAT_TABLE,
    ]);
    let rule = format!("udp dport {lb_port} dnat to {alpha_ip}:51840");
    assert!(table.contains(&rule), "{rule:?} not in\n{table}");

    let np = create_service(
        beta,
        json!({
            "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "selector": {"app": "web"},
                     "ports": [{"port": 8080, "targetPort": 9090}]}
        }),
    )
    .await;
    let np_port = node_port(&np);
    await_forwarded(beta.client(), "web").await;
    let beta_ns = node_ns(beta);
    let beta_ip = beta.node_ip().unwrap();
    let table = ip(&[
        "netns", "exec", beta_ns, "nft", "list", "table", "ip", NAT_TABLE,
    ]);
    let rule = format!("tcp dport {np_port} dnat to {beta_ip}:9090");
    assert!(table.contains(&rule), "{rule:?} not in\n{table}");
    node_port_forwards_to_the_target_port(node_ns(alpha), beta_ns, beta_ip, np_port);

    // The agent handles Service events in order: once a later Service is forwarded, the
    // deleted one's rule is gone from the rewritten table.
    Api::<Service>::namespaced(beta.client(), "default")
        .delete("web", &Default::default())
        .await
        .unwrap();
    let later = create_service(
        beta,
        json!({
            "metadata": {"name": "later"},
            "spec": {"type": "NodePort", "selector": {"app": "later"},
                     "ports": [{"port": 53, "targetPort": 5353, "protocol": "UDP"}]}
        }),
    )
    .await;
    await_forwarded(beta.client(), "later").await;
    let table = ip(&[
        "netns", "exec", beta_ns, "nft", "list", "table", "ip", NAT_TABLE,
    ]);
    let later_rule = format!("udp dport {} dnat to {beta_ip}:5353", node_port(&later));
    assert!(
        table.contains(&later_rule),
        "{later_rule:?} not in\n{table}"
    );
    assert!(!table.contains(&rule), "{rule:?} still in\n{table}");
}

/// A TCP connection from alpha's node to beta's node port lands on a listener on the target
/// port in beta's node namespace.
fn node_port_forwards_to_the_target_port(from_ns: &str, to_ns: &str, to_ip: Ipv4Addr, port: u16) {
    let mut server = Command::new("ip")
        .args([
            "netns",
            "exec",
            to_ns,
            "iperf3",
            "-s",
            "-1",
            "-p",
            "9090",
            "--forceflush",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    // iperf3 prints this once it listens.
    assert!(
        lines.any(|l| l.is_ok_and(|l| l.contains("Server listening on 9090"))),
        "iperf3 did not start"
    );
    let connect = format!("exec 3<>/dev/tcp/{to_ip}/{port}");
    let result = Command::new("ip")
        .args([
            "netns", "exec", from_ns, "timeout", "10", "bash", "-c", &connect,
        ])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        result.status.success(),
        "connecting to {to_ip}:{port}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
}

async fn create_service(cluster: &Cluster, value: serde_json::Value) -> Service {
    Api::<Service>::namespaced(cluster.client(), "default")
        .create(&PostParams::default(), &from_json(value))
        .await
        .unwrap()
}

fn node_port(svc: &Service) -> u16 {
    let port = svc.spec.as_ref().unwrap().ports.as_ref().unwrap()[0].node_port;
    u16::try_from(port.expect("a node port is allocated")).unwrap()
}

/// Waits for the node agent's `NodePortsForwarded` Event on Service `name`.
async fn await_forwarded(client: Client, name: &str) {
    let events = Api::<Event>::namespaced(client, "default");
    let config = watcher::Config::default().fields(&format!(
        "involvedObject.name={name},reason={REASON_NODE_PORTS}"
    ));
    let mut stream = watcher::watcher(events, config).applied_objects().boxed();
    within(
        &format!("{REASON_NODE_PORTS} on Service {name}"),
        stream.try_next(),
    )
    .await
    .unwrap()
    .expect("the event stream does not end");
}

/// `testenv up --network` in `dir`, its stdout.
fn testenv_up(dir: &std::path::Path, args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("testenv")
        .unwrap()
        .args(["up", "--network", "--dir"])
        .arg(dir)
        .args(args)
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "up failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn testenv(args: &[&str], dir: &std::path::Path) -> String {
    let out = assert_cmd::Command::cargo_bin("testenv")
        .unwrap()
        .args(args)
        .arg("--dir")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "testenv {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The node line of `testenv status`: (node ip, netns, pod CIDR).
fn status_node(report: &str) -> (Ipv4Addr, String, String) {
    let line = report
        .lines()
        .find(|l| l.trim_start().starts_with("node\t"))
        .unwrap_or_else(|| panic!("no node line in {report}"));
    let fields: Vec<&str> = line.trim_start().split('\t').collect();
    let after = |prefix: &str| {
        fields
            .iter()
            .find_map(|f| f.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {line}"))
            .to_string()
    };
    (
        fields[1].parse().unwrap(),
        after("netns "),
        after("pod-cidr "),
    )
}

fn netns_exists(name: &str) -> bool {
    netns_list().iter().any(|n| n == name)
}

#[test]
fn the_cli_brings_up_networks_down_removes_them_and_killed_ones_are_swept() {
    let base = std::env::temp_dir().join("liqo-testenv");
    let pid = std::process::id();
    // Owned by this (live) process while starting, so no sweeper touches them yet.
    let killed = base.join(format!("{pid}-net-killed"));
    let live = base.join(format!("{pid}-net-live"));
    let (killed_out, live_out) = std::thread::scope(|s| {
        let k = s.spawn(|| testenv_up(&killed, &["--pod-cidr", "solo=10.250.0.0/16", "solo"]));
        let l = s.spawn(|| testenv_up(&live, &["keep"]));
        (k.join().unwrap(), l.join().unwrap())
    });
    assert!(killed_out.starts_with("solo\t"), "{killed_out}");
    assert!(live_out.starts_with("keep\t"), "{live_out}");

    let (killed_ip, killed_ns, cidr) = status_node(&testenv(&["status"], &killed));
    assert_eq!(cidr, "10.250.0.0/16");
    assert!(netns_exists(&killed_ns));
    let cbr0 = addresses(&killed_ns, "cbr0");
    assert!(cbr0.contains("inet 10.250.0.1/16"), "{cbr0}");
    let (live_ip, live_ns, live_cidr) = status_node(&testenv(&["status"], &live));
    assert_eq!(live_cidr, "10.244.0.0/16");
    assert_ne!(killed_ip, live_ip, "two environments, two WAN subnets");
    assert!(netns_exists(&live_ns));

    // A test process SIGKILLed: its processes die, its directory and network stay, now owned
    // by a pid that no longer exists.
    for state in liqo_testenv::ClusterState::load_all(&killed).unwrap() {
        for c in state.components {
            run_ok(Command::new("kill").args(["-9", &c.pid.to_string()]));
        }
    }
    let mut exited = Command::new("true").spawn().unwrap();
    let dead_pid = exited.id();
    exited.wait().unwrap();
    let stale = base.join(format!("{dead_pid}-net-killed"));
    std::fs::rename(&killed, &stale).unwrap();

    // The next environment's start sweeps it, and leaves the live one alone.
    let empty = Env::builder()
        .start_blocking()
        .expect("an empty env starts");
    drop(empty);
    assert!(!stale.exists(), "{} not swept", stale.display());
    assert!(!netns_exists(&killed_ns), "{killed_ns} not swept");
    assert!(netns_exists(&live_ns), "a live env's {live_ns} was swept");

    let _ = testenv(&["down"], &live);
    assert!(!netns_exists(&live_ns), "{live_ns} left after down");
    assert!(!live.exists());
    let bridges = ip(&["-o", "link", "show", "type", "bridge"]);
    for ns in [&killed_ns, &live_ns] {
        let id = ns.split('-').nth(1).unwrap();
        assert!(!bridges.contains(&format!("lw-{id}")), "{bridges}");
    }
}
