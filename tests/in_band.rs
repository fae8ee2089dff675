//! The in-band control plane (spec networking.md §8, authentication.md §9.1 step 11) on two
//! real clusters with the same pod and external CIDRs: `install` gives the provider its
//! API-server proxy and the `api-server-proxy` IP, whose alias the IPAM grants in the external
//! CIDR. Every packet to the provider's API server address is then dropped where the
//! consumer's control plane runs (the host, for Liqo's own pods here, and the consumer's node
//! namespace, for its pods), and `peer --in-band` succeeds: `http://<alias as the
//! consumer remaps it>:8118` goes into the Tenant and the Identity kubeconfig, the consumer's
//! controllers and virtual kubelet reach the provider through the tunnel and the proxy, the
//! virtual node becomes Ready and a pod offloads, and the provider's gateway counts the
//! packets it mapped. A consumer pod authenticates as the consumer through the same path while
//! its direct path is cut; the proxy refuses a CONNECT to anything else; after its pod is
//! replaced, the path serves again and a new pod offloads. `unpeer` works the same way; then
//! `peer` without `--in-band` fails, naming the unreachable API server and suggesting
//! `--in-band`, and `peer --in-band` run over what it left converges.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{DeleteParams, ListParams};
use kube::runtime::wait::await_condition;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::authentication::Tenant;
use liqo_api::ipam::IP;
use liqo_api::networking::Configuration;
use liqo_testenv::{Env, TestPod};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The same pod CIDR on both sides (the external CIDRs are the same default too).
const CIDR: &str = "10.244.0.0/16";
const C: (&str, &str) = ("ib-c", "ib-c-id");
const P: (&str, &str) = ("ib-p", "ib-p-id");
const LIQO_NS: &str = "liqo";

const NS: &str = "in-band";

/// Both clusters installed; the provider advertises its API server at the address its nodes
/// (and a consumer's hosts) use, so the consumer's Identity names that address and a block of
/// it cuts the consumer's direct path but not the liqoctl of the test (on the loopback).
fn env() -> Env {
    let mut builder = Env::builder().network(true);
    for name in [C.0, P.0] {
        builder = builder.cluster_config(liqo_testenv::ClusterConfig::new(name).pod_cidr(CIDR));
    }
    let env = builder.start_blocking().expect("test clusters start");
    let provider_url = env.cluster(P.0).node_server().unwrap();
    let flags = |id: &str| vec![format!("--cluster-id={id}"), format!("--pod-cidr={CIDR}")];
    let mut provider = flags(P.1);
    provider.push(format!("--api-server-url={provider_url}"));
    common::install_all(&env, vec![(C.0, flags(C.1)), (P.0, provider)]);
    env
}

async fn liqoctl(env: &Env, args: &[&str]) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, Some(P.0)).await
}

/// kubectl of the test binaries inside `pod`'s network namespace; (success, stdout+stderr).
async fn kubectl_in(pod: &TestPod, kubeconfig: &Path, args: &[&str]) -> (bool, String) {
    let bins = liqo_testenv::Binaries::locate(&liqo_testenv::Binaries::default_dir()).unwrap();
    let kubectl = bins.kubectl.display().to_string();
    let kc = kubeconfig.display().to_string();
    let mut all = vec!["--kubeconfig", &kc, "--request-timeout=10s"];
    all.extend(args);
    let mut command = tokio::process::Command::from(pod.command(&kubectl, &all));
    let out = command.kill_on_drop(true).output().await.unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// What the provider's gateway counted in its IP-mapping rule for packets from the tunnel.
fn mapped_packets(env: &Env) -> u64 {
    let netns = env.cluster(P.0).node_netns().unwrap().to_string();
    let out = std::process::Command::new("ip")
        .args(["netns", "exec", &netns, "nft", "list", "chain", "ip"])
        .args(["liqo-gateway", "ip-mapping-in"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.split("counter packets ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no IP-mapping counter in the provider's gateway: {text}"))
}

/// A credential a client sends the proxy (base64 of `in-band-secret`).
const PROXY_SECRET: &str = "aW4tYmFuZC1zZWNyZXQ=";

/// A raw CONNECT to `target` through the proxy at `proxy`, from inside `pod`: the status line.
async fn connect_status(pod: &TestPod, proxy: SocketAddr, target: &str) -> String {
    let mut s = liqo_testenv::net::connect_in(Some(&pod.netns), proxy, Duration::from_secs(10))
        .await
        .unwrap();
    // With credentials for a proxy that wanted them: they must never reach its logs.
    let request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic {PROXY_SECRET}\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_in_band_works_with_the_direct_path_to_the_provider_api_server_cut() {
    let env = tokio::task::spawn_blocking(env).await.unwrap();
    let (c, p) = (env.cluster(C.0).client(), env.cluster(P.0).client());

    // 1. The provider's proxy IP: its Service's ClusterIP, aliased in the external CIDR.
    let ips: Api<IP> = Api::namespaced(p.clone(), LIQO_NS);
    let granted = |ip: Option<&IP>| ip.and_then(|i| i.status.as_ref()?.ip.as_ref()).is_some();
    flows::within(
        "the api-server-proxy IP's alias",
        await_condition(ips.clone(), "api-server-proxy", granted),
    )
    .await
    .unwrap();
    let ip = ips.get("api-server-proxy").await.unwrap();
    let proxy_svc = Api::<Service>::namespaced(p.clone(), LIQO_NS)
        .get("liqo-proxy")
        .await
        .unwrap();
    let cluster_ip = proxy_svc.spec.unwrap().cluster_ip.unwrap();
    assert_eq!(ip.spec.ip, cluster_ip, "spec.ip is the proxy's ClusterIP");
    let status = ip.status.clone().unwrap();
    assert_eq!(status.cidr.as_deref(), Some("10.70.0.0/16"));
    let alias: Ipv4Addr = status.ip.unwrap().parse().unwrap();
    assert_eq!(ip.labels()["ipam.liqo.io/ip-type"], "api-server-proxy");

    // 2. Every packet to the provider's API server dropped where the consumer's control
    // plane runs: Liqo's pods on the host (output), its other pods behind its node (forward).
    let direct = env.cluster(P.0).node_server().unwrap();
    let api_port = direct.rsplit(':').next().unwrap().to_string();
    let host_ip = env.wan_host_ip().unwrap();
    let rule = format!("ip daddr {host_ip} tcp dport {api_port} counter drop");
    let consumer_node = env.cluster(C.0).node_netns().unwrap().to_string();
    let _block = Block::install(&rule, &consumer_node);

    // 3. peer --in-band: network, authentication through the proxy, slice, virtual node.
    let peer = liqoctl(&env, &["peer", "--in-band", "--timeout=120s"]).await;
    flows::ok("peer --in-band", &peer);
    let after_peer = mapped_packets(&env);
    assert!(
        after_peer > 0,
        "the consumer's control plane reached the provider at the alias"
    );

    // The consumer addresses the provider's external CIDR (equal to its own) remapped.
    let configurations: Api<Configuration> = Api::namespaced(c.clone(), &flows::tenant_ns(P.1));
    let cfg = configurations
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .remove(0);
    let remapped_ext = cfg
        .status
        .unwrap()
        .remote
        .unwrap()
        .cidr
        .unwrap()
        .external
        .unwrap()[0]
        .clone();
    assert_ne!(
        remapped_ext, "10.70.0.0/16",
        "equal external CIDRs are remapped"
    );
    let proxy = SocketAddr::new(common::on_network(&remapped_ext, alias).into(), 8118);
    let proxy_url = format!("http://{proxy}");
    let tenant = Api::<Tenant>::namespaced(p.clone(), &flows::tenant_ns(C.1))
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(tenant.spec.proxy_url.as_deref(), Some(proxy_url.as_str()));
    let identity = flows::identity_kubeconfig(&c, P.1).await;
    assert!(
        identity.contains(&format!("server: {direct}"))
            && identity.contains(&format!("proxy-url: {proxy_url}")),
        "the Identity names the provider's API server and goes through the proxy: {}",
        identity
            .lines()
            .filter(|l| l.contains("server") || l.contains("proxy"))
            .collect::<Vec<_>>()
            .join(" | ")
    );

    // 4. A pod offloads through the virtual kubelet, which reaches the provider in-band.
    flows::offload_new_namespace(&env, C.0, NS, "Remote").await;
    offload_pod(&c, "web-1").await;
    assert!(
        mapped_packets(&env) > after_peer,
        "the virtual kubelet's traffic was mapped"
    );

    // 5. A consumer pod: the direct path is cut, the Identity through the proxy authenticates
    // at the provider's API server as the consumer.
    let dir = tempfile::tempdir().unwrap();
    let through_proxy = dir.path().join("identity.kubeconfig");
    std::fs::write(&through_proxy, &identity).unwrap();
    let direct_kc = dir.path().join("direct.kubeconfig");
    let without_proxy: Vec<&str> = identity
        .lines()
        .filter(|l| !l.trim_start().starts_with("proxy-url:"))
        .collect();
    std::fs::write(&direct_kc, without_proxy.join("\n")).unwrap();
    let pod = env.cluster(C.0).add_test_pod("client").unwrap();
    let whoami = [
        "auth",
        "whoami",
        "-o",
        "jsonpath={.status.userInfo.username}",
    ];
    let (ok, text) = kubectl_in(&pod, &direct_kc, &whoami).await;
    assert!(!ok, "the direct path is blocked: {text}");
    let before = mapped_packets(&env);
    let (ok, user) = kubectl_in(&pod, &through_proxy, &whoami).await;
    assert!(ok, "through the tunnel and the proxy: {user}");
    assert_eq!(
        user, C.1,
        "authenticated by the provider's API server as the consumer"
    );
    assert!(
        mapped_packets(&env) > before,
        "the provider's gateway mapped it"
    );

    // 6. Anything but the API server is refused, through the same path.
    for target in [
        format!("{cluster_ip}:8118"),
        format!("{host_ip}:22"),
        "kubernetes.default.svc:80".into(),
    ] {
        let status = connect_status(&pod, proxy, &target).await;
        assert!(status.starts_with("HTTP/1.1 403"), "{target}: {status}");
    }
    let leaked = flows::pod_log_lines(env.cluster(P.0), PROXY_SECRET);
    assert!(leaked.is_empty(), "the proxy logged a credential: {leaked}");

    // 7. A replaced proxy pod serves again; the virtual kubelet reconnects through it.
    let proxies: Api<Pod> = Api::namespaced(p.clone(), LIQO_NS);
    let selector = ListParams::default().labels("app.kubernetes.io/name=proxy");
    let old = proxies.list(&selector).await.unwrap().items.remove(0);
    proxies
        .delete(&old.name_any(), &DeleteParams::default())
        .await
        .unwrap();
    let old_uid = old.uid();
    let ready = pods::until_list(
        proxies.clone(),
        watcher::Config::default().labels("app.kubernetes.io/name=proxy"),
        "a new Ready proxy pod",
        pods::pod_summary,
        |pods| pods.iter().any(|p| p.uid() != old_uid && pods::running(p)),
    )
    .await;
    let new_ip = ready
        .iter()
        .find(|p| p.uid() != old_uid && pods::running(p))
        .and_then(|p| p.status.clone()?.pod_ip)
        .unwrap();
    pods::until_forwarded(
        p.clone(),
        LIQO_NS,
        "liqo-proxy",
        &[format!("{new_ip}:8118")],
    )
    .await;
    let (ok, user) = kubectl_in(&pod, &through_proxy, &whoami).await;
    assert!(ok && user == C.1, "after the proxy's restart: {user}");
    offload_pod(&c, "web-2").await;

    // 8. unpeer works in-band too; without --in-band the consumer's control plane never
    // reaches the provider: peer fails, naming the unreachable API server and suggesting
    // --in-band.
    let unpeer = liqoctl(&env, &["unpeer", "--timeout=90s"]).await;
    flows::ok("unpeer of the in-band peering", &unpeer);
    let direct_peer = liqoctl(&env, &["peer", "--timeout=30s"]).await;
    assert!(
        !direct_peer.status.success(),
        "a direct peer cannot work here"
    );
    let err = common::stderr(&direct_peer);
    assert!(
        err.contains(&format!(
            "the provider's API server {direct} is unreachable"
        )) && err.contains("peer with --in-band"),
        "{err}"
    );
    // 9. Run again with --in-band over what the failed run left, it converges: the Tenant's
    // new proxy URL reaches the Identity, and through it the slice and the virtual node.
    let rerun = liqoctl(&env, &["peer", "--in-band", "--timeout=120s"]).await;
    flows::ok("peer --in-band over a failed direct peer", &rerun);
    let identity = flows::identity_kubeconfig(&c, P.1).await;
    assert!(identity.contains(&format!("proxy-url: {proxy_url}")));
}

/// Creates a demo pod in the offloaded namespace and waits until the consumer sees it Running
/// and Ready, as the provider reports it.
async fn offload_pod(c: &kube::Client, name: &str) {
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "namespace": NS},
        "spec": {"terminationGracePeriodSeconds": 2, "containers": [pods::demo_container()]}
    }))
    .unwrap();
    let api: Api<Pod> = Api::namespaced(c.clone(), NS);
    api.create(&Default::default(), &pod).await.unwrap();
    let field = format!("metadata.name={name}");
    pods::until_list(
        api,
        watcher::Config::default().fields(&field),
        &format!("offloaded pod {name} Running and Ready"),
        pods::pod_summary,
        |pods| pods.iter().any(|p| pods::running(p)),
    )
    .await;
}

/// The test's nftables table.
const BLOCK_TABLE: &str = "in-band-test";

/// Drops every packet matching a rule in the host's output hook (the consumer's Liqo pods run
/// on the host) and in the consumer node's forward hook (its other pods); removed on drop.
struct Block {
    node_netns: String,
}

impl Block {
    fn install(rule: &str, node_netns: &str) -> Self {
        for (netns, hook) in [(None, "output"), (Some(node_netns), "forward")] {
            let script = format!(
                "table inet {BLOCK_TABLE} {{ chain block {{ type filter hook {hook} priority 0; {rule}; }}; }}"
            );
            let status = match netns {
                None => std::process::Command::new("nft").arg(&script).status(),
                Some(ns) => std::process::Command::new("ip")
                    .args(["netns", "exec", ns, "nft", &script])
                    .status(),
            };
            assert!(
                status.unwrap().success(),
                "block rule in {netns:?}: {script}"
            );
        }
        Self {
            node_netns: node_netns.to_string(),
        }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        let delete = ["delete", "table", "inet", BLOCK_TABLE];
        let _ = std::process::Command::new("nft").args(delete).status();
        let _ = std::process::Command::new("ip")
            .args(["netns", "exec", &self.node_netns, "nft"])
            .args(delete)
            .status();
    }
}
