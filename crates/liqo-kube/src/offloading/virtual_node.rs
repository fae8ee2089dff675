//! The VirtualNode spec mutation (spec offloading.md §4.6), shared by `create virtualnode` and
//! the VirtualNode creator, and the virtual-kubelet Deployment a VkOptionsTemplate defaults to
//! (§5.1, in [`deployment`]; the defaulting of `spec.template` and the managed args of §4.7 in
//! [`defaults`]).

pub mod defaults;
pub mod deployment;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ObjectReference, ResourceQuotaSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use liqo_api::authentication::ResourceSlice;
use liqo_api::common::{IngressType, LoadBalancerType, LocalObjectReference, StorageType};
use liqo_api::consts::label;
use liqo_api::offloading::{VirtualNode, VkOptionsTemplateSpec};

pub use defaults::{default_template, ensure_managed_args, needs_template};
pub use deployment::{
    DeploymentInputs, offloading_patch_hash, remote_cidr_args, set_remote_cidr_args, vk_deployment,
};

/// What a VirtualNode offers and how it reaches the provider (§4.6 "options").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VirtualNodeOptions {
    /// Secret (same namespace) holding key `kubeconfig` for the provider.
    pub kubeconfig_secret: String,
    /// The VkOptionsTemplate to use; `None` for the default one.
    pub template_ref: Option<ObjectReference>,
    /// Resources of the Node (capacity = allocatable).
    pub resources: BTreeMap<String, Quantity>,
    /// Storage classes offered (the first `default: true`, else the first, is used).
    pub storage_classes: Vec<StorageType>,
    /// Ingress classes offered.
    pub ingress_classes: Vec<IngressType>,
    /// Load-balancer classes offered.
    pub load_balancer_classes: Vec<LoadBalancerType>,
    /// Labels of the Node.
    pub node_labels: BTreeMap<String, String>,
    /// Node selector of the offloaded pods.
    pub node_selector: BTreeMap<String, String>,
}

/// Inputs of the §4.6 mutation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mutation {
    /// The provider's cluster ID.
    pub remote_cluster_id: String,
    /// What the node offers.
    pub options: VirtualNodeOptions,
    /// `spec.createNode`, only written when given.
    pub create_node: Option<bool>,
    /// `spec.disableNetworkCheck`, only written when given.
    pub disable_network_check: Option<bool>,
    /// `spec.offloadingPatch.runtimeClassName`, only written when non-empty.
    pub runtime_class_name: Option<String>,
}

/// Options from a ResourceSlice's status (§4.6 last paragraph): resources = `status.resources`,
/// classes, node labels and node selector from the status.
pub fn options_from_slice(
    slice: &ResourceSlice,
    kubeconfig_secret: &str,
    template_ref: Option<ObjectReference>,
) -> VirtualNodeOptions {
    let status = slice.status.clone().unwrap_or_default();
    VirtualNodeOptions {
        kubeconfig_secret: kubeconfig_secret.to_owned(),
        template_ref,
        resources: status.resources.unwrap_or_default(),
        storage_classes: status.storage_classes.unwrap_or_default(),
        ingress_classes: status.ingress_classes.unwrap_or_default(),
        load_balancer_classes: status.load_balancer_classes.unwrap_or_default(),
        node_labels: status.node_labels.unwrap_or_default(),
        node_selector: status.node_selector.unwrap_or_default(),
    }
}

/// A reference to the VkOptionsTemplate `namespace/name` as VirtualNodes carry it.
pub fn template_ref(namespace: &str, name: &str) -> ObjectReference {
    ObjectReference {
        api_version: Some(format!(
            "{}/{}",
            liqo_api::offloading::GROUP,
            liqo_api::offloading::VERSION
        )),
        kind: Some("VkOptionsTemplate".to_owned()),
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        ..ObjectReference::default()
    }
}

/// Applies the §4.6 mutation to `vn` (new or existing). `template` is the VkOptionsTemplate
/// `options.template_ref` names, already read (the caller fails when it does not exist).
pub fn mutate(vn: &mut VirtualNode, m: &Mutation, template: Option<&VkOptionsTemplateSpec>) {
    let p = &m.remote_cluster_id;
    // 1. The lookup label.
    vn.metadata
        .labels
        .get_or_insert_default()
        .insert(label::REMOTE_CLUSTER_ID.to_owned(), p.clone());
    let spec = &mut vn.spec;
    // 2. Node labels: existing ∪ cluster ID ∪ provider's labels (later wins).
    let labels = spec.labels.get_or_insert_default();
    labels.insert(label::REMOTE_CLUSTER_ID.to_owned(), p.clone());
    labels.extend(m.options.node_labels.clone());
    // 3.
    spec.cluster_id = Some(p.clone());
    if let Some(create) = m.create_node {
        spec.create_node = Some(create);
    }
    if let Some(disable) = m.disable_network_check {
        spec.disable_network_check = Some(disable);
    }
    // 4.
    spec.kubeconfig_secret_ref = Some(LocalObjectReference::new(&m.options.kubeconfig_secret));
    spec.vk_options_template_ref = m.options.template_ref.clone();
    spec.resource_quota = Some(ResourceQuotaSpec {
        hard: Some(m.options.resources.clone()),
        ..ResourceQuotaSpec::default()
    });
    spec.storage_classes = Some(m.options.storage_classes.clone());
    spec.ingress_classes = Some(m.options.ingress_classes.clone());
    spec.load_balancer_classes = Some(m.options.load_balancer_classes.clone());
    // 5. The offloading patch, created on demand.
    if let Some(class) = m.runtime_class_name.as_ref().filter(|c| !c.is_empty()) {
        let patch = spec.offloading_patch.get_or_insert_default();
        patch.runtime_class_name = Some(class.clone());
    }
    if !m.options.node_selector.is_empty() {
        let patch = spec.offloading_patch.get_or_insert_default();
        patch.node_selector = Some(m.options.node_selector.clone());
    }
    // 6. Replicas from the template when the rendered Deployment has none. Upstream quirk 2:
    // upstream dereferences a nil `spec.template` here on a new object; a VirtualNode without
    // a template is left for the defaulting (§4.7.2), which takes the template's replicas.
    let replicas = template.and_then(|t| t.replicas);
    if let (Some(replicas), Some(deployment)) = (
        replicas,
        spec.template.as_mut().and_then(|t| t.spec.as_mut()),
    ) && deployment.replicas.is_none()
    {
        deployment.replicas = Some(replicas);
    }
}

#[cfg(test)]
mod tests;
