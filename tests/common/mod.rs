//! Helpers shared by the liqoctl flow tests: running the binary and snapshotting clusters.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use kube::discovery::Discovery;
use kube::{Api, Client};

/// Runs liqoctl with `args`, no terminal, colours off; bounded so a hang fails the test.
pub fn liqoctl(args: &[&str]) -> Output {
    ensure_control_plane_built();
    Command::cargo_bin("liqoctl")
        .expect("liqoctl is built")
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(300))
        .output()
        .expect("liqoctl runs")
}

/// `--kubeconfig <path>` of a test cluster.
pub fn kubeconfig(path: &Path) -> String {
    format!("--kubeconfig={}", path.display())
}

pub fn remote_kubeconfig(path: &Path) -> String {
    format!("--remote-kubeconfig={}", path.display())
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The node agent runs the controller manager from the workspace's build: it must exist.
fn ensure_control_plane_built() {
    let bin = liqo_testenv::pods::PodsConfig::default_bin_dir().join("liqo-controller-manager");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build --workspace --bins` (make test does)",
        bin.display()
    );
}

/// Every object of every listable resource, as `group/Kind ns/name`, except Events.
pub async fn snapshot(client: &Client) -> BTreeSet<String> {
    liqo_testenv::snapshot::names(client).await
}

/// Every (verb, group/resource[/subresource], namespace) `client` may do, from a
/// SelfSubjectAccessReview per combination of every served resource × `namespaces` (the empty
/// string is cluster scope) × the usual verbs. `admin` runs discovery.
pub async fn allowed_matrix(
    admin: &Client,
    client: &Client,
    namespaces: &[&str],
) -> BTreeSet<String> {
    use futures::StreamExt;
    use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
    let discovery = Discovery::new(admin.clone())
        .run()
        .await
        .expect("discovery");
    let mut checks = Vec::new();
    for group in discovery.groups() {
        for (ar, caps) in group.recommended_resources() {
            let mut resources = vec![(ar.plural.clone(), String::new())];
            resources.extend(
                caps.subresources
                    .iter()
                    .map(|(sub, _)| (ar.plural.clone(), sub.plural.clone())),
            );
            for (resource, sub) in resources {
                for ns in namespaces {
                    for verb in VERBS {
                        checks.push((
                            ar.group.clone(),
                            resource.clone(),
                            sub.clone(),
                            ns.to_string(),
                            verb,
                        ));
                    }
                }
            }
        }
    }
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    futures::stream::iter(checks)
        .map(|(group, resource, sub, ns, verb)| {
            let api = api.clone();
            async move {
                let review: SelfSubjectAccessReview = serde_json::from_value(serde_json::json!({"spec": {"resourceAttributes": {
                    "verb": verb, "group": group, "resource": resource, "subresource": sub, "namespace": ns}}}))
                .expect("review");
                let answer = api.create(&Default::default(), &review).await.expect("access review");
                let path = if sub.is_empty() { format!("{group}/{resource}") } else { format!("{group}/{resource}/{sub}") };
                answer.status.is_some_and(|s| s.allowed).then(|| format!("{verb} {path} in {ns:?}"))
            }
        })
        .buffer_unordered(16)
        .filter_map(std::future::ready)
        .collect()
        .await
}

/// Test clusters with Liqo installed by `liqoctl install`: `installed` are (cluster, cluster ID)
/// pairs; `bare` clusters get no Liqo. The installs run at once (an install mostly waits for
/// its cluster's pods).
pub fn installed_env(installed: &[(&str, &str)], bare: &[&str]) -> liqo_testenv::Env {
    let mut builder = liqo_testenv::Env::builder();
    for name in installed.iter().map(|(c, _)| c).chain(bare) {
        builder = builder.cluster(name);
    }
    let env = builder.start_blocking().expect("test clusters start");
    let flags = installed
        .iter()
        .map(|(cluster, id)| (*cluster, vec![format!("--cluster-id={id}")]))
        .collect();
    install_all(&env, flags);
    env
}

/// Test clusters on a test network (nodes in network namespaces on a shared bridge), each
/// `(cluster, cluster ID, pod CIDR)` installed by `liqoctl install --pod-cidr`, at once.
pub fn installed_network_env(clusters: &[(&str, &str, &str)]) -> liqo_testenv::Env {
    let mut builder = liqo_testenv::Env::builder().network(true);
    for (name, _, pod_cidr) in clusters {
        builder =
            builder.cluster_config(liqo_testenv::ClusterConfig::new(*name).pod_cidr(*pod_cidr));
    }
    let env = builder.start_blocking().expect("test clusters start");
    let flags = clusters
        .iter()
        .map(|(cluster, id, pod_cidr)| {
            let flags = vec![
                format!("--cluster-id={id}"),
                format!("--pod-cidr={pod_cidr}"),
            ];
            (*cluster, flags)
        })
        .collect();
    install_all(&env, flags);
    env
}

/// `liqoctl install` with each cluster's flags, all at once; panics naming the first cluster
/// whose install failed.
pub fn install_all(env: &liqo_testenv::Env, installs: Vec<(&str, Vec<String>)>) {
    std::thread::scope(|scope| {
        let runs: Vec<_> = installs
            .iter()
            .map(|(cluster, flags)| {
                scope.spawn(move || {
                    let kc = kubeconfig(env.cluster(cluster).kubeconfig());
                    let mut args = vec![kc.as_str(), "install"];
                    args.extend(flags.iter().map(String::as_str));
                    liqoctl(&args)
                })
            })
            .collect();
        for ((cluster, _), run) in installs.iter().zip(runs) {
            let out = run.join().expect("install thread");
            assert!(
                out.status.success(),
                "install on {cluster} failed: {}",
                stderr(&out)
            );
        }
    });
}

/// Whether `client` may `verb` `group/resource` in `namespace` (a SelfSubjectAccessReview).
pub async fn can(
    client: &Client,
    verb: &str,
    group: &str,
    resource: &str,
    namespace: &str,
) -> bool {
    use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
    let review: SelfSubjectAccessReview =
        serde_json::from_value(serde_json::json!({"spec": {"resourceAttributes": {
        "verb": verb, "group": group, "resource": resource, "namespace": namespace}}}))
        .expect("review");
    let answer = Api::<SelfSubjectAccessReview>::all(client.clone())
        .create(&Default::default(), &review)
        .await
        .expect("access review");
    answer.status.is_some_and(|s| s.allowed)
}

/// The verbs the access matrix checks.
pub const VERBS: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// A client from kubeconfig text (an identity's or a peering user's).
pub async fn client_from_kubeconfig(text: &str) -> Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(text).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .expect("kubeconfig is usable");
    Client::try_from(config).expect("client builds")
}

/// Host bits of `ip` on the network bits of `cidr`: how a remapped CIDR shows a peer's address.
pub fn on_network(cidr: &str, ip: std::net::Ipv4Addr) -> std::net::Ipv4Addr {
    let (net, len) = cidr.split_once('/').expect("a CIDR");
    let net: std::net::Ipv4Addr = net.parse().expect("an IPv4 network");
    let len: u32 = len.parse().expect("a prefix length");
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    std::net::Ipv4Addr::from((u32::from(net) & mask) | (u32::from(ip) & !mask))
}
