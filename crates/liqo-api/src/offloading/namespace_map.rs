//! NamespaceMap: the namespaces a consumer wants in one provider (spec, written in the
//! consumer) and their state (status, written in the provider and synced back).

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a NamespaceMap.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "NamespaceMap",
    plural = "namespacemaps",
    namespaced,
    shortname = "nm",
    shortname = "nsmap",
    category = "liqo",
    status = "NamespaceMapStatus",
    derive = "PartialEq",
    doc = "NamespaceMap maps local namespaces to namespaces of one provider cluster.",
    printcolumn(
        name = "Local",
        type_ = "string",
        json_path = r".metadata.labels.liqo\.io/replication"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceMapSpec {
    /// Local namespace → remote namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired_mapping: Option<BTreeMap<String, String>>,
}

/// Observed state of a NamespaceMap.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceMapStatus {
    /// Local namespace → state of its remote twin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_mapping: Option<BTreeMap<String, RemoteNamespaceStatus>>,
}

/// State of one remote namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNamespaceStatus {
    /// Name of the remote namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_namespace: Option<String>,
    /// Phase of its creation or deletion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<MappingPhase>,
}

/// Phase of a remote namespace.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum MappingPhase {
    /// Created and managed.
    Accepted,
    /// Creation keeps failing.
    CreationLoopBackOff,
    /// Being deleted.
    Terminating,
}
