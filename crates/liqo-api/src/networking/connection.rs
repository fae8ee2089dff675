//! Connection: the health of the tunnel to a peer, written by the gateway.

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema::open_enum;

/// Desired state of a Connection.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "Connection",
    plural = "connections",
    namespaced,
    shortname = "conn",
    category = "liqo",
    status = "ConnectionStatus",
    derive = "PartialEq",
    doc = "Connection contains the status of the connection between two clusters (a client and a server).",
    printcolumn(name = "Type", type_ = "string", json_path = ".spec.type"),
    printcolumn(name = "Status", type_ = "string", json_path = ".status.value"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Latency",
        type_ = "string",
        json_path = ".status.latency.value",
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSpec {
    /// Which end of the tunnel this cluster is.
    #[serde(rename = "type")]
    pub type_: ConnectionType,
    /// The gateway: kind of the Wg child, UID of the GatewayServer/GatewayClient (an upstream
    /// inconsistency kept on purpose).
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub gateway_ref: ObjectReference,
}

/// Which end of the tunnel a Connection describes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConnectionType {
    /// The gateway server.
    Server,
    /// The gateway client.
    Client,
}

/// Observed state of a Connection.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStatus {
    /// State of the tunnel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ConnectionStatusValue>,
    /// Last measured round-trip time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<ConnectionLatency>,
}

open_enum! {
    /// State of a tunnel (upstream's schema does not enumerate it).
    pub enum ConnectionStatusValue {
        /// The tunnel is configured, no answer yet.
        Connecting => "Connecting",
        /// Pings are answered.
        Connected => "Connected",
        /// No answer within the loss threshold.
        Error => "Error",
    }
}

/// A latency measurement.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ConnectionLatency {
    /// Round-trip time: `<n>ms`, `<n>μs`, or `N/A`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// When it was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Time>,
}

impl Connection {
    /// Whether the gateway reports the tunnel `Connected` (pings answered).
    pub fn is_connected(&self) -> bool {
        self.status
            .as_ref()
            .and_then(|s| s.value.as_ref())
            .is_some_and(|v| *v == ConnectionStatusValue::Connected)
    }
}
