//! GatewayClient: a gateway that dials a peer's GatewayServer; rendered into a
//! technology-specific child (e.g. a WgGatewayClient) through a template.

use k8s_openapi::api::core::v1::ObjectReference;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EndpointStatus, InternalGatewayEndpoint};
use crate::common::LocalObjectReference;

/// Desired state of a GatewayClient.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "GatewayClient",
    plural = "gatewayclients",
    namespaced,
    shortname = "gwc",
    shortname = "gwclient",
    category = "liqo",
    status = "GatewayClientStatus",
    derive = "PartialEq",
    doc = "GatewayClient defines a gateway client that points to a remote gateway server.",
    printcolumn(
        name = "Template Kind",
        type_ = "string",
        json_path = ".spec.clientTemplateRef.kind",
        priority = 1
    ),
    printcolumn(
        name = "Template Name",
        type_ = "string",
        json_path = ".spec.clientTemplateRef.name"
    ),
    printcolumn(
        name = "Template Namespace",
        type_ = "string",
        json_path = ".spec.clientTemplateRef.namespace",
        priority = 1
    ),
    printcolumn(
        name = "IP",
        type_ = "string",
        json_path = ".spec.endpoint.addresses[*]"
    ),
    printcolumn(name = "Port", type_ = "string", json_path = ".spec.endpoint.port"),
    printcolumn(
        name = "Protocol",
        type_ = "string",
        json_path = ".spec.endpoint.protocol",
        priority = 1
    ),
    printcolumn(name = "MTU", type_ = "integer", json_path = ".spec.mtu", priority = 1),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct GatewayClientSpec {
    /// MTU of the tunnel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::plain_integer")]
    pub mtu: Option<i64>,
    /// The server endpoint to dial (the client uses `addresses[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointStatus>,
    /// The template to render the child from (apiVersion, kind, name, namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub client_template_ref: Option<ObjectReference>,
    /// A user-provided keys Secret; empty to let the operator create one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
}

/// Observed state of a GatewayClient, copied from its child.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayClientStatus {
    /// The rendered child (apiVersion, kind, name, namespace, uid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub client_ref: Option<ObjectReference>,
    /// The keys Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub secret_ref: Option<ObjectReference>,
    /// The active gateway pod's IP and node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_endpoint: Option<InternalGatewayEndpoint>,
}
