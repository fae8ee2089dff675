//! The consumer's pod-status controller on one real test cluster, run in-process alone. The test
//! plays the virtual kubelets: it makes the virtual Nodes `vn-a` and `vn-b` (no agent runs
//! them, so pods bound to them stay as written) and writes their Ready condition and the
//! offloaded pods' status. Scenarios, in sequence:
//! - `vn-a` not Ready: its offloaded pods get `liqo.io/remote-unavailable=true` and read
//!   Ready=False, ContainersReady=False (still Running); a pod on it without
//!   `liqo.io/shadowPod` and an offloaded pod on the Ready `vn-b` are untouched;
//! - a status writer putting Ready=True back while the label is on is overruled;
//! - `vn-a` Ready again: the label goes (the conditions are the virtual kubelet's to restore);
//! - `vn-a` deleted: its offloaded pods are marked unavailable again.

#[path = "common/in_process.rs"]
mod in_process;
#[path = "common/until.rs"]
mod until;

use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod, ServiceAccount};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label;
use liqo_controllers::offloading::pod_status;
use liqo_testenv::Env;
use serde_json::json;

const CLUSTER: &str = "pod-status";
const NS: &str = "default";
const WAIT: Duration = Duration::from_secs(20);
const OFFLOADED: [&str; 2] = ["offloaded-1", "offloaded-2"];

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> K {
    until::object(api, name, what, WAIT, done)
        .await
        .unwrap_or_else(|| panic!("{name} is gone"))
}

/// Starts the cluster and the controller in this process.
async fn start() -> (Env, Client) {
    let (env, client, ctx) = in_process::start(CLUSTER, "consumer-id", false).await;
    tokio::spawn(pod_status::run(ctx));
    (env, client)
}

/// Virtual Node `name`, Ready.
async fn virtual_node(nodes: &Api<Node>, name: &str) {
    let node: Node = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {label::TYPE: label::TYPE_VIRTUAL_NODE}},
    }))
    .unwrap();
    nodes.create(&PostParams::default(), &node).await.unwrap();
    node_ready(nodes, name, true).await;
}

/// Writes the Node's Ready condition, as its virtual kubelet would.
async fn node_ready(nodes: &Api<Node>, name: &str, ready: bool) {
    let now = Timestamp::now().to_string();
    let status = if ready { "True" } else { "False" };
    let patch = json!({"status": {"conditions": [{"type": "Ready", "status": status,
        "reason": "Test", "lastHeartbeatTime": now, "lastTransitionTime": now}]}});
    nodes
        .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

/// Pod `name` bound to `node`, Running and Ready as the virtual kubelet would report it.
async fn running_pod(pods: &Api<Pod>, name: &str, node: &str, offloaded: bool) {
    let labels = if offloaded {
        json!({label::SHADOW_POD: label::TRUE})
    } else {
        json!({})
    };
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "nodeName": node,
            // Not evicted by the node lifecycle controller when the test unreadies the Node.
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "app", "image": "example.com/app:1"}],
        },
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    pod_ready(pods, name).await;
}

/// Writes Running with Ready and ContainersReady True.
async fn pod_ready(pods: &Api<Pod>, name: &str) {
    let now = Timestamp::now().to_string();
    let condition = |t: &str| json!({"type": t, "status": "True", "lastTransitionTime": now});
    let patch = json!({"status": {"phase": "Running", "conditions": [
        condition("PodScheduled"), condition("Ready"), condition("ContainersReady")]}});
    pods.patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

fn labelled(pod: Option<&Pod>) -> bool {
    pod.and_then(|p| p.labels().get(label::REMOTE_UNAVAILABLE))
        .map(String::as_str)
        == Some(label::TRUE)
}

/// The status and reason of condition `type_`.
fn condition(pod: &Pod, type_: &str) -> Option<(String, Option<String>)> {
    let conditions = pod.status.as_ref()?.conditions.as_ref()?;
    let c = conditions.iter().find(|c| c.type_ == type_)?;
    Some((c.status.clone(), c.reason.clone()))
}

fn marked(pod: Option<&Pod>) -> bool {
    // The reason may be the node lifecycle controller's, which also unreadies pods of a Node
    // that is not Ready; only a True status is rewritten.
    let unready = |t| {
        pod.and_then(|p| condition(p, t))
            .is_some_and(|(s, _)| s == "False")
    };
    labelled(pod) && unready("Ready") && unready("ContainersReady")
}

async fn until_marked(pods: &Api<Pod>, name: &str, why: &str) {
    let pod = until(pods, name, why, marked).await;
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    assert_eq!(phase, Some("Running"), "only the conditions change");
}

#[tokio::test]
async fn pods_follow_their_virtual_node() {
    let (_env, client) = start().await;
    let nodes: Api<Node> = Api::all(client.clone());
    let pods: Api<Pod> = Api::namespaced(client.clone(), NS);
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), NS);
    until(&sas, "default", "the default ServiceAccount", |s| {
        s.is_some()
    })
    .await;
    virtual_node(&nodes, "vn-a").await;
    virtual_node(&nodes, "vn-b").await;
    for name in OFFLOADED {
        running_pod(&pods, name, "vn-a", true).await;
    }
    running_pod(&pods, "not-offloaded", "vn-a", false).await;
    running_pod(&pods, "elsewhere", "vn-b", true).await;

    // --- vn-a not Ready: its offloaded pods are marked, nothing else. ---
    node_ready(&nodes, "vn-a", false).await;
    for name in OFFLOADED {
        until_marked(&pods, name, "remote-unavailable and not Ready").await;
    }
    for name in ["not-offloaded", "elsewhere"] {
        let pod = pods.get(name).await.unwrap();
        assert!(!labelled(Some(&pod)), "{name} labelled");
        // ContainersReady: Ready may meanwhile be the node lifecycle controller's to clear.
        let containers_ready = condition(&pod, "ContainersReady");
        assert_eq!(
            containers_ready,
            Some(("True".into(), None)),
            "{name} touched"
        );
    }

    // --- Ready=True written back while the label is on: set False again. ---
    pod_ready(&pods, OFFLOADED[0]).await;
    until_marked(&pods, OFFLOADED[0], "Ready=False again").await;

    // --- vn-a Ready again: the label goes, the status is left to the virtual kubelet. ---
    node_ready(&nodes, "vn-a", true).await;
    for name in OFFLOADED {
        let pod = until(&pods, name, "no remote-unavailable label", |p| !labelled(p)).await;
        assert_eq!(condition(&pod, "Ready").unwrap().0, "False");
    }
    for name in OFFLOADED {
        pod_ready(&pods, name).await;
    }

    // --- vn-a deleted: its pods are unavailable until the pod GC takes them. ---
    nodes
        .delete("vn-a", &DeleteParams::default())
        .await
        .unwrap();
    for name in OFFLOADED {
        until_marked(&pods, name, "remote-unavailable after the Node went").await;
    }
    let elsewhere = pods.get("elsewhere").await.unwrap();
    assert!(
        !labelled(Some(&elsewhere)),
        "a pod of a Ready Node labelled"
    );
}
