//! The gateway objects `network connect` applies: the GatewayServer on the server side, the
//! GatewayClient pointing at its endpoint, and the PublicKeys each side gives the other.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ObjectReference, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::{Resource, ResourceExt};
use liqo_api::consts::label;
use liqo_api::networking::{
    Endpoint, EndpointStatus, GatewayClient, GatewayClientSpec, GatewayServer, GatewayServerSpec,
    PublicKey, PublicKeySpec, ServiceType,
};

/// A gateway template: `group/version/resource` plus the kind discovery found for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    /// `group/version`.
    pub api_version: String,
    /// Kind of the template resource.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
}

impl TemplateRef {
    fn object_reference(&self) -> ObjectReference {
        ObjectReference {
            api_version: Some(self.api_version.clone()),
            kind: Some(self.kind.clone()),
            name: Some(self.name.clone()),
            namespace: Some(self.namespace.clone()),
            ..Default::default()
        }
    }
}

/// `group/version/resource` split, as `--gw-server-type` gives it.
///
/// # Errors
/// A message naming the expected shape.
pub fn parse_type(text: &str) -> Result<(String, String, String), String> {
    match text.split('/').collect::<Vec<_>>()[..] {
        [group, version, resource] if !version.is_empty() && !resource.is_empty() => {
            Ok((group.into(), version.into(), resource.into()))
        }
        _ => Err(format!(
            "invalid template type {text:?}: expected <group>/<version>/<resource>, e.g. networking.liqo.io/v1beta1/wggatewayservertemplates"
        )),
    }
}

/// What the server side exposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerParams {
    /// Service type of the endpoint.
    pub service_type: ServiceType,
    /// UDP port.
    pub port: i32,
    /// A fixed node port (`None` = Kubernetes chooses).
    pub node_port: Option<i32>,
    /// A fixed load-balancer IP.
    pub load_balancer_ip: Option<String>,
    /// Tunnel MTU.
    pub mtu: i64,
    /// The template to render.
    pub template: TemplateRef,
}

fn peer_labels(peer: &str) -> Option<std::collections::BTreeMap<String, String>> {
    Some([(label::REMOTE_CLUSTER_ID.to_string(), peer.to_string())].into())
}

/// The GatewayServer `name` in `namespace` for `peer`.
pub fn gateway_server(name: &str, namespace: &str, peer: &str, p: &ServerParams) -> GatewayServer {
    let mut gw = GatewayServer::new(
        name,
        GatewayServerSpec {
            mtu: Some(p.mtu),
            endpoint: Some(Endpoint {
                port: Some(p.port),
                service_type: Some(p.service_type),
                node_port: p.node_port,
                load_balancer_ip: p.load_balancer_ip.clone(),
                ..Default::default()
            }),
            server_template_ref: Some(p.template.object_reference()),
            ..Default::default()
        },
    );
    gw.metadata.namespace = Some(namespace.into());
    gw.metadata.labels = peer_labels(peer);
    gw
}

/// Whether an existing gateway Service no longer matches the requested endpoint, so the server
/// must be recreated (type, port, requested node port, load-balancer IP set/unset/different).
pub fn service_differs(svc: &Service, p: &ServerParams) -> bool {
    let Some(spec) = &svc.spec else {
        return true;
    };
    let port = spec.ports.as_ref().and_then(|ports| ports.first());
    spec.type_.as_deref() != Some(p.service_type.as_str())
        || port.map(|x| x.port) != Some(p.port)
        || p.node_port
            .is_some_and(|n| port.and_then(|x| x.node_port) != Some(n))
        || spec.load_balancer_ip.as_deref().filter(|s| !s.is_empty())
            != p.load_balancer_ip.as_deref()
}

/// The GatewayClient `name` in `namespace` for `peer`, dialling `endpoint`.
pub fn gateway_client(
    name: &str,
    namespace: &str,
    peer: &str,
    endpoint: EndpointStatus,
    mtu: i64,
    template: &TemplateRef,
) -> GatewayClient {
    let mut gw = GatewayClient::new(
        name,
        GatewayClientSpec {
            mtu: Some(mtu),
            endpoint: Some(endpoint),
            client_template_ref: Some(template.object_reference()),
            secret_ref: None,
        },
    );
    gw.metadata.namespace = Some(namespace.into());
    gw.metadata.labels = peer_labels(peer);
    gw
}

/// A non-controller owner reference to `owner` (a gateway).
pub fn owner_reference<K: Resource<DynamicType = ()>>(owner: &K) -> OwnerReference {
    OwnerReference {
        api_version: K::api_version(&()).into(),
        kind: K::kind(&()).into(),
        name: owner.name_any(),
        uid: owner.uid().unwrap_or_default(),
        controller: None,
        block_owner_deletion: None,
    }
}

/// The PublicKey `name` in `namespace` holding `key_owner`'s gateway key, owned by the local
/// gateway that uses it.
pub fn public_key(
    name: &str,
    namespace: &str,
    key_owner: &str,
    key: Vec<u8>,
    owner: OwnerReference,
) -> PublicKey {
    let mut pk = PublicKey::new(
        name,
        PublicKeySpec {
            public_key: Some(ByteString(key)),
        },
    );
    pk.metadata.namespace = Some(namespace.into());
    pk.metadata.labels = Some(
        [
            (label::REMOTE_CLUSTER_ID.to_string(), key_owner.to_string()),
            (label::GATEWAY_RESOURCE.to_string(), label::TRUE.to_string()),
        ]
        .into(),
    );
    pk.metadata.owner_references = Some(vec![owner]);
    pk
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{ServicePort, ServiceSpec};

    use super::*;

    fn params() -> ServerParams {
        ServerParams {
            service_type: ServiceType::LoadBalancer,
            port: 51840,
            node_port: None,
            load_balancer_ip: None,
            mtu: 1340,
            template: TemplateRef {
                api_version: "networking.liqo.io/v1beta1".into(),
                kind: "WgGatewayServerTemplate".into(),
                name: "wireguard-server".into(),
                namespace: "liqo".into(),
            },
        }
    }

    fn service(type_: &str, port: i32, node_port: Option<i32>, lb: Option<&str>) -> Service {
        Service {
            spec: Some(ServiceSpec {
                type_: Some(type_.into()),
                load_balancer_ip: lb.map(String::from),
                ports: Some(vec![ServicePort {
                    port,
                    node_port,
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn type_must_have_three_parts() {
        assert_eq!(
            parse_type("networking.liqo.io/v1beta1/wggatewayservertemplates").unwrap(),
            (
                "networking.liqo.io".into(),
                "v1beta1".into(),
                "wggatewayservertemplates".into()
            )
        );
        assert!(parse_type("v1beta1/wggatewayservertemplates").is_err());
        assert!(parse_type("a/b/c/d").is_err());
    }

    #[test]
    fn a_service_differs_on_type_port_node_port_and_lb_ip() {
        let p = params();
        assert!(!service_differs(
            &service("LoadBalancer", 51840, Some(31000), None),
            &p
        ));
        assert!(service_differs(&service("NodePort", 51840, None, None), &p));
        assert!(service_differs(
            &service("LoadBalancer", 51841, None, None),
            &p
        ));
        assert!(service_differs(
            &service("LoadBalancer", 51840, None, Some("1.2.3.4")),
            &p
        ));
        let fixed = ServerParams {
            node_port: Some(30000),
            ..params()
        };
        assert!(service_differs(
            &service("LoadBalancer", 51840, Some(31000), None),
            &fixed
        ));
        assert!(!service_differs(
            &service("LoadBalancer", 51840, Some(30000), None),
            &fixed
        ));
    }

    #[test]
    fn gateway_objects_carry_the_peer_label() {
        let p = params();
        let server = gateway_server("c1", "liqo-tenant-c1", "c1", &p);
        assert_eq!(server.labels()[label::REMOTE_CLUSTER_ID], "c1");
        assert_eq!(
            server
                .spec
                .server_template_ref
                .clone()
                .unwrap()
                .kind
                .as_deref(),
            Some("WgGatewayServerTemplate")
        );
        let key = public_key("c2", "ns", "c2", vec![7; 32], owner_reference(&server));
        assert_eq!(key.labels()[label::GATEWAY_RESOURCE], "true");
        assert_eq!(key.owner_references()[0].kind, "GatewayServer");
        assert_eq!(key.spec.public_key.unwrap().0.len(), 32);
    }
}
