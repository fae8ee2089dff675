//! ResourceSlice: a consumer's request for a slice of a provider's resources, created in the
//! consumer and replicated to the provider, which answers in the status (credentials,
//! granted resources, offered classes, Authentication/Resources conditions).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::AuthParams;
use crate::common::{CLUSTER_ID_PATTERN, IngressType, LoadBalancerType, StorageType};

/// Desired state of a ResourceSlice.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "authentication.liqo.io",
    version = "v1beta1",
    kind = "ResourceSlice",
    plural = "resourceslices",
    namespaced,
    shortname = "rslice",
    category = "liqo",
    status = "ResourceSliceStatus",
    derive = "PartialEq",
    doc = "ResourceSlice represents a slice of resources given by a provider cluster to a consumer cluster.",
    printcolumn(
        name = "Authentication",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Authentication")].status"#
    ),
    printcolumn(
        name = "Resources",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Resources")].status"#
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSliceSpec {
    /// ID of the consumer cluster (filled by the consumer's controller when empty).
    #[serde(rename = "consumerClusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = CLUSTER_ID_PATTERN))]
    pub consumer_cluster_id: Option<String>,
    /// ID of the provider cluster.
    #[serde(rename = "providerClusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = CLUSTER_ID_PATTERN))]
    pub provider_cluster_id: Option<String>,
    /// Resources requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::quantity_map")]
    pub resources: Option<BTreeMap<String, Quantity>>,
    /// Class of the slice: `default` (or `""`) is the built-in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// PEM CSR of the consumer for this slice's identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub csr: Option<ByteString>,
}

/// Observed state of a ResourceSlice, written by the provider.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSliceStatus {
    /// Conditions `Authentication` and `Resources`, one entry each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<ResourceSliceCondition>>,
    /// Resources granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::quantity_map")]
    pub resources: Option<BTreeMap<String, Quantity>>,
    /// Storage classes offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_classes: Option<Vec<StorageType>>,
    /// Ingress classes offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_classes: Option<Vec<IngressType>>,
    /// Load balancer classes offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_classes: Option<Vec<LoadBalancerType>>,
    /// Labels of the provider cluster, for the virtual node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_labels: Option<BTreeMap<String, String>>,
    /// Node selector for offloaded pods (reserved for external class plugins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Credentials for this slice's identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_params: Option<AuthParams>,
}

/// A condition of a ResourceSlice.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSliceCondition {
    /// What the condition is about.
    #[serde(rename = "type")]
    pub type_: ResourceSliceConditionType,
    /// The provider's answer.
    pub status: ResourceSliceConditionStatus,
    /// When `status`, `reason` or `message` last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable details of the last transition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Type of a ResourceSlice condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ResourceSliceConditionType {
    /// The slice's CSR was checked and signed.
    Authentication,
    /// The requested resources were granted.
    Resources,
}

/// Status of a ResourceSlice condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ResourceSliceConditionStatus {
    /// Granted.
    Accepted,
    /// Refused.
    Denied,
}

impl ResourceSlice {
    /// The condition of type `type_`, if the provider has set one.
    pub fn condition(&self, type_: ResourceSliceConditionType) -> Option<&ResourceSliceCondition> {
        self.status
            .as_ref()?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_ == type_)
    }

    /// The status of the `type_` condition, if any.
    pub fn condition_status(
        &self,
        type_: ResourceSliceConditionType,
    ) -> Option<ResourceSliceConditionStatus> {
        self.condition(type_).map(|c| c.status)
    }

    /// Whether the provider accepted the slice's CSR (`Authentication=Accepted`).
    pub fn is_authentication_accepted(&self) -> bool {
        self.condition_status(ResourceSliceConditionType::Authentication)
            == Some(ResourceSliceConditionStatus::Accepted)
    }

    /// Whether the provider granted the resources (`Resources=Accepted`).
    pub fn is_resources_accepted(&self) -> bool {
        self.condition_status(ResourceSliceConditionType::Resources)
            == Some(ResourceSliceConditionStatus::Accepted)
    }

    /// Both conditions `Accepted`: the slice can back a virtual node.
    pub fn is_accepted(&self) -> bool {
        self.is_authentication_accepted() && self.is_resources_accepted()
    }
}
