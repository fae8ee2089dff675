//! The Node object (spec offloading.md §6.2), pure: fixed and extra labels, annotations,
//! taints, nodeInfo, addresses, capacity; and the three-way merge of the VirtualNode's
//! metadata into a Node others write too.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeSpec, NodeStatus,
    NodeSystemInfo, Taint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use liqo_api::consts::{label, name};
use liqo_api::offloading::VirtualNode;

/// Kubelet version when the consumer's API server does not say (upstream's fallback).
pub const FALLBACK_KUBELET_VERSION: &str = "v1.25.0";

/// What the Node is built from besides the VirtualNode: the command line and the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeParams {
    /// Node name.
    pub name: String,
    /// Provider cluster ID.
    pub foreign_cluster_id: String,
    /// InternalIP.
    pub node_ip: String,
    /// Kubelet API port (the daemon endpoint).
    pub listen_port: u16,
    /// `--node-extra-labels`.
    pub extra_labels: BTreeMap<String, String>,
    /// `--node-extra-annotations`.
    pub extra_annotations: BTreeMap<String, String>,
    /// Kubelet version reported in nodeInfo.
    pub kubelet_version: String,
}

/// The metadata the virtual kubelet owns on its Node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Owned {
    /// Labels (fixed, extra and the VirtualNode's).
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// Taints.
    pub taints: Vec<Taint>,
}

/// The taint every virtual Node carries: `virtual-node.liqo.io/not-allowed=true:NoExecute`.
pub fn virtual_node_taint() -> Taint {
    Taint {
        key: name::VIRTUAL_NODE_TAINT_KEY.into(),
        value: Some(label::TRUE.into()),
        effect: "NoExecute".into(),
        time_added: None,
    }
}

/// The labels every virtual Node has.
pub fn fixed_labels(node: &str, foreign_cluster_id: &str) -> BTreeMap<String, String> {
    [
        ("kubernetes.io/hostname", node),
        (label::KUBERNETES_ROLE, "agent"),
        ("kubernetes.io/os", "linux"),
        // Upstream quirk 9: the arch is amd64 whatever the provider runs. Kept: a slice's
        // identity may not list the provider's Nodes, and a provider may mix architectures;
        // pods that need an arch select it on the provider through the offloading patch.
        ("kubernetes.io/arch", "amd64"),
        (label::TYPE, label::TYPE_VIRTUAL_NODE),
        (label::NODE_TYPE, label::NODE_TYPE_VIRTUAL_KUBELET),
        (label::REMOTE_CLUSTER_ID, foreign_cluster_id),
        (label::EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS, label::TRUE),
        (label::EXCLUDE_BALANCER, label::TRUE),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// What the virtual kubelet owns on the Node for `vn`: fixed labels, then the extra labels,
/// the VirtualNode's labels and `storage.liqo.io/available` (later wins); annotations from the
/// flag and the VirtualNode; the VirtualNode's taints plus the virtual-node taint.
pub fn owned(params: &NodeParams, vn: &VirtualNode) -> Owned {
    let spec = &vn.spec;
    let mut labels = fixed_labels(&params.name, &params.foreign_cluster_id);
    labels.extend(params.extra_labels.clone());
    labels.extend(spec.labels.clone().unwrap_or_default());
    let storage = spec.storage_classes.as_ref().is_some_and(|s| !s.is_empty());
    labels.insert(
        label::STORAGE_AVAILABLE.into(),
        if storage { label::TRUE } else { label::FALSE }.into(),
    );
    let mut annotations = params.extra_annotations.clone();
    annotations.extend(spec.annotations.clone().unwrap_or_default());
    let mut taints: Vec<Taint> = spec.taints.clone().unwrap_or_default();
    let fixed = virtual_node_taint();
    taints.retain(|t| !same_taint(t, &fixed));
    taints.push(fixed);
    Owned {
        labels,
        annotations,
        taints,
    }
}

/// Capacity and allocatable: every key of `spec.resourceQuota.hard`.
pub fn resources(vn: &VirtualNode) -> BTreeMap<String, Quantity> {
    vn.spec
        .resource_quota
        .as_ref()
        .and_then(|q| q.hard.clone())
        .unwrap_or_default()
}

fn same_taint(a: &Taint, b: &Taint) -> bool {
    a.key == b.key && a.effect == b.effect
}

/// A three-way merge of a string map: drops the keys this writer applied last time
/// (`last`) and no longer wants, then sets `desired`; keys others added survive.
pub fn merge_map(
    current: &BTreeMap<String, String>,
    last: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = current.clone();
    for key in last.keys() {
        if !desired.contains_key(key) {
            out.remove(key);
        }
    }
    out.extend(desired.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The same merge for taints, a taint being identified by key and effect (as the API does):
/// taints the node-lifecycle controller adds (`node.kubernetes.io/unreachable`) survive.
pub fn merge_taints(current: &[Taint], last: &[Taint], desired: &[Taint]) -> Vec<Taint> {
    let mut out: Vec<Taint> = current
        .iter()
        .filter(|t| {
            let ours = last.iter().any(|l| same_taint(l, t));
            let wanted = desired.iter().any(|d| same_taint(d, t));
            !(ours || wanted)
        })
        .cloned()
        .collect();
    out.extend(desired.iter().cloned());
    out
}

/// The Node's static status: capacity = allocatable, nodeInfo, addresses, endpoint, images.
pub fn status(params: &NodeParams, vn: &VirtualNode, conditions: Vec<NodeCondition>) -> NodeStatus {
    let resources = resources(vn);
    NodeStatus {
        capacity: Some(resources.clone()),
        allocatable: Some(resources),
        conditions: Some(conditions),
        addresses: Some(vec![NodeAddress {
            type_: "InternalIP".into(),
            address: params.node_ip.clone(),
        }]),
        daemon_endpoints: Some(NodeDaemonEndpoints {
            kubelet_endpoint: Some(DaemonEndpoint {
                port: i32::from(params.listen_port),
            }),
        }),
        // The API server then forwards `kubectl exec`'s WebSocket as is: the kubelet API
        // serves no SPDY.
        declared_features: Some(vec![liqo_kubelet_api::WEBSOCKET_FEATURE.to_string()]),
        node_info: Some(NodeSystemInfo {
            // Upstream quirk 9 (kept, see fixed_labels): the consumer's version and amd64.
            kubelet_version: params.kubelet_version.clone(),
            kube_proxy_version: String::new(),
            architecture: "amd64".into(),
            operating_system: "Linux".into(),
            ..Default::default()
        }),
        images: vn.spec.images.clone(),
        ..Default::default()
    }
}

/// The Node as first registered.
pub fn new_node(params: &NodeParams, vn: &VirtualNode, conditions: Vec<NodeCondition>) -> Node {
    let owned = owned(params, vn);
    Node {
        metadata: ObjectMeta {
            name: Some(params.name.clone()),
            labels: Some(owned.labels),
            annotations: (!owned.annotations.is_empty()).then_some(owned.annotations),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            taints: Some(owned.taints),
            ..Default::default()
        }),
        status: Some(status(params, vn, conditions)),
    }
}

/// The merge patch that brings `node`'s metadata and taints to `desired`, given what was
/// applied last (`last`); `None` when nothing changes. It carries the Node's resourceVersion,
/// so a concurrent writer makes it fail (409) instead of being overwritten.
pub fn metadata_patch(node: &Node, last: &Owned, desired: &Owned) -> Option<serde_json::Value> {
    let meta = &node.metadata;
    let cur_labels = meta.labels.clone().unwrap_or_default();
    let cur_annotations = meta.annotations.clone().unwrap_or_default();
    let cur_taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let labels = merge_map(&cur_labels, &last.labels, &desired.labels);
    let annotations = merge_map(&cur_annotations, &last.annotations, &desired.annotations);
    let taints = merge_taints(&cur_taints, &last.taints, &desired.taints);
    if labels == cur_labels && annotations == cur_annotations && taints == cur_taints {
        return None;
    }
    let removed = |cur: &BTreeMap<String, String>, new: &BTreeMap<String, String>| {
        let mut m = serde_json::Map::new();
        for (k, v) in new {
            if cur.get(k) != Some(v) {
                m.insert(k.clone(), v.clone().into());
            }
        }
        for k in cur.keys().filter(|k| !new.contains_key(*k)) {
            m.insert(k.clone(), serde_json::Value::Null);
        }
        serde_json::Value::Object(m)
    };
    Some(serde_json::json!({
        "metadata": {
            "resourceVersion": meta.resource_version,
            "labels": removed(&cur_labels, &labels),
            "annotations": removed(&cur_annotations, &annotations),
        },
        "spec": { "taints": taints },
    }))
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::ResourceQuotaSpec;
    use liqo_api::common::StorageType;
    use liqo_api::offloading::VirtualNodeSpec;

    use super::*;

    fn params() -> NodeParams {
        NodeParams {
            name: "vn1".into(),
            foreign_cluster_id: "provider".into(),
            node_ip: "10.0.0.7".into(),
            listen_port: 10250,
            extra_labels: [("zone".to_string(), "eu".to_string())].into(),
            extra_annotations: [("a".to_string(), "1".to_string())].into(),
            kubelet_version: "v1.36.3".into(),
        }
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: Some("x".into()),
            effect: effect.into(),
            time_added: None,
        }
    }

    fn vn(spec: VirtualNodeSpec) -> VirtualNode {
        VirtualNode::new("vn1", spec)
    }

    #[test]
    fn the_node_has_the_fixed_labels_taint_and_the_slice_resources() {
        let hard: BTreeMap<String, Quantity> = [
            ("cpu".to_string(), Quantity("4".into())),
            ("memory".to_string(), Quantity("8Gi".into())),
            ("pods".to_string(), Quantity("110".into())),
        ]
        .into();
        let v = vn(VirtualNodeSpec {
            resource_quota: Some(ResourceQuotaSpec {
                hard: Some(hard.clone()),
                ..Default::default()
            }),
            labels: Some(map(&[
                ("zone", "us"),
                ("liqo.io/remote-cluster-id", "provider"),
            ])),
            annotations: Some(map(&[("b", "2")])),
            taints: Some(vec![taint("dedicated", "NoSchedule")]),
            ..Default::default()
        });
        let node = new_node(&params(), &v, vec![]);
        let labels = node.metadata.labels.clone().unwrap();
        for (k, v) in [
            ("kubernetes.io/hostname", "vn1"),
            ("kubernetes.io/role", "agent"),
            ("kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("liqo.io/type", "virtual-node"),
            ("type", "virtual-kubelet"),
            ("liqo.io/remote-cluster-id", "provider"),
            (
                "node.kubernetes.io/exclude-from-external-load-balancers",
                "true",
            ),
            (
                "alpha.service-controller.kubernetes.io/exclude-balancer",
                "true",
            ),
            // The VirtualNode's labels win over the flag's.
            ("zone", "us"),
            ("storage.liqo.io/available", "false"),
        ] {
            assert_eq!(labels.get(k).map(String::as_str), Some(v), "{k}");
        }
        assert_eq!(
            node.metadata.annotations.unwrap(),
            map(&[("a", "1"), ("b", "2")])
        );
        let taints = node.spec.unwrap().taints.unwrap();
        assert_eq!(taints.len(), 2);
        let fixed = &taints[1];
        assert_eq!(
            (
                fixed.key.as_str(),
                fixed.value.as_deref(),
                fixed.effect.as_str()
            ),
            (
                "virtual-node.liqo.io/not-allowed",
                Some("true"),
                "NoExecute"
            )
        );
        let status = node.status.unwrap();
        assert_eq!(status.capacity.as_ref(), Some(&hard));
        assert_eq!(status.allocatable.as_ref(), Some(&hard));
        let info = status.node_info.unwrap();
        assert_eq!(
            (info.kubelet_version.as_str(), info.architecture.as_str()),
            ("v1.36.3", "amd64")
        );
        let address = &status.addresses.unwrap()[0];
        assert_eq!(
            (address.type_.as_str(), address.address.as_str()),
            ("InternalIP", "10.0.0.7")
        );
        assert_eq!(
            status
                .daemon_endpoints
                .unwrap()
                .kubelet_endpoint
                .unwrap()
                .port,
            10250
        );
    }

    #[test]
    fn storage_is_available_iff_the_virtual_node_offers_classes() {
        let v = vn(VirtualNodeSpec {
            storage_classes: Some(vec![StorageType {
                storage_class_name: "standard".into(),
                default: Some(true),
            }]),
            ..Default::default()
        });
        let owned = owned(&params(), &v);
        assert_eq!(owned.labels["storage.liqo.io/available"], "true");
        // The virtual-node taint is never duplicated, even when the VirtualNode lists it.
        let v = vn(VirtualNodeSpec {
            taints: Some(vec![virtual_node_taint()]),
            ..Default::default()
        });
        assert_eq!(super::owned(&params(), &v).taints.len(), 1);
    }

    #[test]
    fn the_merge_removes_only_what_it_applied() {
        let current = map(&[("mine-old", "1"), ("theirs", "x"), ("kept", "1")]);
        let last = map(&[("mine-old", "1"), ("kept", "1")]);
        let desired = map(&[("kept", "2"), ("new", "3")]);
        assert_eq!(
            merge_map(&current, &last, &desired),
            map(&[("theirs", "x"), ("kept", "2"), ("new", "3")])
        );
        let unreachable = taint("node.kubernetes.io/unreachable", "NoExecute");
        let mine = taint("dedicated", "NoSchedule");
        let fixed = virtual_node_taint();
        let merged = merge_taints(
            &[unreachable.clone(), mine.clone(), fixed.clone()],
            &[mine.clone(), fixed.clone()],
            std::slice::from_ref(&fixed),
        );
        assert_eq!(merged, vec![unreachable, fixed]);
    }

    #[test]
    fn the_metadata_patch_is_none_when_nothing_changes_and_nulls_removed_keys() {
        let p = params();
        let v = vn(VirtualNodeSpec {
            labels: Some(map(&[("team", "a")])),
            ..Default::default()
        });
        let mut node = new_node(&p, &v, vec![]);
        node.metadata.resource_version = Some("42".into());
        let first = owned(&p, &v);
        assert_eq!(metadata_patch(&node, &first, &first), None);
        let v2 = vn(VirtualNodeSpec::default());
        let second = owned(&p, &v2);
        let patch = metadata_patch(&node, &first, &second).unwrap();
        assert_eq!(patch["metadata"]["labels"]["team"], serde_json::Value::Null);
        assert_eq!(patch["metadata"]["resourceVersion"], "42");
        assert_eq!(
            patch["spec"]["taints"][0]["key"],
            "virtual-node.liqo.io/not-allowed"
        );
        // After a restart nothing is remembered: keys are only added, never wrongly removed.
        node.metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("theirs".into(), "1".into());
        let patch = metadata_patch(&node, &Owned::default(), &first);
        assert_eq!(patch, None);
    }
}
