//! docs/ci-peering.md's script, exactly as the doc shows it (its first ```bash block), run with
//! bash against two test clusters on a test network: it peers, checks every module, and its
//! EXIT trap unpeers, leaving neither cluster with anything of the peering.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::ListParams;
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::authentication::{Identity, ResourceSlice, Tenant};
use liqo_api::core::ForeignCluster;
use liqo_api::networking::{Connection, GatewayClient, GatewayServer};
use liqo_api::offloading::VirtualNode;
use serde::de::DeserializeOwned;

const C_ID: &str = "ci-c-id";
const P_ID: &str = "ci-p-id";
/// Bound on the whole script: peer, checks and unpeer on a warm pair take seconds.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// The first ```bash block of docs/ci-peering.md.
fn doc_script() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/ci-peering.md");
    let doc = std::fs::read_to_string(&path).expect("docs/ci-peering.md is readable");
    let (_, rest) = doc
        .split_once("```bash\n")
        .expect("docs/ci-peering.md has a ```bash block");
    let (script, _) = rest
        .split_once("\n```")
        .expect("the ```bash block is closed");
    format!("{script}\n")
}

/// Names of every `K` in the cluster, as `ns/name`.
async fn all<K>(client: &Client) -> Vec<String>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap_or_else(|e| panic!("list {}: {e}", K::kind(&K::DynamicType::default())))
        .items
        .iter()
        .map(|o| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any()))
        .collect()
}

/// What is left of a peering in a cluster: its objects, ForeignClusters, tenant namespaces
/// and virtual Nodes. Empty when nothing is peered.
async fn peering_left(client: &Client) -> Vec<String> {
    let mut left = Vec::new();
    left.extend(all::<ResourceSlice>(client).await);
    left.extend(all::<VirtualNode>(client).await);
    left.extend(all::<Identity>(client).await);
    left.extend(all::<Tenant>(client).await);
    left.extend(all::<Connection>(client).await);
    left.extend(all::<GatewayClient>(client).await);
    left.extend(all::<GatewayServer>(client).await);
    let fcs = Api::<ForeignCluster>::all(client.clone())
        .list(&ListParams::default())
        .await;
    left.extend(
        fcs.expect("list ForeignClusters")
            .items
            .iter()
            .map(|f| format!("ForeignCluster {}", f.name_any())),
    );
    let virtual_nodes = ListParams::default().labels("liqo.io/type=virtual-node");
    let nodes = Api::<Node>::all(client.clone())
        .list(&virtual_nodes)
        .await
        .expect("list Nodes");
    left.extend(nodes.items.iter().map(|n| format!("Node {}", n.name_any())));
    let namespaces = Api::<Namespace>::all(client.clone())
        .list(&ListParams::default())
        .await
        .expect("list Namespaces");
    left.extend(
        namespaces
            .items
            .iter()
            .map(ResourceExt::name_any)
            .filter(|n| n.starts_with("liqo-tenant-"))
            .map(|n| format!("Namespace {n}")),
    );
    left
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_ci_script_peers_checks_and_unpeers_on_exit() {
    let env = tokio::task::spawn_blocking(|| {
        common::installed_network_env(&[
            ("ci-c", C_ID, "10.243.0.0/16"),
            ("ci-p", P_ID, "10.244.0.0/16"),
        ])
    })
    .await
    .expect("clusters start");
    let (consumer, provider) = (env.cluster("ci-c"), env.cluster("ci-p"));
    let liqoctl = assert_cmd::cargo::cargo_bin("liqoctl");

    let out = Command::new("bash")
        .arg("-c")
        .arg(doc_script())
        .env("LIQOCTL", &liqoctl)
        .env("CONSUMER_KUBECONFIG", consumer.kubeconfig())
        .env("PROVIDER_KUBECONFIG", provider.kubeconfig())
        .env("NO_COLOR", "1")
        .timeout(SCRIPT_TIMEOUT)
        .output()
        .expect("bash runs");
    let (stdout, stderr) = (common::stdout(&out), common::stderr(&out));
    assert_eq!(
        out.status.code(),
        Some(0),
        "script failed:\n{stdout}\n{stderr}"
    );
    // The script did peer: it printed the virtual node the checks read, and unpeer ran.
    assert!(
        stdout.contains(&format!("peered with {P_ID}; virtual nodes: ")) && stdout.contains(P_ID),
        "stdout: {stdout}"
    );
    assert!(stderr.contains("Node ci-p-id is ready"), "stderr: {stderr}");

    for (name, cluster) in [("consumer", consumer), ("provider", provider)] {
        let left = peering_left(&cluster.client()).await;
        assert!(
            left.is_empty(),
            "{name} still holds {left:?} after the EXIT trap's unpeer"
        );
    }
}
