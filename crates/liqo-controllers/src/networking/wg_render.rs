//! What the WgGatewayServer/WgGatewayClient controllers write and report (networking.md §5.6,
//! §5.7), pure: the ServiceAccount and its ClusterRoleBinding, the keys Secret, the Deployment
//! and Service, and the endpoint and internal-endpoint status.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{
    Node, ObjectReference, Pod, Secret, SecretVolumeSource, Service, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use liqo_api::common::{DeploymentTemplate, EmbeddedMetadata};
use liqo_api::consts::{annotation, label, name};
use liqo_api::networking::{EndpointStatus, InternalGatewayEndpoint, Protocol, ServiceTemplate};

/// A WireGuard gateway's identity: its name, namespace, peer and owner references.
#[derive(Debug, Clone)]
pub struct Gateway {
    /// Name of the Wg* object.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The peer (`liqo.io/remote-cluster-id`).
    pub peer: String,
    /// Controller reference to the Wg* object (for its Deployment, Service, ServiceAccount).
    pub owner: OwnerReference,
}

impl Gateway {
    /// `networking.liqo.io/gateway-name` and `-namespace`, and the peer: what maps the
    /// gateway's objects back to it (and to its ForeignCluster).
    pub fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            (label::GATEWAY_NAME.to_string(), self.name.clone()),
            (label::GATEWAY_NAMESPACE.to_string(), self.namespace.clone()),
            (label::REMOTE_CLUSTER_ID.to_string(), self.peer.clone()),
        ])
    }

    /// `gw-<name>`: the Deployment and Service.
    pub fn resource_name(&self) -> String {
        format!("{}{}", name::GATEWAY_PREFIX, self.name)
    }

    /// `liqo-gateway-<namespace>-<name>`.
    pub fn cluster_role_binding_name(&self) -> String {
        format!(
            "{}-{}-{}",
            name::GATEWAY_CLUSTER_ROLE,
            self.namespace,
            self.name
        )
    }

    fn meta(&self, name: String, labels: BTreeMap<String, String>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name),
            namespace: Some(self.namespace.clone()),
            labels: Some(labels),
            owner_references: Some(vec![self.owner.clone()]),
            ..Default::default()
        }
    }
}

/// The ServiceAccount the gateway pods run as: the pod template's, or `default`.
pub fn service_account_name(deployment: &DeploymentTemplate) -> String {
    deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.service_account_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".into())
}

/// The gateway's ServiceAccount, controller-owned by it.
pub fn render_service_account(gw: &Gateway, sa: &str) -> ServiceAccount {
    ServiceAccount {
        metadata: gw.meta(sa.to_string(), gw.labels()),
        ..Default::default()
    }
}

/// The binding of the `liqo-gateway` ClusterRole to the gateway's ServiceAccount.
pub fn render_cluster_role_binding(gw: &Gateway, sa: &str) -> ClusterRoleBinding {
    let mut labels = gw.labels();
    labels.insert(label::APP_MANAGED_BY.into(), label::MANAGED_BY_LIQO.into());
    ClusterRoleBinding {
        metadata: ObjectMeta {
            name: Some(gw.cluster_role_binding_name()),
            labels: Some(labels),
            ..Default::default()
        },
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "ClusterRole".into(),
            name: name::GATEWAY_CLUSTER_ROLE.into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: sa.into(),
            namespace: Some(gw.namespace.clone()),
            ..Default::default()
        }]),
    }
}

/// The keys Secret `gw-<gatewayName>` (§3.8): raw 32-byte keys, the gateway-resource and peer
/// labels, a non-controller owner reference to the GatewayServer/GatewayClient.
pub fn render_keys_secret(
    gw: &Gateway,
    gateway_name: &str,
    owner: Option<OwnerReference>,
    private: [u8; 32],
    public: [u8; 32],
) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(format!("{}{gateway_name}", name::GATEWAY_PREFIX)),
            namespace: Some(gw.namespace.clone()),
            labels: Some(BTreeMap::from([
                (label::REMOTE_CLUSTER_ID.to_string(), gw.peer.clone()),
                (label::GATEWAY_RESOURCE.to_string(), label::TRUE.to_string()),
            ])),
            owner_references: owner.map(|o| vec![o]),
            ..Default::default()
        },
        data: Some(BTreeMap::from([
            (
                name::PRIVATE_KEY_KEY.to_string(),
                ByteString(private.to_vec()),
            ),
            (
                name::PUBLIC_KEY_KEY.to_string(),
                ByteString(public.to_vec()),
            ),
        ])),
        type_: Some("Opaque".into()),
        ..Default::default()
    }
}

/// Whether a user-given keys Secret holds both keys and names the right peer (if any).
///
/// # Errors
/// A message saying what is wrong.
pub fn check_keys_secret(secret: &Secret, peer: &str) -> Result<(), String> {
    let data = secret.data.clone().unwrap_or_default();
    for key in [name::PRIVATE_KEY_KEY, name::PUBLIC_KEY_KEY] {
        if !data.contains_key(key) {
            return Err(format!(
                "Secret {} has no {key}",
                secret.metadata.name.clone().unwrap_or_default()
            ));
        }
    }
    let labelled = secret
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(label::REMOTE_CLUSTER_ID));
    match labelled {
        Some(id) if id != peer => Err(format!(
            "Secret is labelled for cluster {id:?}, not {peer:?}"
        )),
        _ => Ok(()),
    }
}

/// Labels and annotations of a rendered object: the template's, the gateway's own, and the
/// `liqo.io/template-*` annotations recording which keys came from the template.
fn smart_metadata(gw: &Gateway, name: String, template: Option<&EmbeddedMetadata>) -> ObjectMeta {
    let labels = template.and_then(|m| m.labels.clone()).unwrap_or_default();
    let annotations = template
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    let keys = |m: &BTreeMap<String, String>| m.keys().map(|k| format!("{k},")).collect::<String>();
    let mut all_labels = labels.clone();
    all_labels.extend(gw.labels());
    let mut all_annotations = annotations.clone();
    all_annotations.insert(annotation::TEMPLATE_LABELS.into(), keys(&labels));
    all_annotations.insert(annotation::TEMPLATE_ANNOTATIONS.into(), keys(&annotations));
    let mut meta = gw.meta(name, all_labels);
    meta.annotations = Some(all_annotations);
    meta
}

/// The gateway Deployment `gw-<name>`: the template's spec with the `wireguard-config` volume
/// pointing at the keys Secret.
pub fn render_deployment(
    gw: &Gateway,
    template: &DeploymentTemplate,
    secret: Option<&str>,
) -> Deployment {
    let mut spec = template.spec.clone().unwrap_or_default();
    if let Some(secret) = secret {
        let volumes = spec
            .template
            .spec
            .as_mut()
            .and_then(|p| p.volumes.as_mut())
            .into_iter()
            .flatten();
        for volume in volumes.filter(|v| v.name == name::WIREGUARD_CONFIG_VOLUME) {
            volume.secret = Some(SecretVolumeSource {
                secret_name: Some(secret.into()),
                ..Default::default()
            });
        }
    }
    Deployment {
        metadata: smart_metadata(gw, gw.resource_name(), template.metadata.as_ref()),
        spec: Some(spec),
        status: None,
    }
}

/// The server Service `gw-<name>`, keeping an existing `loadBalancerClass` when the template
/// sets none (a cloud controller may have defaulted it; it is immutable).
pub fn render_service(
    gw: &Gateway,
    template: &ServiceTemplate,
    existing: Option<&Service>,
) -> Service {
    let mut spec = template.spec.clone().unwrap_or_default();
    if spec.load_balancer_class.is_none() {
        spec.load_balancer_class = existing
            .and_then(|s| s.spec.as_ref())
            .and_then(|s| s.load_balancer_class.clone());
    }
    Service {
        metadata: smart_metadata(gw, gw.resource_name(), template.metadata.as_ref()),
        spec: Some(spec),
        status: None,
    }
}

/// Why the endpoint cannot be computed yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// The Service has no ports.
    #[error("service {0} has no ports")]
    NoPorts(String),
    /// A type other than ClusterIP, NodePort or LoadBalancer.
    #[error("service type {0:?} not supported for a WireGuard server")]
    UnsupportedType(String),
}

/// `status.endpoint` from the server Service (§5.6 step 4); `node` is the active pod's Node,
/// needed for NodePort only.
///
/// # Errors
/// [`EndpointError`] for a Service without ports or of an unsupported type.
pub fn endpoint_status(
    service: &Service,
    node: Option<&Node>,
) -> Result<EndpointStatus, EndpointError> {
    let spec = service.spec.clone().unwrap_or_default();
    let name = service.metadata.name.clone().unwrap_or_default();
    let port = spec
        .ports
        .as_ref()
        .and_then(|p| p.first().cloned())
        .ok_or_else(|| EndpointError::NoPorts(name.clone()))?;
    let protocol = match port.protocol.as_deref() {
        Some("TCP") => Protocol::Tcp,
        _ => Protocol::Udp,
    };
    let service_type = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let (addresses, port) = match service_type.as_str() {
        "ClusterIP" => (spec.cluster_ips.clone().unwrap_or_default(), port.port),
        "NodePort" => (
            vec![node.map(node_address).unwrap_or_default()],
            port.node_port.unwrap_or(0),
        ),
        "LoadBalancer" => {
            let ingress = service
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.clone())
                .unwrap_or_default();
            let ips = ingress.iter().filter_map(|i| i.ip.clone());
            let hosts = ingress.iter().filter_map(|i| i.hostname.clone());
            (ips.chain(hosts).collect(), port.port)
        }
        other => return Err(EndpointError::UnsupportedType(other.into())),
    };
    Ok(EndpointStatus {
        addresses: Some(addresses),
        port: Some(port),
        ports: None,
        protocol: Some(protocol),
    })
}

/// One address of a Ready node: the first of ExternalDNS, ExternalIP, InternalDNS, InternalIP,
/// Hostname; `""` when the node is not Ready (upstream quirk §12.4).
fn node_address(node: &Node) -> String {
    let status = node.status.clone().unwrap_or_default();
    let ready = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True");
    if !ready {
        return String::new();
    }
    let addresses = status.addresses.unwrap_or_default();
    [
        "ExternalDNS",
        "ExternalIP",
        "InternalDNS",
        "InternalIP",
        "Hostname",
    ]
    .iter()
    .find_map(|t| {
        addresses
            .iter()
            .find(|a| a.type_ == *t)
            .map(|a| a.address.clone())
    })
    .unwrap_or_default()
}

/// The single Running, not deleting, active gateway pod with an IP among `pods` (already
/// selected by the active and component labels); `None` unless exactly one.
pub fn active_pod<'a>(pods: &'a [Pod], gw: &Gateway) -> Option<&'a Pod> {
    let mut candidates = pods.iter().filter(|p| {
        let labels = p.metadata.labels.clone().unwrap_or_default();
        // Pods that say which gateway they serve must be this one's.
        let ours = labels
            .get(label::GATEWAY_NAME)
            .is_none_or(|n| *n == gw.name);
        let status = p.status.as_ref();
        ours && p.metadata.deletion_timestamp.is_none()
            && status.and_then(|s| s.phase.as_deref()) == Some("Running")
            && status
                .and_then(|s| s.pod_ip.as_deref())
                .is_some_and(|ip| !ip.is_empty())
    });
    let first = candidates.next()?;
    candidates.next().is_none().then_some(first)
}

/// `status.internalEndpoint` of the active pod.
pub fn internal_endpoint(pod: &Pod) -> InternalGatewayEndpoint {
    InternalGatewayEndpoint {
        ip: pod.status.as_ref().and_then(|s| s.pod_ip.clone()),
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
    }
}

/// `status.secretRef` of the keys Secret.
pub fn secret_ref(secret: &Secret) -> ObjectReference {
    ObjectReference {
        name: secret.metadata.name.clone(),
        namespace: secret.metadata.namespace.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;
