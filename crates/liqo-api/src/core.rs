//! `core.liqo.io/v1beta1`: the ForeignCluster, one per peer cluster, with the role of the peer
//! and the state of each module (networking, authentication, offloading).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::CLUSTER_ID_PATTERN;

/// API group of this module.
pub const GROUP: &str = "core.liqo.io";
/// API version of this module.
pub const VERSION: &str = "v1beta1";

/// Desired state of a ForeignCluster: which cluster it stands for.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(
    group = "core.liqo.io",
    version = "v1beta1",
    kind = "ForeignCluster",
    plural = "foreignclusters",
    shortname = "fc",
    category = "liqo",
    status = "ForeignClusterStatus",
    derive = "PartialEq",
    doc = "ForeignCluster describes a peer cluster and the state of the peering with it.",
    printcolumn(name = "Role", type_ = "string", json_path = ".status.role"),
    printcolumn(
        name = "ClusterID",
        type_ = "string",
        json_path = ".spec.clusterID",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
pub struct ForeignClusterSpec {
    /// ID of the peer cluster; immutable.
    #[serde(rename = "clusterID")]
    #[schemars(extend(
        "pattern" = CLUSTER_ID_PATTERN,
        "x-kubernetes-validations" = [{"message": "ClusterID field is immutable", "rule": "self == oldSelf"}],
    ))]
    pub cluster_id: String,
}

/// Observed state of a ForeignCluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ForeignClusterStatus {
    /// Role of the peer towards this cluster.
    #[schemars(extend("default" = "Unknown"))]
    pub role: RoleType,
    /// State of each module for this peer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modules: Option<Modules>,
    /// URL of the peer's API server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_server_url: Option<String>,
    /// URL of the proxy through which the peer's API server is reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreign_proxy_url: Option<String>,
    /// Tenant namespaces of this peering in both clusters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_namespace: Option<TenantNamespaceType>,
    /// Conditions not tied to one module (e.g. the API server check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// Generation last reconciled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// Role of a peer cluster.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum RoleType {
    /// The peer consumes resources of this cluster.
    Consumer,
    /// The peer provides resources to this cluster.
    Provider,
    /// Both at once.
    ConsumerAndProvider,
    /// Neither (yet).
    #[default]
    Unknown,
}

/// The three modules of a peering; all always present.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Modules {
    /// The networking module.
    pub networking: Module,
    /// The authentication module.
    pub authentication: Module,
    /// The offloading module.
    pub offloading: Module,
}

/// Whether a module is enabled for a peer, and its conditions.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Module {
    /// Whether the module is enabled.
    pub enabled: bool,
    /// Conditions of the module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
}

/// Names of the tenant namespaces of a peering.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct TenantNamespaceType {
    /// Tenant namespace in this cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// Tenant namespace in the peer cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
}

/// A condition of a ForeignCluster or of one of its modules.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// What the condition is about.
    #[serde(rename = "type")]
    pub type_: ConditionType,
    /// State of the condition.
    #[schemars(extend("default" = "None"))]
    pub status: ConditionStatusType,
    /// When `status`, `reason` or `message` last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition (UpperCamelCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable details of the last transition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Type of a ForeignCluster condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConditionType {
    /// Reachability of the peer's API server.
    #[serde(rename = "APIServerStatus")]
    ApiServerStatus,
    /// State of the tunnel (the Connection).
    NetworkConnectionStatus,
    /// Readiness of the gateway server Deployment.
    NetworkGatewayServerStatus,
    /// Readiness of the gateway client Deployment.
    NetworkGatewayClientStatus,
    /// Whether a gateway (server or client) exists.
    NetworkGatewayPresence,
    /// Whether the network Configuration exists.
    NetworkConfigurationStatus,
    /// Readiness of the control-plane Identity.
    AuthIdentityControlPlaneStatus,
    /// Readiness of the Tenant.
    AuthTenantStatus,
    /// Readiness of the VirtualNodes.
    OffloadingVirtualNodeStatus,
    /// Readiness of the virtual Nodes.
    OffloadingNodeStatus,
}

/// Status of a ForeignCluster condition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConditionStatusType {
    /// Nothing known.
    #[default]
    None,
    /// In progress.
    Pending,
    /// Established (connections, API server).
    Established,
    /// Failed.
    Error,
    /// Ready (resources).
    Ready,
    /// Not ready.
    NotReady,
    /// Some of the underlying resources are not ready.
    SomeNotReady,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::{self, assert_json_roundtrip};

    #[test]
    fn foreign_cluster_roundtrips_with_upstream_field_names() {
        let json = assert_json_roundtrip(&fixtures::foreign_cluster());
        assert_eq!(json["spec"]["clusterID"], fixtures::PROVIDER);
        let status = &json["status"];
        assert_eq!(status["role"], "Provider");
        assert_eq!(status["apiServerUrl"], "https://172.18.0.3:6443");
        assert_eq!(status["foreignProxyUrl"], "http://10.68.0.5:8118");
        assert_eq!(
            status["tenantNamespace"]["remote"],
            fixtures::PROVIDER_TENANT_NAMESPACE
        );
        assert_eq!(status["modules"]["networking"]["enabled"], true);
        assert_eq!(status["conditions"][0]["type"], "APIServerStatus");
        assert_eq!(
            status["conditions"][0]["lastTransitionTime"],
            "2025-07-08T18:40:00Z"
        );
        assert_eq!(status["observedGeneration"], 1);
    }

    #[test]
    fn enums_use_upstream_strings() {
        let roles = [
            RoleType::Consumer,
            RoleType::Provider,
            RoleType::ConsumerAndProvider,
            RoleType::Unknown,
        ];
        assert_eq!(
            serde_json::to_value(roles).unwrap(),
            json!(["Consumer", "Provider", "ConsumerAndProvider", "Unknown"])
        );
        assert_eq!(
            serde_json::to_value(ConditionType::ApiServerStatus).unwrap(),
            "APIServerStatus"
        );
        let statuses: Vec<ConditionStatusType> = serde_json::from_value(json!([
            "None",
            "Pending",
            "Established",
            "Error",
            "Ready",
            "NotReady",
            "SomeNotReady"
        ]))
        .unwrap();
        assert_eq!(statuses.len(), 7);
        assert_eq!(RoleType::default(), RoleType::Unknown);
        assert_eq!(ConditionStatusType::default(), ConditionStatusType::None);
    }

    #[test]
    fn an_empty_status_reads_as_unknown_role() {
        let status: ForeignClusterStatus =
            serde_json::from_value(json!({"role": "Unknown"})).unwrap();
        assert_eq!(status, ForeignClusterStatus::default());
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            json!({"role": "Unknown"})
        );
    }
}
