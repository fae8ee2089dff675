//! Renew: the channel through which a consumer's control-plane certificate is renewed; created
//! in the consumer, replicated to the provider, which writes the new credentials in its status.

use k8s_openapi::ByteString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AuthParams, IdentityType};
use crate::common::{CLUSTER_ID_PATTERN, LocalObjectReference};

/// Desired state of a Renew.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "authentication.liqo.io",
    version = "v1beta1",
    kind = "Renew",
    plural = "renews",
    namespaced,
    category = "liqo",
    status = "RenewStatus",
    derive = "PartialEq",
    doc = "Renew carries the renewal of a consumer's certificate for a provider cluster.",
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct RenewSpec {
    /// ID of the consumer cluster.
    #[serde(rename = "consumerClusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = CLUSTER_ID_PATTERN))]
    pub consumer_cluster_id: Option<String>,
    /// Which identity is renewed (`ControlPlane` since v1.2).
    // Upstream's schema has no enum here, so ours is a plain string too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::plain_string")]
    pub identity_type: Option<IdentityType>,
    /// PEM public key of the consumer (consumer-driven renewal, v1.0–v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub public_key: Option<ByteString>,
    /// PEM CSR of the consumer (consumer-driven renewal, v1.0–v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub csr: Option<ByteString>,
    /// The ResourceSlice whose identity is renewed (consumer-driven renewal, v1.0–v1.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_slice_ref: Option<LocalObjectReference>,
}

/// Observed state of a Renew, written in the provider and synced back to the consumer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewStatus {
    /// The renewed credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_params: Option<AuthParams>,
}
