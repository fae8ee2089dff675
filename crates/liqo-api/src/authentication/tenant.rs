//! Tenant: a consumer's request, applied in the provider, to be authenticated (public key,
//! control-plane CSR, nonce signature) and how the provider treats its ResourceSlices.

use k8s_openapi::ByteString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::AuthParams;
use crate::common::CLUSTER_ID_PATTERN;

/// Desired state of a Tenant.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "authentication.liqo.io",
    version = "v1beta1",
    kind = "Tenant",
    plural = "tenants",
    namespaced,
    shortname = "tn",
    category = "liqo",
    status = "TenantStatus",
    derive = "PartialEq",
    doc = "Tenant represents a consumer cluster in the provider.",
    printcolumn(
        name = "Condition",
        type_ = "string",
        json_path = ".spec.tenantCondition"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct TenantSpec {
    /// ID of the consumer cluster; immutable.
    #[serde(rename = "clusterID", skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "pattern" = CLUSTER_ID_PATTERN,
        "x-kubernetes-validations" = [{"message": "ClusterID is immutable", "rule": "self == oldSelf"}],
    ))]
    pub cluster_id: Option<String>,
    /// How the provider authorizes the consumer's ResourceSlices (default `KeysExchange`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "KeysExchange"))]
    pub authz_policy: Option<AuthzPolicy>,
    /// PEM `PUBLIC KEY` (PKIX) of the consumer's cluster key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub public_key: Option<ByteString>,
    /// PEM `CERTIFICATE REQUEST` for the consumer's control-plane identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub csr: Option<ByteString>,
    /// Raw signature of the provider's nonce, made with the consumer's cluster key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub signature: Option<ByteString>,
    /// Proxy through which the consumer reaches the provider's API server.
    #[serde(rename = "proxyURL", skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// Whether the tenant may get new resources (default `Active`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Active"))]
    pub tenant_condition: Option<TenantCondition>,
}

/// Observed state of a Tenant, filled by the provider's tenant controller.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantStatus {
    /// Credentials for the consumer's control-plane identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_params: Option<AuthParams>,
    /// The provider's tenant namespace for this consumer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_namespace: Option<String>,
}

/// How a provider authorizes a consumer.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum AuthzPolicy {
    /// Require the key exchange and nonce signature.
    #[default]
    KeysExchange,
    /// Accept the tenant without a handshake (declarative peering).
    TolerateNoHandshake,
}

/// Administrative state of a Tenant.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum TenantCondition {
    /// Resources are granted.
    #[default]
    Active,
    /// No new resources are granted.
    Cordoned,
    /// Every resource is revoked.
    Drained,
}
