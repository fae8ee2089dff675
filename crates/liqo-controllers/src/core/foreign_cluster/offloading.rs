//! The offloading module of a ForeignCluster's status (offloading.md §5.4): enabled while
//! VirtualNodes for the peer exist, with the readiness of their virtual kubelets and of their
//! Nodes. A peer with VirtualNodes provides resources to this cluster.

use super::enabled_module;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::jiff::Timestamp;
use kube::api::ListParams;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::condition::foreign_cluster as reason;
use liqo_api::consts::condition::foreign_cluster_offloading as partial;
use liqo_api::consts::label;
use liqo_api::core::{Condition, ConditionStatusType, ConditionType, Module};
use liqo_api::offloading::VirtualNode;

/// What the cluster holds about one VirtualNode of the peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VirtualNodeObserved {
    /// Whether the VirtualNode asks for a Node (`spec.createNode`, default true).
    pub create_node: bool,
    /// Every pod of its virtual-kubelet Deployment is ready (and there is at least one).
    pub kubelet_ready: bool,
    /// Its Node exists and is `Ready=True`.
    pub node_ready: bool,
}

/// `Ready` when all `ready` of `total`, `NotReady` when none, `SomeNotReady` in between.
fn count_condition(
    type_: ConditionType,
    ready: usize,
    total: usize,
    reasons: [(&str, &str); 3],
) -> Condition {
    let [all, none, some] = reasons;
    // All first: no Node expected at all (every createNode=false) is as expected, Ready.
    let (status, (why, message)) = if ready == total {
        (ConditionStatusType::Ready, all)
    } else if ready == 0 {
        (ConditionStatusType::NotReady, none)
    } else {
        (ConditionStatusType::SomeNotReady, some)
    };
    Condition {
        type_,
        status,
        last_transition_time: None,
        reason: Some(why.into()),
        message: Some(message.into()),
    }
}

/// The offloading module: disabled without conditions when there is no VirtualNode (the
/// status is rebuilt each reconcile, so both conditions go); `previous` keeps the transition
/// time of unchanged conditions.
pub fn offloading_module(
    observed: &[VirtualNodeObserved],
    previous: Option<&Module>,
    now: Timestamp,
) -> Module {
    if observed.is_empty() {
        return Module {
            enabled: false,
            conditions: None,
        };
    }
    let kubelets = observed.iter().filter(|v| v.kubelet_ready).count();
    let expected_nodes = observed.iter().filter(|v| v.create_node).count();
    let nodes = observed
        .iter()
        .filter(|v| v.create_node && v.node_ready)
        .count();
    let conditions = vec![
        count_condition(
            ConditionType::OffloadingVirtualNodeStatus,
            kubelets,
            observed.len(),
            [
                (
                    reason::REASON_VIRTUAL_NODES_READY,
                    partial::MESSAGE_VIRTUAL_NODES_READY,
                ),
                (
                    reason::REASON_VIRTUAL_NODES_NOT_READY,
                    partial::MESSAGE_VIRTUAL_NODES_NOT_READY,
                ),
                (
                    partial::REASON_VIRTUAL_NODES_SOME_NOT_READY,
                    partial::MESSAGE_VIRTUAL_NODES_SOME_NOT_READY,
                ),
            ],
        ),
        count_condition(
            ConditionType::OffloadingNodeStatus,
            nodes,
            expected_nodes,
            [
                (reason::REASON_NODES_READY, partial::MESSAGE_NODES_READY),
                (
                    reason::REASON_NODES_NOT_READY,
                    partial::MESSAGE_NODES_NOT_READY,
                ),
                (
                    partial::REASON_NODES_SOME_NOT_READY,
                    partial::MESSAGE_NODES_SOME_NOT_READY,
                ),
            ],
        ),
    ];
    enabled_module(conditions, previous, now)
}

/// Whether every pod of the virtual-kubelet Deployment is ready, from its status.
fn deployment_ready(deployment: &Deployment) -> bool {
    let Some(status) = &deployment.status else {
        return false;
    };
    let replicas = status.replicas.unwrap_or(0);
    replicas > 0
        && status.ready_replicas.unwrap_or(0) >= replicas
        && status.unavailable_replicas.unwrap_or(0) == 0
}

/// Reads what [`offloading_module`] needs about `peer`: its VirtualNodes (in any namespace),
/// their virtual-kubelet Deployments and their Nodes.
///
/// # Errors
/// When a list fails.
pub async fn observe(client: &Client, peer: &str) -> Result<Vec<VirtualNodeObserved>, kube::Error> {
    let of_peer = format!("{}={peer}", label::REMOTE_CLUSTER_ID);
    let vns = Api::<VirtualNode>::all(client.clone())
        .list(&ListParams::default().labels(&of_peer))
        .await?
        .items;
    if vns.is_empty() {
        return Ok(Vec::new());
    }
    let kubelets = Api::<Deployment>::all(client.clone())
        .list(&ListParams::default().labels(&format!(
            "{of_peer},{}={}",
            label::OFFLOADING_COMPONENT,
            label::OFFLOADING_COMPONENT_VIRTUAL_KUBELET
        )))
        .await?
        .items;
    let nodes = Api::<Node>::all(client.clone())
        .list(&ListParams::default().labels(&format!(
            "{of_peer},{}={}",
            label::TYPE,
            label::TYPE_VIRTUAL_NODE
        )))
        .await?
        .items;
    Ok(vns
        .iter()
        .map(|vn| {
            let name = vn.name_any();
            let kubelet_ready = kubelets.iter().any(|d| {
                d.namespace() == vn.namespace()
                    && d.labels().get(label::VIRTUAL_NODE) == Some(&name)
                    && deployment_ready(d)
            });
            let node_ready = nodes
                .iter()
                .any(|n| n.name_any() == name && liqo_kube::offloading::node::is_ready(n));
            VirtualNodeObserved {
                create_node: vn.spec.create_node.unwrap_or(true),
                kubelet_ready,
                node_ready,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vn(create_node: bool, kubelet_ready: bool, node_ready: bool) -> VirtualNodeObserved {
        VirtualNodeObserved {
            create_node,
            kubelet_ready,
            node_ready,
        }
    }

    fn states(module: &Module) -> Vec<(ConditionType, ConditionStatusType, String)> {
        module
            .conditions
            .iter()
            .flatten()
            .map(|c| (c.type_, c.status, c.reason.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn no_virtual_node_disables_the_module_without_conditions() {
        let module = offloading_module(&[], None, Timestamp::UNIX_EPOCH);
        assert_eq!(
            module,
            Module {
                enabled: false,
                conditions: None
            }
        );
    }

    #[test]
    fn conditions_count_ready_kubelets_and_ready_nodes() {
        use ConditionStatusType::{NotReady, Ready, SomeNotReady};
        use ConditionType::{OffloadingNodeStatus as N, OffloadingVirtualNodeStatus as V};
        let now = Timestamp::UNIX_EPOCH;
        let cases = [
            (
                vec![vn(true, true, true), vn(true, true, true)],
                (Ready, "VirtualNodesReady"),
                (Ready, "NodesReady"),
            ),
            (
                vec![vn(true, false, false)],
                (NotReady, "VirtualNodesNotReady"),
                (NotReady, "NodesNotReady"),
            ),
            (
                vec![vn(true, true, true), vn(true, false, false)],
                (SomeNotReady, "VirtualNodesSomeNotReady"),
                (SomeNotReady, "NodesSomeNotReady"),
            ),
            // A VirtualNode without a Node is not expected to have one: its Node (say, left
            // over and Ready) does not count either.
            (
                vec![vn(false, true, true), vn(true, true, false)],
                (Ready, "VirtualNodesReady"),
                (NotReady, "NodesNotReady"),
            ),
            (
                vec![vn(false, true, false)],
                (Ready, "VirtualNodesReady"),
                (Ready, "NodesReady"),
            ),
        ];
        for (observed, (v, v_reason), (n, n_reason)) in cases {
            let module = offloading_module(&observed, None, now);
            assert!(module.enabled, "{observed:?}");
            assert_eq!(
                states(&module),
                [(V, v, v_reason.to_string()), (N, n, n_reason.to_string())],
                "{observed:?}"
            );
        }
    }

    #[test]
    fn an_unchanged_condition_keeps_its_transition_time() {
        let then = Timestamp::UNIX_EPOCH;
        let later = Timestamp::from_second(60).unwrap();
        let first = offloading_module(&[vn(true, false, false)], None, then);
        let same = offloading_module(&[vn(true, false, false)], Some(&first), later);
        assert_eq!(same, first);
        let changed = offloading_module(&[vn(true, true, false)], Some(&first), later);
        let times: Vec<_> = changed
            .conditions
            .iter()
            .flatten()
            .map(|c| c.last_transition_time.clone().unwrap().0)
            .collect();
        assert_eq!(times, [later, then], "only the virtual-kubelet one changed");
    }

    #[test]
    fn a_deployment_is_ready_when_every_replica_is() {
        let with = |replicas, ready, unavailable| Deployment {
            status: Some(k8s_openapi::api::apps::v1::DeploymentStatus {
                replicas: Some(replicas),
                ready_replicas: Some(ready),
                unavailable_replicas: Some(unavailable),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(deployment_ready(&with(1, 1, 0)));
        assert!(!deployment_ready(&with(2, 1, 1)));
        assert!(!deployment_ready(&with(0, 0, 0)), "no pod is not ready");
        assert!(!deployment_ready(&Deployment::default()));
    }
}
