//! The deletion routine of a VirtualNode (spec offloading.md §5.3): cordon and drain its Node,
//! stop the virtual kubelet, delete its bindings, serving CSRs and the Node, the provider's NamespaceMaps
//! after the last VirtualNode, then release the finalizer. With `createNode=false` only the
//! Node part runs.
//!
//! Nothing here waits: a step that is not finished yet (pods still draining, virtual-kubelet
//! pods still stopping) returns [`Outcome::Requeue`] so that other VirtualNodes keep being
//! served (upstream quirk 8).

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{DeleteParams, EvictParams, ListParams, Patch, PatchParams};
use kube::runtime::events::EventType;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{annotation, finalizer, label};
use liqo_api::core::{ConditionStatusType, ConditionType, ForeignCluster};
use liqo_api::offloading::{
    NamespaceMap, VirtualNode, VirtualNodeCondition, VirtualNodeConditionStatus as Status,
    VirtualNodeConditionType as Type,
};
use liqo_kube::offloading::virtual_node::deployment::selector_labels;
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use serde_json::json;

use super::{Outcome, binding_name, conditions, write_status};
use crate::context::Context;

/// How long a pod may take to leave a draining Node before it is deleted with grace period 0.
pub const POD_DEADLINE: Duration = Duration::from_secs(120);
/// When to look again at a drain or at stopping virtual-kubelet pods.
const RECHECK: Duration = Duration::from_secs(3);

/// What the routine tears down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The VirtualNode is being deleted: everything, then the finalizer.
    Delete,
    /// `createNode=false`: only the Node (drained first).
    NodeOnly,
}

/// Whether `node` is `vn`'s virtual Node (and not someone's real node of the same name).
pub fn is_virtual_node_of(node: &Node, vn: &VirtualNode) -> bool {
    let labels = node.labels();
    labels.get(label::TYPE).map(String::as_str) == Some(label::TYPE_VIRTUAL_NODE)
        || (vn.spec.cluster_id.is_some()
            && labels.get(label::REMOTE_CLUSTER_ID) == vn.spec.cluster_id.as_ref())
}

/// The ForeignCluster of `cluster`, if any.
pub async fn foreign_cluster(
    ctx: &Context,
    cluster: &str,
) -> Result<Option<ForeignCluster>, ReconcileError> {
    let list = Api::<ForeignCluster>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await
        .api("list the ForeignClusters")?;
    Ok(list
        .items
        .into_iter()
        .find(|fc| fc.spec.cluster_id == cluster))
}

/// Whether the provider is gone for good: no ForeignCluster, or one marked permanently
/// unreachable whose API server is not `Established`. Its pods then cannot be evicted.
pub fn is_dead(fc: Option<&ForeignCluster>) -> bool {
    let Some(fc) = fc else {
        return true;
    };
    let marked = fc
        .annotations()
        .get(annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE)
        .is_some_and(|v| v == "true");
    let established = fc
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| {
            c.type_ == ConditionType::ApiServerStatus
                && c.status == ConditionStatusType::Established
        });
    marked && !established
}

/// Runs the routine of `mode` for `vn`, recording progress in `conditions`.
pub(super) async fn run(
    ctx: &Context,
    vn: &VirtualNode,
    mode: Mode,
    conditions: &mut Vec<VirtualNodeCondition>,
) -> Result<Outcome, ReconcileError> {
    let now = Time(k8s_openapi::jiff::Timestamp::now());
    let vn_name = vn.name_any();
    let nodes: Api<Node> = Api::all(ctx.client.clone());
    // 1.–2.
    conditions::set(conditions, Type::Node, Status::Draining, &now);
    let node = nodes
        .get_opt(&vn_name)
        .await
        .api(format!("read Node {vn_name}"))?
        .filter(|n| is_virtual_node_of(n, vn));
    if let Some(node) = &node {
        cordon(&nodes, node).await?;
        if !drain(ctx, vn, mode, conditions, &now).await? {
            return Ok(Outcome::Requeue(RECHECK));
        }
    }
    // 3.
    if mode == Mode::Delete {
        conditions::set(conditions, Type::VirtualKubelet, Status::Deleting, &now);
        if !stop_virtual_kubelet(ctx, vn).await? {
            return Ok(Outcome::Requeue(RECHECK));
        }
        delete_identity(ctx, vn).await?;
    }
    // 4.
    conditions::set(conditions, Type::Node, Status::Deleting, &now);
    let node = match node {
        Some(n) => Some(n),
        None => nodes
            .get_opt(&vn_name)
            .await
            .api(format!("read Node {vn_name}"))?
            .filter(|n| is_virtual_node_of(n, vn)),
    };
    if node.is_some() {
        ignore_404(nodes.delete(&vn_name, &DeleteParams::default()).await)
            .api(format!("delete Node {vn_name}"))?;
    }
    // 5.–6.
    if mode == Mode::NodeOnly {
        conditions::set(conditions, Type::Node, Status::None, &now);
        return Ok(Outcome::Done);
    }
    delete_namespace_maps_if_last(ctx, vn).await?;
    write_status(ctx, vn, conditions.clone()).await?;
    reconcile::remove_finalizer(&ctx.client, vn, finalizer::VIRTUAL_NODE).await?;
    Ok(Outcome::Released)
}

async fn cordon(nodes: &Api<Node>, node: &Node) -> Result<(), ReconcileError> {
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        return Ok(());
    }
    let patch = json!({"spec": {"unschedulable": true}});
    nodes
        .patch(
            &node.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .map(|_| ())
        .or_else(|e| ignore_404::<()>(Err(e)))
        .api(format!("cordon Node {}", node.name_any()))
}

/// One pass of the drain: evicts (or, when the provider is dead or the pod overdue, deletes
/// with grace 0) the offloaded pods on the Node. `true` when none is left.
async fn drain(
    ctx: &Context,
    vn: &VirtualNode,
    mode: Mode,
    conditions: &[VirtualNodeCondition],
    now: &Time,
) -> Result<bool, ReconcileError> {
    let vn_name = vn.name_any();
    let params = ListParams::default()
        .fields(&format!("spec.nodeName={vn_name}"))
        .labels(&format!("{}={}", label::SHADOW_POD, label::TRUE));
    let pods = Api::<Pod>::all(ctx.client.clone())
        .list(&params)
        .await
        .api(format!("list the pods on Node {vn_name}"))?;
    let pods: Vec<Pod> = pods.items.into_iter().filter(is_drainable).collect();
    if pods.is_empty() {
        return Ok(true);
    }
    let cluster = vn.spec.cluster_id.clone().unwrap_or_default();
    let dead = is_dead(foreign_cluster(ctx, &cluster).await?.as_ref());
    let overdue = drain_started(vn, mode, conditions, now)
        .is_some_and(|start| elapsed(&start, now) >= POD_DEADLINE);
    for pod in pods {
        let ns = pod.namespace().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
        let pod_name = pod.name_any();
        // Also per pod: an eviction accepted long ago that no kubelet finished (the drain
        // start is unknown when the Node condition was `None`, §5.2 step 8).
        let overdue = overdue
            || pod
                .metadata
                .deletion_timestamp
                .as_ref()
                .is_some_and(|t| elapsed(t, now) >= POD_DEADLINE);
        if dead || overdue {
            if overdue && !dead {
                let note = format!(
                    "pod {ns}/{pod_name} did not leave node {vn_name} within {}s: deleted with grace period 0",
                    POD_DEADLINE.as_secs()
                );
                ctx.event(vn, EventType::Warning, "DrainTimeout", note)
                    .await;
            }
            let now_params = DeleteParams {
                grace_period_seconds: Some(0),
                ..DeleteParams::default()
            };
            ignore_404(api.delete(&pod_name, &now_params).await.map(|_| ()))
                .api(format!("delete pod {ns}/{pod_name}"))?;
        } else if pod.metadata.deletion_timestamp.is_none() {
            match api.evict(&pod_name, &EvictParams::default()).await {
                Ok(_) => {}
                // 429: a PodDisruptionBudget forbids it for now; retried on the next pass.
                Err(kube::Error::Api(e)) if e.code == 429 || e.code == 404 => {
                    tracing::debug!(pod = %pod_name, code = e.code, "eviction not done yet");
                }
                Err(e) => return Err(ReconcileError::api(format!("evict pod {ns}/{pod_name}"), e)),
            }
        }
    }
    Ok(false)
}

/// Pods a drain moves: not owned by a DaemonSet and not mirror pods.
fn is_drainable(pod: &Pod) -> bool {
    let daemon = pod.owner_references().iter().any(|o| o.kind == "DaemonSet");
    let mirror = pod
        .annotations()
        .contains_key("kubernetes.io/config.mirror");
    !daemon && !mirror
}

/// When the drain began: the `Node=Draining` transition (persisted by earlier passes), else the
/// deletion of the VirtualNode.
fn drain_started(
    vn: &VirtualNode,
    mode: Mode,
    conditions: &[VirtualNodeCondition],
    now: &Time,
) -> Option<Time> {
    let draining = conditions::get(conditions, Type::Node)
        .filter(|c| c.status == Status::Draining)
        .and_then(|c| c.last_transition_time.clone())
        // Set by this very pass: not a start that anyone has seen yet.
        .filter(|t| t != now);
    match mode {
        Mode::Delete => draining.or_else(|| vn.metadata.deletion_timestamp.clone()),
        Mode::NodeOnly => draining,
    }
}

fn elapsed(since: &Time, now: &Time) -> Duration {
    let secs = now.0.as_second() - since.0.as_second();
    Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// Deletes the virtual-kubelet Deployment(s) of `vn`; `true` once no virtual-kubelet pod is
/// left (a running one could still recreate the Node).
async fn stop_virtual_kubelet(ctx: &Context, vn: &VirtualNode) -> Result<bool, ReconcileError> {
    let ns = vn.namespace().unwrap_or_default();
    let selector = selector_labels(vn)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let params = ListParams::default().labels(&selector);
    let deployments: Api<Deployment> = Api::namespaced(ctx.client.clone(), &ns);
    for d in deployments
        .list_metadata(&params)
        .await
        .api("list the virtual-kubelet Deployments")?
    {
        if d.metadata.deletion_timestamp.is_none() {
            ignore_404(
                deployments
                    .delete(&d.name_any(), &DeleteParams::background())
                    .await,
            )
            .api(format!("delete Deployment {ns}/{}", d.name_any()))?;
        }
    }
    let pods = Api::<Pod>::namespaced(ctx.client.clone(), &ns)
        .list_metadata(&params)
        .await
        .api("list the virtual-kubelet pods")?;
    Ok(pods.items.is_empty())
}

/// The ClusterRoleBinding, the ServiceAccount and the leader-election Lease of the virtual
/// kubelet (a killed leader cannot release its Lease, and nothing owns it: without this it
/// would outlive the VirtualNode).
async fn delete_identity(ctx: &Context, vn: &VirtualNode) -> Result<(), ReconcileError> {
    let vn_name = vn.name_any();
    let ns = vn.namespace().unwrap_or_default();
    ignore_404(
        Api::<Lease>::namespaced(ctx.client.clone(), &ns)
            .delete(&vn_name, &DeleteParams::default())
            .await,
    )
    .api(format!("delete Lease {ns}/{vn_name}"))?;
    let crb = binding_name(&vn_name);
    ignore_404(
        Api::<ClusterRoleBinding>::all(ctx.client.clone())
            .delete(&crb, &DeleteParams::default())
            .await,
    )
    .api(format!("delete ClusterRoleBinding {crb}"))?;
    delete_serving_csrs(ctx, vn).await?;
    ignore_404(
        Api::<ServiceAccount>::namespaced(ctx.client.clone(), &ns)
            .delete(&vn_name, &DeleteParams::default())
            .await,
    )
    .api(format!("delete ServiceAccount {ns}/{vn_name}"))
}

/// The serving-certificate CSRs the virtual kubelet asked for (one per start): cluster-scoped,
/// so nothing owns them, and the virtual kubelet may not delete CSRs itself.
async fn delete_serving_csrs(ctx: &Context, vn: &VirtualNode) -> Result<(), ReconcileError> {
    use crate::offloading::kubelet_serving::{SIGNER, virtual_kubelet_service_account};
    use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
    let ns = vn.namespace().unwrap_or_default();
    let requester = format!(
        "system:serviceaccount:{ns}:{}",
        virtual_kubelet_service_account(vn)
    );
    let csrs: Api<CertificateSigningRequest> = Api::all(ctx.client.clone());
    let params = ListParams::default().fields(&format!("spec.signerName={SIGNER}"));
    let listed = csrs
        .list(&params)
        .await
        .api("list the kubelet-serving CSRs")?;
    for csr in listed
        .items
        .iter()
        .filter(|c| c.spec.username.as_deref() == Some(requester.as_str()))
    {
        let name = csr.name_any();
        ignore_404(
            csrs.delete(&name, &DeleteParams::default())
                .await
                .map(|_| ()),
        )
        .api(format!("delete CertificateSigningRequest {name}"))?;
    }
    Ok(())
}

/// The provider's NamespaceMaps go with its last VirtualNode.
async fn delete_namespace_maps_if_last(
    ctx: &Context,
    vn: &VirtualNode,
) -> Result<(), ReconcileError> {
    let Some(cluster) = vn.spec.cluster_id.clone() else {
        return Ok(());
    };
    let others = Api::<VirtualNode>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await
        .api("list the VirtualNodes")?
        .items
        .into_iter()
        .filter(|o| o.spec.cluster_id.as_deref() == Some(cluster.as_str()))
        .filter(|o| o.meta().uid != vn.meta().uid)
        // Two VirtualNodes deleted together must not both keep the maps.
        .filter(|o| o.meta().deletion_timestamp.is_none())
        .count();
    if others > 0 {
        return Ok(());
    }
    let params = ListParams::default().labels(&format!("{}={cluster}", label::REMOTE_ID));
    let maps = Api::<NamespaceMap>::all(ctx.client.clone())
        .list_metadata(&params)
        .await
        .api(format!("list the NamespaceMaps of cluster {cluster}"))?;
    for nm in maps {
        let ns = nm.namespace().unwrap_or_default();
        ignore_404(
            Api::<NamespaceMap>::namespaced(ctx.client.clone(), &ns)
                .delete(&nm.name_any(), &DeleteParams::default())
                .await,
        )
        .api(format!("delete NamespaceMap {ns}/{}", nm.name_any()))?;
    }
    Ok(())
}

fn ignore_404<T>(result: Result<T, kube::Error>) -> Result<(), kube::Error> {
    match result {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::jiff::Timestamp;
    use liqo_api::core::{Condition, ForeignClusterSpec, ForeignClusterStatus};
    use liqo_api::offloading::VirtualNodeSpec;

    use super::*;

    fn fc(marked: bool, api: ConditionStatusType) -> ForeignCluster {
        let mut fc = ForeignCluster::new(
            "p",
            ForeignClusterSpec {
                cluster_id: "p".into(),
            },
        );
        if marked {
            fc.metadata.annotations = Some(
                [(
                    annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE.to_owned(),
                    "true".to_owned(),
                )]
                .into(),
            );
        }
        fc.status = Some(ForeignClusterStatus {
            conditions: Some(vec![Condition {
                type_: ConditionType::ApiServerStatus,
                status: api,
                last_transition_time: None,
                reason: None,
                message: None,
            }]),
            ..ForeignClusterStatus::default()
        });
        fc
    }

    #[test]
    fn dead_means_gone_or_marked_and_not_established() {
        assert!(is_dead(None));
        assert!(!is_dead(Some(&fc(false, ConditionStatusType::Error))));
        assert!(!is_dead(Some(&fc(true, ConditionStatusType::Established))));
        assert!(is_dead(Some(&fc(true, ConditionStatusType::Error))));
    }

    fn vn() -> VirtualNode {
        let mut vn = VirtualNode::new("rs", VirtualNodeSpec::default());
        vn.spec.cluster_id = Some("p".into());
        vn
    }

    #[test]
    fn only_virtual_nodes_are_touched() {
        let mut node = Node::default();
        assert!(
            !is_virtual_node_of(&node, &vn()),
            "a real node of the same name"
        );
        node.metadata.labels = Some([(label::REMOTE_CLUSTER_ID.to_owned(), "p".to_owned())].into());
        assert!(is_virtual_node_of(&node, &vn()));
        node.metadata.labels = Some([(label::TYPE.to_owned(), "virtual-node".to_owned())].into());
        assert!(is_virtual_node_of(&node, &vn()));
    }

    #[test]
    fn the_drain_deadline_counts_from_the_draining_transition() {
        let at = |s| Time(Timestamp::from_second(s).unwrap());
        let mut c = Vec::new();
        conditions::set(&mut c, Type::Node, Status::Running, &at(0));
        assert_eq!(drain_started(&vn(), Mode::NodeOnly, &c, &at(10)), None);
        conditions::set(&mut c, Type::Node, Status::Draining, &at(10));
        assert_eq!(
            drain_started(&vn(), Mode::NodeOnly, &c, &at(10)),
            None,
            "just now"
        );
        let start = drain_started(&vn(), Mode::NodeOnly, &c, &at(200)).unwrap();
        assert!(elapsed(&start, &at(200)) >= POD_DEADLINE);
        assert!(elapsed(&start, &at(100)) < POD_DEADLINE);
        let mut deleting = vn();
        deleting.metadata.deletion_timestamp = Some(at(5));
        assert_eq!(
            drain_started(&deleting, Mode::Delete, &[], &at(9)),
            Some(at(5))
        );
    }
}
