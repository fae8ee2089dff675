//! The offloading module of a ForeignCluster (offloading.md §5.4) on a real installed cluster:
//! a VirtualNode of the peer enables it and makes the peer a provider; its conditions follow
//! the virtual kubelet and the virtual Node (watched, no resync), and go with the VirtualNode.
//!
//! The VirtualNode's `spec.clusterID` names a cluster without a ForeignCluster, so the
//! VirtualNode controller stops before running a virtual kubelet (offloading.md §5.2 step 4):
//! the kubelet stays not ready and the Node is the one written here.

#[path = "common/install.rs"]
mod install;
#[path = "common/objects.rs"]
#[allow(dead_code)] // shared helpers, not all used here
mod objects;

use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::api::{DeleteParams, Patch, PatchParams};
use kube::{Api, Client};
use liqo_api::consts::label;
use liqo_api::core::{ConditionStatusType, ConditionType, ForeignCluster, RoleType};
use liqo_api::offloading::VirtualNode;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(45);
const PEER: &str = "fco-peer";
const TN: &str = "liqo-tenant-fco-peer";
const VN: &str = "fco-vn";

/// `(enabled, role, [(type, status, reason)])` of the ForeignCluster's offloading module.
type Offloading = (
    bool,
    RoleType,
    Vec<(ConditionType, ConditionStatusType, String)>,
);

fn offloading(fc: Option<&ForeignCluster>) -> Option<Offloading> {
    let status = fc?.status.as_ref()?;
    let module = &status.modules.as_ref()?.offloading;
    let conditions = module
        .conditions
        .iter()
        .flatten()
        .map(|c| (c.type_, c.status, c.reason.clone().unwrap_or_default()))
        .collect();
    Some((module.enabled, status.role, conditions))
}

async fn until_offloading(client: &Client, what: &str, expected: Offloading) {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    liqo_kube::wait::object(
        api,
        PEER,
        what,
        WAIT,
        |fc| offloading(fc).as_ref() == Some(&expected),
        |fc| format!("{:?}", offloading(fc)),
    )
    .await
    .unwrap_or_else(|e| panic!("{what}: {e}"));
}

async fn set_node_ready(client: &Client, ready: bool) {
    let status = if ready { "True" } else { "False" };
    let patch = json!({"status": {"conditions": [{
        "type": "Ready", "status": status, "reason": "Test", "message": "written by the test",
        "lastHeartbeatTime": k8s_openapi::jiff::Timestamp::now().to_string(),
        "lastTransitionTime": k8s_openapi::jiff::Timestamp::now().to_string(),
    }]}});
    Api::<Node>::all(client.clone())
        .patch_status(VN, &PatchParams::default(), &Patch::Strategic(&patch))
        .await
        .expect("the Node status is written");
}

#[tokio::test]
async fn virtual_nodes_drive_the_offloading_module_and_the_provider_role() {
    let env = install::start_installed("fco", "fco-local");
    let client = env.cluster("fco").client();
    let node = json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": VN, "labels": {
            label::TYPE: label::TYPE_VIRTUAL_NODE, label::REMOTE_CLUSTER_ID: PEER}}});
    for object in [
        objects::tenant_namespace(TN, PEER),
        json!({"apiVersion": "core.liqo.io/v1beta1", "kind": "ForeignCluster",
            "metadata": {"name": PEER, "labels": {label::REMOTE_CLUSTER_ID: PEER}},
            "spec": {"clusterID": PEER}}),
        node,
    ] {
        objects::create(&client, &object).await.unwrap();
    }
    set_node_ready(&client, true).await;
    until_offloading(
        &client,
        "no VirtualNode: offloading disabled",
        (false, RoleType::Unknown, vec![]),
    )
    .await;

    let vn = json!({"apiVersion": "offloading.liqo.io/v1beta1", "kind": "VirtualNode",
        "metadata": {"name": VN, "namespace": TN, "labels": {label::REMOTE_CLUSTER_ID: PEER}},
        "spec": {"clusterID": "fco-absent", "createNode": true,
            "kubeconfigSecretRef": {"name": "kc"}}});
    objects::create(&client, &vn).await.unwrap();
    use ConditionStatusType::{NotReady, Ready};
    use ConditionType::{OffloadingNodeStatus as N, OffloadingVirtualNodeStatus as V};
    until_offloading(
        &client,
        "a VirtualNode whose kubelet is not ready, with a Ready Node",
        (
            true,
            RoleType::Provider,
            vec![
                (V, NotReady, "VirtualNodesNotReady".into()),
                (N, Ready, "NodesReady".into()),
            ],
        ),
    )
    .await;

    // The Node watch: its readiness alone changes the condition.
    set_node_ready(&client, false).await;
    until_offloading(
        &client,
        "the Node not ready",
        (
            true,
            RoleType::Provider,
            vec![
                (V, NotReady, "VirtualNodesNotReady".into()),
                (N, NotReady, "NodesNotReady".into()),
            ],
        ),
    )
    .await;

    // Without VirtualNodes the module is off again and both conditions are gone. The
    // VirtualNode controller's finalizer is dropped here: its cleanup is not under test.
    let vns: Api<VirtualNode> = Api::namespaced(client.clone(), TN);
    vns.delete(VN, &DeleteParams::default()).await.unwrap();
    let patch = json!({"metadata": {"finalizers": null}});
    match vns
        .patch(VN, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) | Err(kube::Error::Api(_)) => {}
        Err(e) => panic!("dropping the VirtualNode finalizers: {e}"),
    }
    until_offloading(
        &client,
        "the VirtualNode deleted: offloading disabled",
        (false, RoleType::Unknown, vec![]),
    )
    .await;
}
