//! GatewayServer: a gateway that exposes an endpoint for a peer's GatewayClient; rendered into
//! a technology-specific child (e.g. a WgGatewayServer) through a template.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ObjectReference;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EndpointStatus, InternalGatewayEndpoint};
use crate::common::LocalObjectReference;

/// Desired state of a GatewayServer.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "GatewayServer",
    plural = "gatewayservers",
    namespaced,
    shortname = "gws",
    shortname = "gwserver",
    category = "liqo",
    status = "GatewayServerStatus",
    derive = "PartialEq",
    doc = "GatewayServer defines a gateway server that remote gateway clients point to.",
    printcolumn(
        name = "Template Kind",
        type_ = "string",
        json_path = ".spec.serverTemplateRef.kind",
        priority = 1
    ),
    printcolumn(
        name = "Template Name",
        type_ = "string",
        json_path = ".spec.serverTemplateRef.name"
    ),
    printcolumn(
        name = "Template Namespace",
        type_ = "string",
        json_path = ".spec.serverTemplateRef.namespace",
        priority = 1
    ),
    printcolumn(
        name = "IP",
        type_ = "string",
        json_path = ".status.endpoint.addresses[*]"
    ),
    printcolumn(name = "Port", type_ = "string", json_path = ".status.endpoint.port"),
    printcolumn(
        name = "Protocol",
        type_ = "string",
        json_path = ".status.endpoint.protocol",
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
pub struct GatewayServerSpec {
    /// MTU of the tunnel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::plain_integer")]
    pub mtu: Option<i64>,
    /// How the endpoint is exposed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
    /// The template to render the child from (apiVersion, kind, name, namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub server_template_ref: Option<ObjectReference>,
    /// A user-provided keys Secret; empty to let the operator create one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// Annotations for the rendered Service, over the template's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_annotations: Option<BTreeMap<String, String>>,
    /// Labels for the rendered Service, over the template's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_labels: Option<BTreeMap<String, String>>,
}

/// How a gateway server is exposed: Service type, port(s), static node port(s), LB IP.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"message": "port and ports are mutually exclusive", "rule": "!(has(self.port) && has(self.ports))"},
    {"message": "nodePort and nodePorts are mutually exclusive", "rule": "!(has(self.nodePort) && has(self.nodePorts))"},
    {"message": "at least one of port or ports must be set", "rule": "has(self.port) || (has(self.ports) && size(self.ports) > 0)"},
    {"message": "ports must not contain duplicates", "rule": "!(has(self.ports)) || self.ports.all(p, self.ports.filter(q, q == p).size() == 1)"},
    {"message": "nodePorts must not contain duplicates", "rule": "!(has(self.nodePorts)) || self.nodePorts.all(p, self.nodePorts.filter(q, q == p).size() == 1)"},
]))]
pub struct Endpoint {
    /// Port of the endpoint (deprecated upstream in favour of `ports`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Ports of the endpoint, one per tunnel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::port_list")]
    pub ports: Option<Vec<i32>>,
    /// Type of the Service exposing the server (default `ClusterIP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "ClusterIP"))]
    pub service_type: Option<ServiceType>,
    /// Static NodePort (deprecated upstream in favour of `nodePorts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
    /// Static NodePorts, one per port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::port_list")]
    pub node_ports: Option<Vec<i32>>,
    /// Static load balancer IP (type `LoadBalancer` only).
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "Option::is_none")]
    pub load_balancer_ip: Option<String>,
}

/// Type of the Service exposing a gateway server.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ServiceType {
    /// In-cluster virtual IP.
    #[default]
    ClusterIP,
    /// A port on every node.
    NodePort,
    /// An external load balancer.
    LoadBalancer,
    /// A DNS name.
    ExternalName,
}

impl ServiceType {
    /// The string on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

/// Observed state of a GatewayServer, copied from its child.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayServerStatus {
    /// The rendered child (apiVersion, kind, name, namespace, uid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub server_ref: Option<ObjectReference>,
    /// Where clients reach the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointStatus>,
    /// The keys Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub secret_ref: Option<ObjectReference>,
    /// The active gateway pod's IP and node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_endpoint: Option<InternalGatewayEndpoint>,
}
