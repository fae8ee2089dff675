//! Offloading end to end on two real clusters: `create resourceslice` on the consumer → the
//! provider accepts it and computes the resources → a VirtualNode → a virtual-kubelet pod → a
//! `Node` that is Ready with exactly the granted capacity; the request changes the capacity; the
//! virtual kubelet and the controller manager survive being killed; deleting the slice cascades
//! on both clusters; running `create` or `delete` a second time changes nothing.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;
#[path = "common/installs.rs"]
mod installs;
#[path = "common/upstream.rs"]
mod upstream;
#[path = "common/versions.rs"]
mod versions;

use std::collections::{BTreeMap, BTreeSet};

use common::{kubeconfig, remote_kubeconfig, stdout};
use flows::{expected, ok, run, snapshots, tenant_ns, within};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{DeleteParams, ListParams};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Renew, ResourceSlice};
use liqo_api::offloading::{NamespaceMap, Quota, VirtualNode};
use liqo_kube::offloading::node::is_ready;
use liqo_testenv::Env;

const CONSUMER: &str = "off-c";
const PROVIDER: &str = "off-p";
const C_ID: &str = "off-c-id";
const P_ID: &str = "off-p-id";
const SLICE: &str = "offload-a";

fn capacity(node: &Node) -> BTreeMap<String, String> {
    let status = node.status.clone().unwrap_or_default();
    let capacity: BTreeMap<String, String> = status
        .capacity
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    let allocatable: BTreeMap<String, String> = status
        .allocatable
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    assert_eq!(capacity, allocatable, "capacity = allocatable");
    capacity
}

fn resources(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

/// Waits until Node `name` is Ready with `want` as capacity (and allocatable).
async fn ready_with(client: &Client, name: &str, want: &BTreeMap<String, String>) -> Node {
    let nodes: Api<Node> = Api::all(client.clone());
    let matches = |n: Option<&Node>| n.is_some_and(|n| is_ready(n) && capacity(n) == *want);
    let what = format!("Node {name} Ready with capacity {want:?}");
    within(&what, await_condition(nodes.clone(), name, matches))
        .await
        .unwrap();
    nodes.get(name).await.unwrap()
}

async fn create_slice(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "create".into(),
        "resourceslice".into(),
        SLICE.into(),
        format!("--remote-cluster-id={P_ID}"),
        "--timeout=60s".into(),
    ];
    args.extend(extra.iter().map(|a| (*a).to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args).await
}

async fn delete_slice(env: &Env) {
    let out = run(&[
        &kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "delete",
        "resourceslice",
        SLICE,
        &format!("--remote-cluster-id={P_ID}"),
        "--wait",
        "--timeout=90s",
    ])
    .await;
    ok("delete resourceslice --wait", &out);
}

/// The one pod of the virtual kubelet Deployment `vk-<SLICE>`.
async fn vk_pod(client: &Client) -> Pod {
    let pods: Api<Pod> = Api::namespaced(client.clone(), &tenant_ns(P_ID));
    let selector = format!("liqo.io/virtual-node={SLICE}");
    let list = pods
        .list(&ListParams::default().labels(&selector))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1, "one virtual-kubelet pod: {list:?}");
    list.items.into_iter().next().unwrap()
}

/// Deletes `pod` and waits until a different pod of the same Deployment is Ready.
async fn replace_pod(client: &Client, ns: &str, pod: &Pod, selector: &str) {
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    pods.delete(&pod.name_any(), &DeleteParams::default())
        .await
        .unwrap();
    let old = pod.uid();
    let deadline = tokio::time::Instant::now() + flows::WAIT;
    // A Deployment replacing a pod is a sequence of pod events: watch them until a new one
    // is Ready (bounded).
    let mut stream = Box::pin(kube::runtime::watcher::watcher(
        pods.clone(),
        kube::runtime::watcher::Config::default().labels(selector),
    ));
    use futures::StreamExt;
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, stream.next()).await {
        let Ok(event) = event else { continue };
        let ready_new = |p: &Pod| {
            p.uid() != old
                && p.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        };
        let found = match event {
            kube::runtime::watcher::Event::Apply(p)
            | kube::runtime::watcher::Event::InitApply(p) => ready_new(&p),
            _ => false,
        };
        if found {
            return;
        }
    }
    panic!(
        "no new Ready pod for {selector} in {ns} within {:?}",
        flows::WAIT
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slice_becomes_a_ready_virtual_node_and_goes_away_with_it() {
    // Both installs at once (flows::installed runs them one after the other).
    let env = tokio::task::spawn_blocking(|| {
        installs::installed_env(&[(CONSUMER, C_ID), (PROVIDER, P_ID)], &[])
    })
    .await
    .expect("env thread");
    let (c, p) = (
        env.cluster(CONSUMER).client(),
        env.cluster(PROVIDER).client(),
    );
    let out = run(&[
        &kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "authenticate",
        &remote_kubeconfig(env.cluster(PROVIDER).kubeconfig()),
    ])
    .await;
    ok("authenticate", &out);
    flows::await_settled(&c, &p, C_ID, P_ID).await;
    let before = snapshots(&c, &p).await;

    // Create: both conditions Accepted, then a Ready Node with the granted capacity.
    let out = create_slice(&env, &["--cpu=2", "--memory=4Gi"]).await;
    ok("create resourceslice", &out);
    let text = stdout(&out) + &common::stderr(&out);
    for line in [
        "ResourceSlice created",
        "ResourceSlice authentication: Accepted",
        "ResourceSlice resources: Accepted",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    let granted = resources(&[
        ("cpu", "2"),
        ("memory", "4Gi"),
        ("pods", "110"),
        ("ephemeral-storage", "20Gi"),
    ]);
    let node = ready_with(&c, SLICE, &granted).await;
    let labels = node.labels();
    assert_eq!(
        labels.get("liqo.io/type").map(String::as_str),
        Some("virtual-node")
    );
    assert_eq!(
        labels.get("liqo.io/remote-cluster-id").map(String::as_str),
        Some(P_ID)
    );
    let taints = node
        .spec
        .clone()
        .unwrap_or_default()
        .taints
        .unwrap_or_default();
    assert!(
        taints
            .iter()
            .any(|t| t.key == "virtual-node.liqo.io/not-allowed"
                && t.value.as_deref() == Some("true")
                && t.effect == "NoExecute"),
        "the virtual-node taint: {taints:?}"
    );
    // What an administrator lists.
    let virtual_nodes: Api<Node> = Api::all(c.clone());
    let listed = virtual_nodes
        .list(&ListParams::default().labels("liqo.io/type=virtual-node"))
        .await
        .unwrap();
    assert_eq!(
        listed
            .items
            .iter()
            .map(ResourceExt::name_any)
            .collect::<Vec<_>>(),
        [SLICE]
    );
    let vn: VirtualNode = flows::get(&c, &tenant_ns(P_ID), SLICE).await;
    assert_eq!(vn.spec.cluster_id.as_deref(), Some(P_ID));

    // Everything the offloading controllers wrote, with its status, is what upstream Liqo's
    // CRDs accept and store unchanged.
    let mut written = Vec::new();
    for client in [&c, &p] {
        written.extend(upstream::capture::<ResourceSlice>(client).await);
        written.extend(upstream::capture::<NamespaceMap>(client).await);
        written.extend(upstream::capture::<Renew>(client).await);
    }
    written.extend(upstream::capture::<VirtualNode>(&c).await);
    written.extend(upstream::capture::<Identity>(&c).await);
    written.extend(upstream::capture::<Quota>(&p).await);
    let kinds: BTreeSet<String> = written.iter().map(|(r, _)| r.kind.clone()).collect();
    assert_eq!(
        kinds.len(),
        6,
        "each kind was written at least once: {kinds:?}"
    );
    upstream::assert_accepted(written).await;

    // The same command again changes nothing on either cluster.
    let versions_before = versions::pair(&c, &p).await;
    ok(
        "create resourceslice again",
        &create_slice(&env, &["--cpu=2", "--memory=4Gi"]).await,
    );
    let changed = versions::pair_changes(&versions_before, &versions::pair(&c, &p).await);
    assert!(changed.is_empty(), "a second create changed {changed:#?}");

    // A new request replaces the spec: cpu 3, memory back to the provider's default (upstream
    // quirk 7 would have kept 4Gi).
    let out = create_slice(&env, &["--cpu=3"]).await;
    ok("create resourceslice (new request)", &out);
    let regranted = resources(&[
        ("cpu", "3"),
        ("memory", "8Gi"),
        ("pods", "110"),
        ("ephemeral-storage", "20Gi"),
    ]);
    ready_with(&c, SLICE, &regranted).await;

    // The virtual kubelet pod killed: a new one takes over and the Node is Ready again.
    let vk = vk_pod(&c).await;
    replace_pod(
        &c,
        &tenant_ns(P_ID),
        &vk,
        &format!("liqo.io/virtual-node={SLICE}"),
    )
    .await;
    ready_with(&c, SLICE, &regranted).await;

    // The controller manager restarted mid-flow: a request made while it is gone converges.
    let liqo_pods: Api<Pod> = Api::namespaced(c.clone(), "liqo");
    let cm_selector = "app.kubernetes.io/name=controller-manager";
    let cm = liqo_pods
        .list(&ListParams::default().labels(cm_selector))
        .await
        .unwrap()
        .items;
    assert_eq!(cm.len(), 1, "one controller manager");
    liqo_pods
        .delete(&cm[0].name_any(), &DeleteParams::default())
        .await
        .unwrap();
    let out = create_slice(&env, &["--cpu=2", "--memory=4Gi"]).await;
    ok(
        "create resourceslice while the controller manager restarts",
        &out,
    );
    ready_with(&c, SLICE, &granted).await;

    // Delete: the slice cascades on both sides.
    delete_slice(&env).await;
    let nodes: Api<Node> = Api::all(c.clone());
    assert!(nodes.get_opt(SLICE).await.unwrap().is_none(), "Node gone");
    let deployments: Api<Deployment> = Api::namespaced(c.clone(), &tenant_ns(P_ID));
    assert!(
        deployments
            .get_opt(&format!("vk-{SLICE}"))
            .await
            .unwrap()
            .is_none(),
        "virtual-kubelet Deployment gone"
    );
    let after = snapshots(&c, &p).await;
    // The controller manager pod this test replaced is no residue.
    let replaced = |set: &BTreeSet<String>| -> BTreeSet<String> {
        set.iter()
            .filter(|e| !e.starts_with("/Pod liqo/liqo-controller-manager-"))
            .cloned()
            .collect()
    };
    let before = (replaced(&before.0), replaced(&before.1));
    let after = (replaced(&after.0), replaced(&after.1));
    let leftovers = (
        vec![],
        vec![
            expected(
                format!(
                    "/Secret {}/liqo-remote-certificate-{SLICE}",
                    tenant_ns(C_ID)
                ),
                "the slice's certificate cache goes with the tenant namespace (spec §1 #6)",
            ),
            expected(
                "certificates.k8s.io/CertificateSigningRequest /*",
                "the requests the slice certificates were issued on",
            ),
        ],
    );
    flows::assert_pair_diff(&before, &after, leftovers, C_ID, P_ID);

    // Deleting again finds nothing to do and changes nothing.
    let versions_before = versions::pair(&c, &p).await;
    delete_slice(&env).await;
    let changed = versions::pair_changes(&versions_before, &versions::pair(&c, &p).await);
    assert!(changed.is_empty(), "a second delete changed {changed:#?}");
}
