//! The consumer's NamespaceOffloading controller on one real test cluster, run in-process
//! alone (only Liqo's CRDs installed: no other controller touches the hand-made VirtualNodes
//! and NamespaceMaps; the test plays the provider by writing `status.currentMapping`).
//! Two providers p1 (region=eu) and p2 (region=us). Scenarios, in sequence:
//! - DefaultName, LocalAndRemote, no selector: both maps get `<ns>-<C>`, the namespace is
//!   labelled, InProgress until both providers accept, then Ready;
//! - EnforceSameName, Local, selector region=eu: only p1 gets the entry (beside the first
//!   namespace's: entries of different namespaces coexist), no label, p2 ClusterNotSelected;
//!   the provider failing it gives AllFailed;
//! - SelectedName, Remote, selector region=asia: NoClusterSelected and no entry, until a Node
//!   of p2's virtual node with region=asia appears (the Node's labels win over the spec's);
//! - deleting the first: its entries go, it stays Terminating behind its finalizer until the
//!   providers release the namespace, then it is gone, label removed, other entries kept.

#[path = "common/in_process.rs"]
mod in_process;
#[allow(dead_code)]
#[path = "common/objects.rs"]
mod objects;
#[path = "common/until.rs"]
mod until;

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{finalizer, label};
use liqo_api::offloading::{
    NamespaceMap, NamespaceOffloading, OffloadingPhase, RemoteNamespaceCondition,
};
use liqo_controllers::offloading::namespace_offloading;
use liqo_testenv::Env;
use serde_json::{Value, json};

const CLUSTER: &str = "nso-consumer";
const LOCAL_ID: &str = "consumer-id";
const WAIT: Duration = Duration::from_secs(30);

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

/// Starts the cluster and the controller in this process.
async fn start() -> (Env, Client) {
    let (env, client, ctx) = in_process::start(CLUSTER, LOCAL_ID, true).await;
    tokio::spawn(namespace_offloading::run(ctx));
    (env, client)
}

/// Provider `p`: tenant namespace, VirtualNode `vn-<p>` with `region`, and the NamespaceMap
/// as the VirtualNode controller makes it.
async fn provider(client: &Client, p: &str, region: &str) {
    let tn = format!("liqo-tenant-{p}");
    objects::create(client, &objects::namespace(&tn, json!({})))
        .await
        .unwrap();
    let vn = json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "VirtualNode",
        "metadata": {"name": format!("vn-{p}"), "namespace": tn,
            "labels": {label::REMOTE_CLUSTER_ID: p}},
        "spec": {"clusterID": p, "labels": {"region": region}},
    });
    objects::create(client, &vn).await.unwrap();
    let map = json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceMap",
        "metadata": {"name": p, "namespace": tn, "labels": {
            label::REMOTE_CLUSTER_ID: p, label::REPLICATION: label::TRUE, label::REMOTE_ID: p}},
        "spec": {},
    });
    objects::create(client, &map).await.unwrap();
}

fn maps(client: &Client, p: &str) -> Api<NamespaceMap> {
    Api::namespaced(client.clone(), &format!("liqo-tenant-{p}"))
}

fn desired(map: Option<&NamespaceMap>) -> BTreeMap<String, String> {
    map.and_then(|m| m.spec.desired_mapping.clone())
        .unwrap_or_default()
}

/// The provider's answer for `ns` in map `p` (`None` drops the entry).
async fn provider_reports(client: &Client, p: &str, ns: &str, phase: Option<&str>) {
    let entry = phase.map(|ph| json!({"remoteNamespace": format!("{ns}-remote"), "phase": ph}));
    let patch = json!({"status": {"currentMapping": {ns: entry}}});
    maps(client, p)
        .patch_status(p, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

/// Namespace `ns` and its NamespaceOffloading with `spec`.
async fn offload(client: &Client, ns: &str, spec: Value) -> Api<NamespaceOffloading> {
    objects::create(client, &objects::namespace(ns, json!({})))
        .await
        .unwrap();
    let nso = json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceOffloading",
        "metadata": {"name": "offloading", "namespace": ns}, "spec": spec,
    });
    objects::create(client, &nso).await.unwrap();
    Api::namespaced(client.clone(), ns)
}

fn phase(nso: Option<&NamespaceOffloading>) -> Option<OffloadingPhase> {
    let nso = nso?;
    let status = nso.status.as_ref()?;
    (status.observed_generation == nso.metadata.generation)
        .then(|| status.offloading_phase.clone())
        .flatten()
}

async fn until_phase(api: &Api<NamespaceOffloading>, want: OffloadingPhase) -> NamespaceOffloading {
    let what = format!("phase {want:?}");
    until(api, "offloading", &what, |n| phase(n) == Some(want.clone()))
        .await
        .unwrap()
}

fn reasons(nso: &NamespaceOffloading, map: &str) -> Vec<String> {
    let conditions: &Vec<RemoteNamespaceCondition> = &nso
        .status
        .as_ref()
        .unwrap()
        .remote_namespaces_conditions
        .as_ref()
        .unwrap()[map];
    conditions
        .iter()
        .map(|c| c.reason.clone().unwrap())
        .collect()
}

async fn scheduling_label(client: &Client, ns: &str) -> Option<String> {
    let namespace = Api::<Namespace>::all(client.clone()).get(ns).await.unwrap();
    namespace.labels().get(label::SCHEDULING_ENABLED).cloned()
}

#[tokio::test]
async fn namespace_offloading_lifecycle() {
    let (_env, client) = start().await;
    provider(&client, "p1", "eu").await;
    provider(&client, "p2", "us").await;
    let (m1, m2) = (maps(&client, "p1"), maps(&client, "p2"));

    // --- DefaultName, LocalAndRemote, every cluster. ---
    let a = offload(&client, "app-a", json!({})).await;
    let remote_a = format!("app-a-{LOCAL_ID}");
    for (api, p) in [(&m1, "p1"), (&m2, "p2")] {
        until(api, p, "desiredMapping[app-a]", |m| {
            desired(m).get("app-a") == Some(&remote_a)
        })
        .await;
    }
    let nso = until_phase(&a, OffloadingPhase::InProgress).await;
    assert!(
        nso.finalizers()
            .contains(&finalizer::NAMESPACE_OFFLOADING.to_owned())
    );
    let status = nso.status.as_ref().unwrap();
    assert_eq!(
        status.remote_namespace_name.as_deref(),
        Some(remote_a.as_str())
    );
    assert_eq!(reasons(&nso, "p1"), ["ClusterSelected", "Creating"]);
    assert_eq!(
        scheduling_label(&client, "app-a").await.as_deref(),
        Some("true")
    );
    provider_reports(&client, "p1", "app-a", Some("Accepted")).await;
    provider_reports(&client, "p2", "app-a", Some("Accepted")).await;
    let nso = until_phase(&a, OffloadingPhase::Ready).await;
    assert_eq!(reasons(&nso, "p2"), ["ClusterSelected", "NamespaceCreated"]);

    // --- EnforceSameName, Local, region=eu: p1 only. ---
    let eu = json!({"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "region", "operator": "In", "values": ["eu"]}]}]});
    let b = offload(
        &client,
        "app-b",
        json!({"namespaceMappingStrategy": "EnforceSameName",
            "podOffloadingStrategy": "Local", "clusterSelector": eu}),
    )
    .await;
    let map = until(&m1, "p1", "desiredMapping[app-b]", |m| {
        desired(m).get("app-b").map(String::as_str) == Some("app-b")
    })
    .await;
    // The first namespace's entry is still there: each namespace owns its own key.
    assert_eq!(desired(map.as_ref()).get("app-a"), Some(&remote_a));
    let nso = until_phase(&b, OffloadingPhase::InProgress).await;
    assert_eq!(reasons(&nso, "p2"), ["ClusterNotSelected"]);
    assert!(!desired(m2.get_opt("p2").await.unwrap().as_ref()).contains_key("app-b"));
    assert_eq!(scheduling_label(&client, "app-b").await, None);
    provider_reports(&client, "p1", "app-b", Some("CreationLoopBackOff")).await;
    let nso = until_phase(&b, OffloadingPhase::AllFailed).await;
    assert_eq!(
        reasons(&nso, "p1"),
        ["ClusterSelected", "CreationLoopBackOff"]
    );

    // --- SelectedName, Remote, region=asia: nobody, until p2's Node says asia. ---
    let asia = json!({"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "region", "operator": "In", "values": ["asia"]}]}]});
    let c = offload(
        &client,
        "app-c",
        json!({"namespaceMappingStrategy": "SelectedName", "remoteNamespaceName": "chosen",
            "podOffloadingStrategy": "Remote", "clusterSelector": asia}),
    )
    .await;
    let nso = until_phase(&c, OffloadingPhase::NoClusterSelected).await;
    assert_eq!(reasons(&nso, "p1"), ["ClusterNotSelected"]);
    assert_eq!(
        scheduling_label(&client, "app-c").await.as_deref(),
        Some("true")
    );
    let node: Node = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "vn-p2", "labels": {
            label::TYPE: label::TYPE_VIRTUAL_NODE, "region": "asia"}},
    }))
    .unwrap();
    Api::<Node>::all(client.clone())
        .create(&PostParams::default(), &node)
        .await
        .unwrap();
    until(&m2, "p2", "desiredMapping[app-c]=chosen", |m| {
        desired(m).get("app-c").map(String::as_str) == Some("chosen")
    })
    .await;
    assert!(!desired(m1.get_opt("p1").await.unwrap().as_ref()).contains_key("app-c"));
    until_phase(&c, OffloadingPhase::InProgress).await;

    // --- Deleting app-a: entries removed, finalizer held until the providers release it. ---
    a.delete("offloading", &DeleteParams::default())
        .await
        .unwrap();
    for (api, p) in [(&m1, "p1"), (&m2, "p2")] {
        until(api, p, "desiredMapping without app-a", |m| {
            !desired(m).contains_key("app-a")
        })
        .await;
    }
    let nso = until(&a, "offloading", "phase Terminating", |n| {
        n.and_then(|n| n.status.as_ref()?.offloading_phase.clone())
            == Some(OffloadingPhase::Terminating)
    })
    .await
    .expect("held by its finalizer while the providers report app-a");
    assert!(
        nso.finalizers()
            .contains(&finalizer::NAMESPACE_OFFLOADING.to_owned())
    );
    provider_reports(&client, "p1", "app-a", None).await;
    provider_reports(&client, "p2", "app-a", Some("Terminating")).await;
    assert!(a.get_opt("offloading").await.unwrap().is_some());
    provider_reports(&client, "p2", "app-a", None).await;
    until(&a, "offloading", "NamespaceOffloading app-a gone", |n| {
        n.is_none()
    })
    .await;
    assert_eq!(scheduling_label(&client, "app-a").await, None);
    let left = desired(m1.get_opt("p1").await.unwrap().as_ref());
    assert_eq!(left.get("app-b").map(String::as_str), Some("app-b"));
    let left = desired(m2.get_opt("p2").await.unwrap().as_ref());
    assert_eq!(left.get("app-c").map(String::as_str), Some("chosen"));

    // --- Deleting the others empties both maps: removing the last entry of a map (created
    // with `spec: {}`, as the VirtualNode controller does) must leave a valid spec. ---
    for api in [&b, &c] {
        api.delete("offloading", &DeleteParams::default())
            .await
            .unwrap();
    }
    for (api, p) in [(&m1, "p1"), (&m2, "p2")] {
        until(api, p, "an empty desiredMapping", |m| desired(m).is_empty()).await;
    }
    provider_reports(&client, "p1", "app-b", None).await;
    provider_reports(&client, "p2", "app-c", None).await;
    for api in [&b, &c] {
        until(api, "offloading", "NamespaceOffloading gone", |n| {
            n.is_none()
        })
        .await;
    }
}
