//! WgGatewayServer and WgGatewayClient: the WireGuard gateways rendered from the default
//! templates, holding the Deployment (and, for the server, Service) to run.

use k8s_openapi::api::core::v1::{ObjectReference, ServiceSpec};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EndpointStatus, InternalGatewayEndpoint};
use crate::common::{DeploymentTemplate, EmbeddedMetadata, LocalObjectReference};

/// Desired state of a WgGatewayServer.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "WgGatewayServer",
    plural = "wggatewayservers",
    namespaced,
    shortname = "wgs",
    shortname = "wggs",
    category = "liqo",
    status = "WgGatewayServerStatus",
    derive = "PartialEq",
    doc = "WgGatewayServer defines a WireGuard gateway server."
)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayServerSpec {
    /// The gateway Deployment.
    pub deployment: DeploymentTemplate,
    /// The Service exposing the gateway.
    pub service: ServiceTemplate,
    /// Metrics exposure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// A user-provided keys Secret; empty to let the operator create one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
}

/// Observed state of a WgGatewayServer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayServerStatus {
    /// The keys Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub secret_ref: Option<ObjectReference>,
    /// Where clients reach the server, from the Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointStatus>,
    /// The active gateway pod's IP and node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_endpoint: Option<InternalGatewayEndpoint>,
}

/// Desired state of a WgGatewayClient.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "WgGatewayClient",
    plural = "wggatewayclients",
    namespaced,
    shortname = "wgc",
    shortname = "wggc",
    category = "liqo",
    status = "WgGatewayClientStatus",
    derive = "PartialEq",
    doc = "WgGatewayClient defines a WireGuard gateway client."
)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayClientSpec {
    /// The gateway Deployment.
    pub deployment: DeploymentTemplate,
    /// Metrics exposure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// A user-provided keys Secret; empty to let the operator create one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
}

/// Observed state of a WgGatewayClient.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayClientStatus {
    /// The keys Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub secret_ref: Option<ObjectReference>,
    /// The active gateway pod's IP and node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_endpoint: Option<InternalGatewayEndpoint>,
}

/// A Service to render: its metadata and spec.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ServiceTemplate {
    /// Metadata of the Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<EmbeddedMetadata>,
    /// Spec of the Service.
    // Typed in Rust, opaque in the CRD, for the reason given on `DeploymentTemplate::spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub spec: Option<ServiceSpec>,
}

/// Metrics exposure of a gateway: a Service and a Prometheus-operator ServiceMonitor.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Whether metrics are exposed.
    pub enabled: bool,
    /// The metrics Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceTemplate>,
    /// The ServiceMonitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_monitor: Option<ServiceMonitorTemplate>,
}

/// A Prometheus-operator ServiceMonitor to render.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ServiceMonitorTemplate {
    /// Metadata of the ServiceMonitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<EmbeddedMetadata>,
    /// Spec of the ServiceMonitor (`monitoring.coreos.com/v1`).
    // Opaque: the ServiceMonitor is a third-party type with no Rust definition here, and
    // upstream inlines prometheus-operator's schema of one release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub spec: Option<serde_json::Value>,
}
