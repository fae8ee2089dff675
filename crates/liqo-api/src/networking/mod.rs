//! `networking.liqo.io/v1beta1`: the network Configuration of a peer, the technology-neutral
//! GatewayServer/GatewayClient, their WireGuard children and templates, the PublicKey exchanged
//! between the clusters and the Connection reporting the tunnel's health.

mod configuration;
mod connection;
mod gateway_client;
mod gateway_server;
mod public_key;
mod wg_gateway;
mod wg_gateway_template;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use configuration::{
    ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationSpec, ConfigurationStatus,
};
pub use connection::{
    Connection, ConnectionLatency, ConnectionSpec, ConnectionStatus, ConnectionStatusValue,
    ConnectionType,
};
pub use gateway_client::{GatewayClient, GatewayClientSpec, GatewayClientStatus};
pub use gateway_server::{
    Endpoint, GatewayServer, GatewayServerSpec, GatewayServerStatus, ServiceType,
};
pub use public_key::{PublicKey, PublicKeySpec};
pub use wg_gateway::{
    Metrics, ServiceMonitorTemplate, ServiceTemplate, WgGatewayClient, WgGatewayClientSpec,
    WgGatewayClientStatus, WgGatewayServer, WgGatewayServerSpec, WgGatewayServerStatus,
};
pub use wg_gateway_template::{
    ObjectKind, WgGatewayClientTemplate, WgGatewayClientTemplateSpec, WgGatewayServerTemplate,
    WgGatewayServerTemplateSpec,
};

/// API group of this module.
pub const GROUP: &str = "networking.liqo.io";
/// API version of this module.
pub const VERSION: &str = "v1beta1";

/// Where a gateway server can be reached: addresses, port(s) and protocol. The server's status
/// publishes it and the client's spec dials it (`addresses[0]`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"message": "port and ports are mutually exclusive", "rule": "!(has(self.port) && has(self.ports))"},
    {"message": "at least one of port or ports must be set", "rule": "has(self.port) || (has(self.ports) && size(self.ports) > 0)"},
    {"message": "ports must not contain duplicates", "rule": "!(has(self.ports)) || self.ports.all(p, self.ports.filter(q, q == p).size() == 1)"},
]))]
pub struct EndpointStatus {
    /// Addresses (IPs or DNS names) of the endpoint; load balancer IPs before hostnames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<String>>,
    /// Port of the endpoint (deprecated upstream in favour of `ports`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Ports of the endpoint, one per tunnel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::port_list")]
    pub ports: Option<Vec<i32>>,
    /// Transport protocol of the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

/// Transport protocol of a gateway endpoint.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum Protocol {
    /// TCP.
    #[serde(rename = "TCP")]
    Tcp,
    /// UDP (WireGuard).
    #[serde(rename = "UDP")]
    Udp,
}

/// The in-cluster endpoint of a gateway: the active gateway pod's IP and node.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct InternalGatewayEndpoint {
    /// IP of the active gateway pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "ipv4"))]
    pub ip: Option<String>,
    /// Node of the active gateway pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

#[cfg(test)]
mod tests {
    use kube::Resource;
    use serde_json::json;

    use super::*;
    use crate::fixtures::{self, assert_json_roundtrip};

    #[test]
    fn fixtures_roundtrip() {
        assert_json_roundtrip(&fixtures::configuration());
        assert_json_roundtrip(&fixtures::gateway_server());
        assert_json_roundtrip(&fixtures::gateway_client());
        assert_json_roundtrip(&fixtures::wg_gateway_server());
        assert_json_roundtrip(&fixtures::wg_gateway_client());
        assert_json_roundtrip(&fixtures::wg_gateway_server_template());
        assert_json_roundtrip(&fixtures::wg_gateway_client_template());
        assert_json_roundtrip(&fixtures::public_key());
        assert_json_roundtrip(&fixtures::connection());
    }

    #[test]
    fn public_key_is_32_bytes_in_base64_under_publickeies() {
        let json = assert_json_roundtrip(&fixtures::public_key());
        let key = json["spec"]["publicKey"].as_str().unwrap();
        assert_eq!(
            key.len(),
            44,
            "32 bytes are 44 base64 characters, as `wg pubkey` prints"
        );
        assert_eq!(PublicKey::plural(&()), "publickeies");
        assert_eq!(PublicKey::api_version(&()), "networking.liqo.io/v1beta1");
    }

    #[test]
    fn configuration_lists_cidrs_and_a_standard_condition() {
        let json = assert_json_roundtrip(&fixtures::configuration());
        assert_eq!(
            json["spec"]["remote"]["cidr"]["pod"],
            json!(["10.243.0.0/16"])
        );
        assert_eq!(
            json["status"]["remote"]["cidr"]["external"],
            json!(["10.68.0.0/16"])
        );
        let condition = &json["status"]["conditions"][0];
        assert_eq!(condition["type"], "NetworkCIDRsConfigured");
        assert_eq!(condition["status"], "True");
        assert_eq!(condition["observedGeneration"], 2);
    }

    #[test]
    fn gateway_fields_use_upstream_names() {
        let server = assert_json_roundtrip(&fixtures::gateway_server());
        let endpoint = &server["spec"]["endpoint"];
        assert_eq!(endpoint["serviceType"], "LoadBalancer");
        assert_eq!(endpoint["loadBalancerIP"], "172.18.255.200");
        assert_eq!(endpoint["nodePort"], 30517);
        assert_eq!(server["spec"]["mtu"], 1340);
        assert_eq!(
            server["spec"]["serverTemplateRef"]["name"],
            "wireguard-server"
        );
        assert_eq!(server["status"]["endpoint"]["protocol"], "UDP");
        assert_eq!(server["status"]["internalEndpoint"]["ip"], "10.243.1.17");
        assert_eq!(server["status"]["serverRef"]["kind"], "WgGatewayServer");
        let client = assert_json_roundtrip(&fixtures::gateway_client());
        assert_eq!(
            client["spec"]["endpoint"]["addresses"],
            json!(["172.18.255.200"])
        );
        assert_eq!(
            client["spec"]["clientTemplateRef"]["kind"],
            "WgGatewayClientTemplate"
        );
        let wg = assert_json_roundtrip(&fixtures::wg_gateway_server());
        assert_eq!(
            wg["spec"]["deployment"]["spec"]["strategy"]["type"],
            "Recreate"
        );
        assert_eq!(wg["spec"]["service"]["spec"]["type"], "LoadBalancer");
        assert_eq!(
            wg["spec"]["metrics"]["serviceMonitor"]["spec"]["endpoints"][0]["port"],
            "gw-metrics"
        );
        assert_eq!(wg["status"]["endpoint"]["ports"], json!([51840]));
    }

    #[test]
    fn connection_status_keeps_unknown_values() {
        let json = assert_json_roundtrip(&fixtures::connection());
        assert_eq!(json["spec"]["type"], "Client");
        assert_eq!(json["spec"]["gatewayRef"]["kind"], "WgGatewayClient");
        assert_eq!(json["status"]["value"], "Connected");
        assert_eq!(json["status"]["latency"]["value"], "2ms");
        for (value, known) in [
            ("Connecting", ConnectionStatusValue::Connecting),
            ("Connected", ConnectionStatusValue::Connected),
            ("Error", ConnectionStatusValue::Error),
        ] {
            assert_eq!(ConnectionStatusValue::from(value), known);
            assert_eq!(known.to_string(), value);
        }
        let newer: ConnectionStatusValue = serde_json::from_value(json!("Degraded")).unwrap();
        assert_eq!(newer, ConnectionStatusValue::Other("Degraded".into()));
        assert_eq!(serde_json::to_value(&newer).unwrap(), "Degraded");
    }

    #[test]
    fn enums_use_upstream_strings() {
        let all = [
            ServiceType::ClusterIP,
            ServiceType::NodePort,
            ServiceType::LoadBalancer,
            ServiceType::ExternalName,
        ];
        for service_type in all {
            assert_eq!(
                serde_json::to_value(service_type).unwrap(),
                service_type.as_str()
            );
        }
        assert_eq!(
            serde_json::to_value([Protocol::Tcp, Protocol::Udp]).unwrap(),
            json!(["TCP", "UDP"])
        );
        assert_eq!(
            serde_json::to_value([ConnectionType::Server, ConnectionType::Client]).unwrap(),
            json!(["Server", "Client"])
        );
    }
}
