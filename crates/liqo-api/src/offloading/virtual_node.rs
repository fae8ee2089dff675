//! VirtualNode: a virtual kubelet (and optionally a Node) in the consumer targeting a provider,
//! with what the Node offers and how offloaded pods are patched.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerImage, NodeAffinity, ObjectReference, ResourceQuotaSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{
    CLUSTER_ID_PATTERN, DeploymentTemplate, IngressType, LoadBalancerType, LocalObjectReference,
    StorageType,
};

/// Desired state of a VirtualNode.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "VirtualNode",
    plural = "virtualnodes",
    namespaced,
    shortname = "vn",
    shortname = "vnode",
    shortname = "virno",
    shortname = "vno",
    category = "liqo",
    status = "VirtualNodeStatus",
    derive = "PartialEq",
    doc = "VirtualNode represents a virtual node targeting a provider cluster.",
    printcolumn(name = "ClusterID", type_ = "string", json_path = ".spec.clusterID"),
    printcolumn(
        name = "Create Node",
        type_ = "boolean",
        json_path = ".spec.createNode"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Node",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Node")].status"#,
        priority = 1
    ),
    printcolumn(
        name = "VirtualKubelet",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="VirtualKubelet")].status"#,
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeSpec {
    /// ID of the provider cluster.
    #[serde(rename = "clusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = CLUSTER_ID_PATTERN))]
    pub cluster_id: Option<String>,
    /// The virtual-kubelet Deployment (filled by the mutating webhook at creation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<DeploymentTemplate>,
    /// Secret, in the same namespace, whose key `kubeconfig` reaches the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubeconfig_secret_ref: Option<LocalObjectReference>,
    /// The VkOptionsTemplate to use; none for the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub vk_options_template_ref: Option<ObjectReference>,
    /// Whether to create the Node object (none: the template's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_node: Option<bool>,
    /// Whether to leave the network out of the Node's readiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_network_check: Option<bool>,
    /// How offloaded pods are patched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offloading_patch: Option<OffloadingPatch>,
    /// Images listed in the Node's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::container_images")]
    pub images: Option<Vec<ContainerImage>>,
    /// Resources offered: `hard` becomes the Node's capacity and allocatable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::resource_quota_spec")]
    pub resource_quota: Option<ResourceQuotaSpec>,
    /// Labels added to the Node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations added to the Node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Taints added to the Node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<Taint>>,
    /// Storage classes offered by the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_classes: Option<Vec<StorageType>>,
    /// Ingress classes offered by the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_classes: Option<Vec<IngressType>>,
    /// Load balancer classes offered by the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_classes: Option<Vec<LoadBalancerType>>,
}

/// How the pods offloaded through a virtual node are patched.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OffloadingPatch {
    /// Label keys not copied to the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels_not_reflected: Option<Vec<String>>,
    /// Annotation keys not copied to the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_not_reflected: Option<Vec<String>>,
    /// Node selector for the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations for the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Affinity for the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Runtime class of the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
}

/// The affinity rules an offloading patch may set (node affinity only).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    /// Node affinity of the remote pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::node_affinity")]
    pub node_affinity: Option<NodeAffinity>,
}

/// Observed state of a VirtualNode.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeStatus {
    /// Conditions `VirtualKubelet` and `Node`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<VirtualNodeCondition>>,
}

/// A condition of a VirtualNode.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeCondition {
    /// What the condition is about.
    #[serde(rename = "type")]
    pub type_: VirtualNodeConditionType,
    /// Lifecycle phase of that part.
    #[schemars(extend("default" = "None"))]
    pub status: VirtualNodeConditionStatus,
    /// When `status` last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable details of the last transition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Type of a VirtualNode condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum VirtualNodeConditionType {
    /// The virtual-kubelet Deployment.
    VirtualKubelet,
    /// The Node object.
    Node,
}

/// Status of a VirtualNode condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum VirtualNodeConditionStatus {
    /// Not managed.
    #[default]
    None,
    /// Up.
    Running,
    /// Being created.
    Creating,
    /// Being drained.
    Draining,
    /// Being deleted.
    Deleting,
}
