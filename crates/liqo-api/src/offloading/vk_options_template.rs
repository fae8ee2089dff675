//! VkOptionsTemplate: how virtual kubelets are run (image, args, reflection, replicas) and the
//! defaults of the VirtualNodes that use it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, Toleration};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::LocalObjectReference;
use crate::schema::open_enum;

/// Desired state of a VkOptionsTemplate.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "VkOptionsTemplate",
    plural = "vkoptionstemplates",
    namespaced,
    shortname = "vkot",
    shortname = "vkopt",
    category = "liqo",
    derive = "PartialEq",
    doc = "VkOptionsTemplate contains the options to run the virtual kubelets.",
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct VkOptionsTemplateSpec {
    /// Image of the virtual kubelet.
    pub container_image: String,
    /// Default of the VirtualNodes' `createNode`.
    pub create_node: bool,
    /// Default of the VirtualNodes' `disableNetworkCheck`.
    pub disable_network_check: bool,
    /// Whether the virtual kubelet serves metrics.
    pub metrics_enabled: bool,
    /// Address the metrics are served on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_address: Option<String>,
    /// Image pull policy of the virtual kubelet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<String>,
    /// Pull secrets of the virtual kubelet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    /// Resources of the virtual-kubelet container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::resource_requirements")]
    pub resources: Option<ResourceRequirements>,
    /// Replicas of the virtual kubelet (active/passive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Extra arguments of the virtual kubelet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_args: Option<Vec<String>>,
    /// Extra annotations of the virtual-kubelet Deployment and pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_annotations: Option<BTreeMap<String, String>>,
    /// Extra labels of the virtual-kubelet Deployment and pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_labels: Option<BTreeMap<String, String>>,
    /// Extra annotations of the Node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_extra_annotations: Option<BTreeMap<String, String>>,
    /// Extra labels of the Node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_extra_labels: Option<BTreeMap<String, String>>,
    /// Label keys not copied to the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels_not_reflected: Option<Vec<String>>,
    /// Annotation keys not copied to the remote pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_not_reflected: Option<Vec<String>>,
    /// Per-resource reflector settings (key: `pod`, `service`, `configmap`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reflectors_config: Option<BTreeMap<String, ReflectorConfig>>,
    /// Tolerations of the virtual-kubelet pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
}

/// Settings of one reflector of the virtual kubelet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ReflectorConfig {
    /// Number of workers.
    #[schemars(schema_with = "crate::schema::plain_integer")]
    pub workers: u32,
    /// Which objects are reflected.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<ReflectionType>,
}

open_enum! {
    /// Which objects a reflector reflects (upstream's schema does not enumerate it).
    pub enum ReflectionType {
        /// Only the objects marked for reflection.
        AllowList => "AllowList",
        /// All but the objects marked as not reflected.
        DenyList => "DenyList",
        /// Liqo's built-in choice for the resource.
        CustomLiqo => "CustomLiqo",
    }
}
