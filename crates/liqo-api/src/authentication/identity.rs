//! Identity: credentials, applied in the consumer, to operate in a provider, either for the
//! control plane (one per provider) or for one ResourceSlice.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::AuthParams;
use crate::common::{CLUSTER_ID_PATTERN, LocalObjectReference};

/// Desired state of an Identity.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "authentication.liqo.io",
    version = "v1beta1",
    kind = "Identity",
    plural = "identities",
    namespaced,
    shortname = "id",
    category = "liqo",
    status = "IdentityStatus",
    derive = "PartialEq",
    doc = "Identity contains the credentials to operate in a provider cluster.",
    printcolumn(name = "Type", type_ = "string", json_path = ".spec.type"),
    printcolumn(
        name = "KubeconfigSecret",
        type_ = "string",
        json_path = ".status.kubeconfigSecretRef.name",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySpec {
    /// ID of the provider cluster.
    #[serde(rename = "clusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = CLUSTER_ID_PATTERN))]
    pub cluster_id: Option<String>,
    /// What the identity is for.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<IdentityType>,
    /// Credentials, copied from the Tenant or ResourceSlice status in the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_params: Option<AuthParams>,
    /// Namespace to use in the provider (control plane only: the provider's tenant namespace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Observed state of an Identity.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityStatus {
    /// The Secret, in the Identity's namespace, holding the kubeconfig for the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubeconfig_secret_ref: Option<LocalObjectReference>,
}

/// What an Identity is for.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum IdentityType {
    /// The consumer's control plane (CRD replication, API-server checks).
    ControlPlane,
    /// The virtual kubelet of one ResourceSlice.
    ResourceSlice,
}

impl IdentityType {
    /// The string on the wire (also the value of the `liqo.io/identity-type` label).
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::ControlPlane => "ControlPlane",
            IdentityType::ResourceSlice => "ResourceSlice",
        }
    }
}
