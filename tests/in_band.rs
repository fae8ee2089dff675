//! The in-band path to a provider's API server (spec networking.md §8, authentication.md §9.1
//! step 11) on two real clusters with the same pod and external CIDRs: `install` gives the
//! provider its API-server proxy and the `api-server-proxy` IP, whose alias the IPAM grants in
//! the external CIDR; `authenticate --in-band` puts `http://<alias as the consumer remaps
//! it>:8118` into the Tenant and into the consumer's Identity kubeconfig; with every packet to
//! the provider's API server dropped in the consumer's node namespace, a consumer pod reaches
//! that API server with the Identity's kubeconfig through the tunnel and the proxy
//! (authenticated there as the consumer), and the provider's gateway counts the traffic it
//! mapped; the proxy refuses a CONNECT to anything else, and after its pod is replaced it
//! serves again.

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

fn env() -> Env {
    common::installed_network_env(&[(C.0, C.1, CIDR), (P.0, P.1, CIDR)])
}

async fn liqoctl(env: &Env, args: &[&str]) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, Some(P.0)).await
}

/// Host bits of `ip` on the network bits of `cidr`.
fn on(cidr: &str, ip: Ipv4Addr) -> Ipv4Addr {
    let (net, len) = cidr.split_once('/').unwrap();
    let (net, len): (Ipv4Addr, u32) = (net.parse().unwrap(), len.parse().unwrap());
    let mask = u32::MAX << (32 - len);
    Ipv4Addr::from((u32::from(net) & mask) | (u32::from(ip) & !mask))
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

/// A raw CONNECT to `target` through the proxy at `proxy`, from inside `pod`: the status line.
async fn connect_status(pod: &TestPod, proxy: SocketAddr, target: &str) -> String {
    let mut s = liqo_testenv::net::connect_in(Some(&pod.netns), proxy, Duration::from_secs(10))
        .await
        .unwrap();
    s.write_all(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_pod_reaches_the_provider_api_server_only_through_the_tunnel_and_its_proxy() {
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

    // 2. The tunnel, then authentication through the proxy.
    let connect = liqoctl(&env, &["network", "connect", "--wait", "--timeout=120s"]).await;
    flows::ok("network connect", &connect);
    let auth = liqoctl(&env, &["authenticate", "--in-band", "--timeout=120s"]).await;
    flows::ok("authenticate --in-band", &auth);

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
    let proxy = SocketAddr::new(on(&remapped_ext, alias).into(), 8118);
    let proxy_url = format!("http://{}", proxy);
    let tenant = Api::<Tenant>::namespaced(p.clone(), &flows::tenant_ns(C.1))
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(tenant.spec.proxy_url.as_deref(), Some(proxy_url.as_str()));
    let identity = flows::identity_kubeconfig(&c, P.1).await;
    assert!(
        identity.contains(&format!("proxy-url: {proxy_url}")),
        "the Identity's kubeconfig goes through the proxy: {}",
        identity
            .lines()
            .filter(|l| l.contains("server") || l.contains("proxy"))
            .collect::<Vec<_>>()
            .join(" | ")
    );

    // 3. Block every packet to the provider's API server in the consumer's node namespace.
    let direct = env.cluster(P.0).node_server().unwrap();
    let api_port = direct.rsplit(':').next().unwrap().to_string();
    let host_ip = env.wan_host_ip().unwrap();
    let block = format!(
        "table inet in-band-test {{ chain forward {{ type filter hook forward priority 0; ip daddr {host_ip} tcp dport {api_port} drop; }}; }}"
    );
    let consumer_node = env.cluster(C.0).node_netns().unwrap().to_string();
    let blocked = std::process::Command::new("ip")
        .args(["netns", "exec", &consumer_node, "nft", &block])
        .status()
        .unwrap();
    assert!(blocked.success(), "the block rule is installed");

    let dir = tempfile::tempdir().unwrap();
    let through_proxy = dir.path().join("identity.kubeconfig");
    std::fs::write(&through_proxy, &identity).unwrap();
    // The same identity without the proxy, at the address the provider's nodes use.
    let direct_kc = dir.path().join("direct.kubeconfig");
    let without_proxy: String = identity
        .lines()
        .filter(|l| !l.trim_start().starts_with("proxy-url:"))
        .map(|l| match l.trim_start().strip_prefix("server: ") {
            Some(_) => format!("    server: {direct}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&direct_kc, without_proxy).unwrap();

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
    let after = mapped_packets(&env);
    assert!(
        after > before,
        "the provider's gateway mapped the API traffic from the tunnel ({before} -> {after} packets)"
    );

    // 4. Anything but the API server is refused, through the same path.
    for target in [
        format!("{cluster_ip}:8118"),
        format!("{host_ip}:22"),
        "kubernetes.default.svc:80".into(),
    ] {
        let status = connect_status(&pod, proxy, &target).await;
        assert!(status.starts_with("HTTP/1.1 403"), "{target}: {status}");
    }

    // 5. A replaced proxy pod serves again.
    let proxies: Api<Pod> = Api::namespaced(p.clone(), LIQO_NS);
    let selector = ListParams::default().labels("app.kubernetes.io/name=proxy");
    let old = proxies.list(&selector).await.unwrap().items.remove(0);
    proxies
        .delete(&old.name_any(), &DeleteParams::default())
        .await
        .unwrap();
    let old_uid = old.uid();
    pods::until_list(
        proxies.clone(),
        watcher::Config::default().labels("app.kubernetes.io/name=proxy"),
        "a new Ready proxy pod",
        pods::pod_summary,
        |pods| pods.iter().any(|p| p.uid() != old_uid && pods::running(p)),
    )
    .await;
    let new_ip = proxies
        .list(&selector)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.uid() != old_uid && pods::running(p))
        .and_then(|p| p.status?.pod_ip)
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
}
