//! NamespaceOffloading: the request (always named `offloading`) to extend a namespace to the
//! selected providers, and the per-provider outcome.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::NodeSelector;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema::open_enum;

/// Desired state of a NamespaceOffloading.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "NamespaceOffloading",
    plural = "namespaceoffloadings",
    namespaced,
    shortname = "nso",
    shortname = "nsof",
    shortname = "nsoff",
    shortname = "nsoffloading",
    category = "liqo",
    status = "NamespaceOffloadingStatus",
    derive = "PartialEq",
    doc = "NamespaceOffloading configures how a namespace is offloaded to provider clusters.",
    printcolumn(
        name = "NamespaceMappingStrategy",
        type_ = "string",
        json_path = ".spec.namespaceMappingStrategy"
    ),
    printcolumn(
        name = "PodOffloadingStrategy",
        type_ = "string",
        json_path = ".spec.podOffloadingStrategy"
    ),
    printcolumn(
        name = "OffloadingPhase",
        type_ = "string",
        json_path = ".status.offloadingPhase"
    ),
    printcolumn(
        name = "RemoteNamespaceName",
        type_ = "string",
        json_path = ".status.remoteNamespaceName",
        priority = 10
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceOffloadingSpec {
    /// How the remote namespace is named (default `DefaultName`); immutable.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "DefaultName"))]
    pub namespace_mapping_strategy: Option<NamespaceMappingStrategy>,
    /// Name of the remote namespace, with `SelectedName` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_namespace_name: Option<String>,
    /// Where the namespace's pods may run (default `LocalAndRemote`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "LocalAndRemote"))]
    pub pod_offloading_strategy: Option<PodOffloadingStrategy>,
    /// Which virtual nodes (hence providers) are selected; no terms selects all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::node_selector")]
    pub cluster_selector: Option<NodeSelector>,
}

/// How a remote namespace is named.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum NamespaceMappingStrategy {
    /// The local name.
    EnforceSameName,
    /// `<local name>-<consumer cluster ID>`.
    #[default]
    DefaultName,
    /// `spec.remoteNamespaceName`.
    SelectedName,
}

/// Where the pods of an offloaded namespace may run.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum PodOffloadingStrategy {
    /// Only in the consumer.
    Local,
    /// Only in providers.
    Remote,
    /// Both.
    #[default]
    LocalAndRemote,
}

/// Observed state of a NamespaceOffloading.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceOffloadingStatus {
    /// Name of the remote namespaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_namespace_name: Option<String>,
    /// Overall phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offloading_phase: Option<OffloadingPhase>,
    /// Conditions per NamespaceMap (i.e. per provider), keyed by NamespaceMap name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_namespaces_conditions: Option<BTreeMap<String, Vec<RemoteNamespaceCondition>>>,
    /// Generation last reconciled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

open_enum! {
    /// Overall phase of a namespace offloading (upstream's schema does not enumerate it).
    pub enum OffloadingPhase {
        /// Every selected provider has the remote namespace.
        Ready => "Ready",
        /// No provider is selected.
        NoClusterSelected => "NoClusterSelected",
        /// Remote namespaces are being created.
        InProgress => "InProgress",
        /// Some remote namespaces could not be created.
        SomeFailed => "SomeFailed",
        /// No remote namespace could be created.
        AllFailed => "AllFailed",
        /// The offloading is being removed.
        Terminating => "Terminating",
    }
}

/// A condition of a remote namespace.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNamespaceCondition {
    /// What the condition is about.
    #[serde(rename = "type")]
    pub type_: RemoteNamespaceConditionType,
    /// `True`, `False` or `Unknown`.
    pub status: ConditionStatus,
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

open_enum! {
    /// Type of a remote namespace condition (upstream's schema does not enumerate it).
    pub enum RemoteNamespaceConditionType {
        /// Whether the provider is selected.
        OffloadingRequired => "OffloadingRequired",
        /// Whether the remote namespace exists.
        Ready => "Ready",
    }
}

open_enum! {
    /// Kubernetes-style condition status (upstream's schema does not enumerate it).
    pub enum ConditionStatus {
        /// The condition holds.
        True => "True",
        /// The condition does not hold.
        False => "False",
        /// Not known.
        Unknown => "Unknown",
    }
}
