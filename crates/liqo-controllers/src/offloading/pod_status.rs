//! Pod status controller (`pod_status`, spec offloading.md §5.5, consumer): while a virtual Node
//! is not Ready, the offloaded pods bound to it (`liqo.io/shadowPod=true`) carry
//! `liqo.io/remote-unavailable=true` and read Ready=False; the label goes when the Node is Ready
//! again (the virtual kubelet's status reflection restores the pod's Ready condition).

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_kube::reconcile::{ReconcileError, ResultExt};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "pod-status-controller";
const FIELD_MANAGER: &str = "pod-status-controller";
const RESYNC: Duration = Duration::from_secs(300);
/// Reason of the Ready=False condition set on pods of an unavailable virtual node.
const REASON_REMOTE_UNAVAILABLE: &str = "RemoteUnavailable";

/// Whether the Node's Ready condition is `True`; an absent Node is not Ready.
pub fn node_ready(node: Option<&Node>) -> bool {
    node.and_then(|n| n.status.as_ref()?.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True")
}

/// Whether a pod on `node` should carry `liqo.io/remote-unavailable=true`.
pub fn remote_unavailable(node: Option<&Node>) -> bool {
    !node_ready(node)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let virtual_nodes =
        watcher::Config::default().labels(&format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE));
    let shadow =
        watcher::Config::default().labels(&format!("{}={}", label::SHADOW_POD, label::TRUE));
    // A pod bound after the Node changed is caught up through its own event.
    let controller = Controller::new(Api::<Node>::all(client.clone()), virtual_nodes).watches(
        Api::<Pod>::all(client),
        shadow,
        |pod| Some(ObjectRef::new(pod.spec.as_ref()?.node_name.as_ref()?)),
    );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(node: Arc<Node>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(NAME, &*node, error)
}

#[instrument(skip_all, fields(name = %node.name_any()))]
async fn reconcile(node: Arc<Node>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let unavailable = remote_unavailable(Some(&node));
    sync_pods(&ctx, &node.name_any(), unavailable).await?;
    Ok(Action::requeue(RESYNC))
}

/// Labels (or unlabels) every shadow pod bound to `node`.
async fn sync_pods(ctx: &Context, node: &str, unavailable: bool) -> Result<(), ReconcileError> {
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let params = ListParams::default()
        .labels(&format!("{}={}", label::SHADOW_POD, label::TRUE))
        .fields(&format!("spec.nodeName={node}"));
    let list = pods
        .list(&params)
        .await
        .api(format!("list the shadow pods of Node {node}"))?;
    for pod in &list.items {
        let has = pod
            .labels()
            .get(label::REMOTE_UNAVAILABLE)
            .map(String::as_str)
            == Some(label::TRUE);
        if has == unavailable {
            continue;
        }
        let ns = pod.namespace().unwrap_or_default();
        let name = pod.name_any();
        let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
        let value = if unavailable {
            json!(label::TRUE)
        } else {
            json!(null)
        };
        let patch = json!({"metadata": {"labels": {label::REMOTE_UNAVAILABLE: value}}});
        let pp = PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        api.patch(&name, &pp, &Patch::Merge(&patch))
            .await
            .api(format!("label Pod {ns}/{name}"))?;
        if unavailable {
            mark_not_ready(&api, &ns, &name).await?;
        }
    }
    Ok(())
}

/// Ready=False on the pod's status (strategic merge: conditions merge by type).
async fn mark_not_ready(api: &Api<Pod>, ns: &str, name: &str) -> Result<(), ReconcileError> {
    let patch = json!({"status": {"conditions": [{
        "type": "Ready", "status": "False", "reason": REASON_REMOTE_UNAVAILABLE,
        "message": "The remote cluster is unavailable",
    }]}});
    let pp = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    api.patch_status(name, &pp, &Patch::Strategic(&patch))
        .await
        .api(format!("mark Pod {ns}/{name} not Ready"))
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{NodeCondition, NodeStatus};

    use super::*;

    fn node(ready: Option<&str>) -> Node {
        let conditions = ready.map(|s| {
            vec![NodeCondition {
                type_: "Ready".into(),
                status: s.into(),
                ..Default::default()
            }]
        });
        Node {
            status: Some(NodeStatus {
                conditions,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn unavailable_unless_ready_is_true() {
        assert!(!remote_unavailable(Some(&node(Some("True")))));
        assert!(remote_unavailable(Some(&node(Some("False")))));
        assert!(remote_unavailable(Some(&node(Some("Unknown")))));
        assert!(remote_unavailable(Some(&node(None))));
        assert!(remote_unavailable(None));
    }
}
