//! Template instantiation of the GatewayServer/GatewayClient operators (networking.md §5.5),
//! pure: the template data with Go field names, the rendered child object, and the gateway
//! status copied from the child.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use liqo_api::consts::label;
use liqo_api::networking::{
    EndpointStatus, GatewayClient, GatewayClientStatus, GatewayServer, GatewayServerStatus,
    InternalGatewayEndpoint,
};
use liqo_kube::gotemplate::{TemplateError, render_tree};
use serde_json::{Map, Value, json};

/// Why a template could not be instantiated.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The template object lacks a required part.
    #[error("invalid template: missing {0}")]
    Missing(&'static str),
    /// A template string failed.
    #[error("failed to render the template {0}")]
    Template(&'static str, #[source] TemplateError),
    /// The rendered namespace is not the gateway's.
    #[error("the template renders namespace {0:?}, but the child must be in {1:?}")]
    Namespace(String, String),
    /// The rendered name is empty.
    #[error("the template renders an empty name")]
    EmptyName,
}

/// Kubernetes' naive guess of a Kind's resource: lowercase, `…s` → `…ses`, `…y` → `…ies`,
/// otherwise `+s` (so `PublicKey` → `publickeies`).
pub fn kind_to_resource(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if lower.ends_with('s') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// `corev1.ObjectReference` with Go field names (zero values for absent fields).
fn go_object_ref(r: Option<&ObjectReference>) -> Value {
    let r = r.cloned().unwrap_or_default();
    json!({
        "Kind": r.kind.unwrap_or_default(),
        "Namespace": r.namespace.unwrap_or_default(),
        "Name": r.name.unwrap_or_default(),
        "UID": r.uid.unwrap_or_default(),
        "APIVersion": r.api_version.unwrap_or_default(),
        "ResourceVersion": r.resource_version.unwrap_or_default(),
        "FieldPath": r.field_path.unwrap_or_default(),
    })
}

fn data(spec: Value, meta: &ObjectMeta, peer: &str, secret: &str) -> Value {
    json!({
        "Spec": spec,
        "Name": meta.name.as_deref().unwrap_or_default(),
        "Namespace": meta.namespace.as_deref().unwrap_or_default(),
        "GatewayUID": meta.uid.as_deref().unwrap_or_default(),
        "ClusterID": peer,
        "SecretName": secret,
    })
}

/// The template data of a GatewayServer: `.Spec` with Go field names, nil pointers as `null`,
/// nil slices and maps as empty ones (as Go prints them), plus `.Name`, `.Namespace`,
/// `.GatewayUID`, `.ClusterID` and `.SecretName`.
pub fn server_data(gw: &GatewayServer, peer: &str) -> Value {
    let s = &gw.spec;
    let e = s.endpoint.clone().unwrap_or_default();
    let secret = s
        .secret_ref
        .as_ref()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let spec = json!({
        "ServerTemplateRef": go_object_ref(s.server_template_ref.as_ref()),
        "MTU": s.mtu.unwrap_or(0),
        "Endpoint": {
            "Port": e.port.unwrap_or(0),
            "Ports": e.ports.unwrap_or_default(),
            "ServiceType": e.service_type.map(|t| t.as_str()).unwrap_or_default(),
            "NodePort": e.node_port,
            "NodePorts": e.node_ports.unwrap_or_default(),
            "LoadBalancerIP": e.load_balancer_ip,
        },
        "SecretRef": {"Name": secret},
        "ServiceAnnotations": s.service_annotations.clone().unwrap_or_default(),
        "ServiceLabels": s.service_labels.clone().unwrap_or_default(),
    });
    data(spec, &gw.metadata, peer, &secret)
}

/// The template data of a GatewayClient (see [`server_data`]).
pub fn client_data(gw: &GatewayClient, peer: &str) -> Value {
    let s = &gw.spec;
    let e = s.endpoint.clone().unwrap_or_default();
    let secret = s
        .secret_ref
        .as_ref()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let spec = json!({
        "ClientTemplateRef": go_object_ref(s.client_template_ref.as_ref()),
        "MTU": s.mtu.unwrap_or(0),
        "Endpoint": {
            "Addresses": e.addresses.unwrap_or_default(),
            "Port": e.port.unwrap_or(0),
            "Ports": e.ports.unwrap_or_default(),
            "Protocol": e.protocol,
        },
        "SecretRef": {"Name": secret},
    });
    data(spec, &gw.metadata, peer, &secret)
}

/// What a gateway contributes to its child beyond the template.
#[derive(Debug, Clone)]
pub struct ChildParams<'a> {
    /// The gateway's namespace (the child's).
    pub namespace: &'a str,
    /// The peer (label `liqo.io/remote-cluster-id`).
    pub peer: &'a str,
    /// The controller reference to the gateway.
    pub owner: OwnerReference,
    /// Server only: `spec.serviceAnnotations`/`serviceLabels`, merged over the template's.
    pub service_metadata: Option<(BTreeMap<String, String>, BTreeMap<String, String>)>,
}

/// Renders the child of a gateway from its template object's `spec` (`objectKind`,
/// `template.metadata`, `template.spec`): the full object to apply.
///
/// # Errors
/// [`RenderError`] when the template is incomplete or a string fails to render.
pub fn render_child(
    template_spec: &Value,
    data: &Value,
    params: &ChildParams<'_>,
) -> Result<Value, RenderError> {
    let field = |path: &'static str| {
        // "spec.a.b" → "/a/b" in the template's spec.
        let pointer = path.trim_start_matches("spec").replace('.', "/");
        template_spec
            .pointer(&pointer)
            .ok_or(RenderError::Missing(path))
    };
    field("spec.objectKind")?;
    let as_str = |path| field(path)?.as_str().ok_or(RenderError::Missing(path));
    let api_version = as_str("spec.objectKind.apiVersion")?;
    let kind = as_str("spec.objectKind.kind")?;
    field("spec.template")?;
    let metadata = field("spec.template.metadata")?
        .as_object()
        .ok_or(RenderError::Missing("spec.template.metadata"))?;
    let spec = Some(field("spec.template.spec")?)
        .filter(|s| s.is_object())
        .ok_or(RenderError::Missing("spec.template.spec"))?;

    let text = |key: &'static str| -> Result<String, RenderError> {
        match metadata.get(key) {
            Some(v) => {
                match render_tree(v, data, true).map_err(|e| RenderError::Template(key, e))? {
                    Value::String(s) => Ok(s),
                    other => Ok(other.to_string()),
                }
            }
            None => Ok(String::new()),
        }
    };
    let name = text("name")?;
    if name.is_empty() {
        return Err(RenderError::EmptyName);
    }
    let namespace = text("namespace")?;
    if !namespace.is_empty() && namespace != params.namespace {
        return Err(RenderError::Namespace(namespace, params.namespace.into()));
    }
    let string_map = |key: &'static str| -> Result<Map<String, Value>, RenderError> {
        match metadata.get(key) {
            Some(v) => {
                match render_tree(v, data, true).map_err(|e| RenderError::Template(key, e))? {
                    Value::Object(m) => Ok(m),
                    _ => Ok(Map::new()),
                }
            }
            None => Ok(Map::new()),
        }
    };
    let mut labels = string_map("labels")?;
    labels.insert(label::REMOTE_CLUSTER_ID.into(), params.peer.into());
    let annotations = string_map("annotations")?;
    let mut spec = render_tree(spec, data, false).map_err(|e| RenderError::Template("spec", e))?;
    if let Some((svc_annotations, svc_labels)) = &params.service_metadata {
        merge_service_metadata(&mut spec, svc_annotations, svc_labels);
    }
    let mut meta = json!({
        "name": name,
        "namespace": params.namespace,
        "labels": labels,
        "ownerReferences": [params.owner],
    });
    if !annotations.is_empty() {
        meta["annotations"] = Value::Object(annotations);
    }
    Ok(json!({"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": spec}))
}

fn merge_service_metadata(
    spec: &mut Value,
    annotations: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) {
    if annotations.is_empty() && labels.is_empty() {
        return;
    }
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    let service = spec.entry("service").or_insert_with(|| json!({}));
    let Some(service) = service.as_object_mut() else {
        return;
    };
    let metadata = service.entry("metadata").or_insert_with(|| json!({}));
    for (key, extra) in [("annotations", annotations), ("labels", labels)] {
        if extra.is_empty() {
            continue;
        }
        let Some(metadata) = metadata.as_object_mut() else {
            return;
        };
        let map = metadata.entry(key).or_insert_with(|| json!({}));
        if let Some(map) = map.as_object_mut() {
            for (k, v) in extra {
                map.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
}

/// The reference to a child object, as `status.serverRef`/`clientRef`.
pub fn child_ref(child: &Value) -> ObjectReference {
    let s = |v: &Value| v.as_str().map(ToString::to_string);
    ObjectReference {
        api_version: s(&child["apiVersion"]),
        kind: s(&child["kind"]),
        name: s(&child["metadata"]["name"]),
        namespace: s(&child["metadata"]["namespace"]),
        uid: s(&child["metadata"]["uid"]),
        ..Default::default()
    }
}

fn secret_ref(status: &Value) -> Option<ObjectReference> {
    let r = status.get("secretRef").filter(|r| r.is_object())?;
    let s = |k: &str| r.get(k).and_then(Value::as_str).map(ToString::to_string);
    Some(ObjectReference {
        name: s("name"),
        namespace: s("namespace"),
        kind: s("kind"),
        api_version: s("apiVersion"),
        uid: s("uid"),
        ..Default::default()
    })
}

fn internal_endpoint(status: &Value) -> Option<InternalGatewayEndpoint> {
    let e = status.get("internalEndpoint").filter(|e| e.is_object())?;
    let s = |k: &str| e.get(k).and_then(Value::as_str).map(ToString::to_string);
    Some(InternalGatewayEndpoint {
        ip: s("ip"),
        node: s("node"),
    })
}

/// Upstream's `ParseEndpoint`: addresses, port and protocol (`ports` is not copied).
fn endpoint(status: &Value) -> Option<EndpointStatus> {
    let e = status.get("endpoint").filter(|e| e.is_object())?;
    Some(EndpointStatus {
        addresses: e
            .get("addresses")
            .and_then(|a| serde_json::from_value(a.clone()).ok()),
        port: e
            .get("port")
            .and_then(Value::as_i64)
            .and_then(|p| i32::try_from(p).ok()),
        ports: None,
        protocol: e
            .get("protocol")
            .and_then(|p| serde_json::from_value(p.clone()).ok()),
    })
}

/// A GatewayServer's status from its applied child.
pub fn server_status(child: &Value) -> GatewayServerStatus {
    let status = &child["status"];
    GatewayServerStatus {
        server_ref: Some(child_ref(child)),
        endpoint: endpoint(status),
        secret_ref: secret_ref(status),
        internal_endpoint: internal_endpoint(status),
    }
}

/// A GatewayClient's status from its applied child.
pub fn client_status(child: &Value) -> GatewayClientStatus {
    let status = &child["status"];
    GatewayClientStatus {
        client_ref: Some(child_ref(child)),
        secret_ref: secret_ref(status),
        internal_endpoint: internal_endpoint(status),
    }
}

#[cfg(test)]
mod tests {
    use liqo_api::networking::{
        Endpoint, GatewayClientSpec, GatewayServerSpec, ServiceType, WgGatewayClientSpec,
        WgGatewayServerSpec,
    };
    use liqo_kube::install::{InstallParams, default_image, render};

    use super::*;

    fn owner() -> OwnerReference {
        OwnerReference {
            api_version: "networking.liqo.io/v1beta1".into(),
            kind: "GatewayServer".into(),
            name: "peer".into(),
            uid: "uid-1".into(),
            controller: Some(true),
            ..Default::default()
        }
    }

    fn template_spec(kind: &str) -> Value {
        let params = InstallParams {
            namespace: "liqo".into(),
            cluster_id: "local".into(),
            pod_cidrs: vec!["10.244.0.0/16".into()],
            service_cidr: "10.96.0.0/12".into(),
            external_cidr: "10.70.0.0/16".into(),
            internal_cidr: "10.80.0.0/16".into(),
            image: default_image("0.1.0"),
            keys: None,
            api_server_url: None,
            tls_compatibility_mode: false,
        };
        let manifests = render(&params).unwrap();
        let m = manifests.iter().find(|m| m.resource.kind == kind).unwrap();
        serde_json::to_value(&m.object).unwrap()["spec"].clone()
    }

    fn server(service_type: ServiceType) -> GatewayServer {
        let mut gw = GatewayServer::new(
            "peer",
            GatewayServerSpec {
                mtu: Some(1340),
                endpoint: Some(Endpoint {
                    port: Some(51840),
                    service_type: Some(service_type),
                    ..Default::default()
                }),
                service_labels: Some([("extra".to_string(), "yes".to_string())].into()),
                ..Default::default()
            },
        );
        gw.metadata.namespace = Some("liqo-tenant-peer".into());
        gw.metadata.uid = Some("uid-1".into());
        gw
    }

    #[test]
    fn naive_plurals_match_kubernetes() {
        assert_eq!(
            kind_to_resource("WgGatewayServerTemplate"),
            "wggatewayservertemplates"
        );
        assert_eq!(kind_to_resource("PublicKey"), "publickeies");
        assert_eq!(kind_to_resource("Ingress"), "ingresses");
        assert_eq!(kind_to_resource("Policy"), "policies");
    }

    #[test]
    fn server_data_uses_go_field_names_and_nil_pointers() {
        let d = server_data(&server(ServiceType::LoadBalancer), "peer");
        assert_eq!(d["Spec"]["Endpoint"]["Port"], 51840);
        assert_eq!(d["Spec"]["Endpoint"]["ServiceType"], "LoadBalancer");
        assert!(d["Spec"]["Endpoint"]["NodePort"].is_null());
        assert_eq!(d["Spec"]["Endpoint"]["Ports"], json!([]));
        assert_eq!(d["Spec"]["MTU"], 1340);
        assert_eq!(d["GatewayUID"], "uid-1");
        assert_eq!(d["SecretName"], "");
        assert_eq!(d["Spec"]["ServerTemplateRef"]["Name"], "");
    }

    #[test]
    fn default_server_template_renders_an_owned_labelled_wg_gateway_server() {
        let gw = server(ServiceType::ClusterIP);
        let params = ChildParams {
            namespace: "liqo-tenant-peer",
            peer: "peer",
            owner: owner(),
            service_metadata: Some((BTreeMap::new(), gw.spec.service_labels.clone().unwrap())),
        };
        let child = render_child(
            &template_spec("WgGatewayServerTemplate"),
            &server_data(&gw, "peer"),
            &params,
        )
        .unwrap();
        assert_eq!(child["apiVersion"], "networking.liqo.io/v1beta1");
        assert_eq!(child["kind"], "WgGatewayServer");
        assert_eq!(child["metadata"]["name"], "peer");
        assert_eq!(
            child["metadata"]["labels"]["liqo.io/remote-cluster-id"],
            "peer"
        );
        assert_eq!(child["metadata"]["ownerReferences"][0]["controller"], true);
        let spec: WgGatewayServerSpec = serde_json::from_value(child["spec"].clone()).unwrap();
        let service = spec.service;
        assert_eq!(service.metadata.unwrap().labels.unwrap()["extra"], "yes");
        let service = service.spec.unwrap();
        assert_eq!(service.type_.as_deref(), Some("ClusterIP"));
        let port = &service.ports.unwrap()[0];
        assert_eq!(port.port, 51840);
        assert_eq!(port.node_port, None);
        let pod = spec.deployment.spec.unwrap().template.spec.unwrap();
        let args = pod.containers[0].args.clone().unwrap();
        assert!(
            args.contains(&"--gateway-uid=uid-1".to_string()),
            "{args:?}"
        );
        assert!(
            args.contains(&"--listen-port=51840".to_string()),
            "{args:?}"
        );
    }

    #[test]
    fn default_client_template_dials_the_first_address() {
        let mut gw = GatewayClient::new(
            "peer",
            GatewayClientSpec {
                mtu: Some(1340),
                endpoint: Some(EndpointStatus {
                    addresses: Some(vec!["172.31.0.9".into(), "other".into()]),
                    port: Some(51840),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        gw.metadata.namespace = Some("liqo-tenant-peer".into());
        let params = ChildParams {
            namespace: "liqo-tenant-peer",
            peer: "peer",
            owner: owner(),
            service_metadata: None,
        };
        let child = render_child(
            &template_spec("WgGatewayClientTemplate"),
            &client_data(&gw, "peer"),
            &params,
        )
        .unwrap();
        let spec: WgGatewayClientSpec = serde_json::from_value(child["spec"].clone()).unwrap();
        let args = spec
            .deployment
            .spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .containers[0]
            .args
            .clone()
            .unwrap();
        assert!(
            args.contains(&"--endpoint-address=172.31.0.9".to_string()),
            "{args:?}"
        );
        assert!(args.contains(&"--mode=client".to_string()), "{args:?}");
    }

    #[test]
    fn incomplete_or_foreign_templates_are_refused() {
        let params = ChildParams {
            namespace: "ns",
            peer: "peer",
            owner: owner(),
            service_metadata: None,
        };
        let d = server_data(&server(ServiceType::ClusterIP), "peer");
        let no_kind = json!({"template": {"metadata": {"name": "x"}, "spec": {}}});
        assert!(matches!(
            render_child(&no_kind, &d, &params),
            Err(RenderError::Missing("spec.objectKind"))
        ));
        for (spec, missing) in [
            (
                json!({"objectKind": {"kind": "X"}}),
                "spec.objectKind.apiVersion",
            ),
            (
                json!({"objectKind": {"apiVersion": "v1", "kind": 7}}),
                "spec.objectKind.kind",
            ),
            (
                json!({"objectKind": {"apiVersion": "v1", "kind": "X"}}),
                "spec.template",
            ),
            (
                json!({"objectKind": {"apiVersion": "v1", "kind": "X"}, "template": {"spec": {}}}),
                "spec.template.metadata",
            ),
            (
                json!({"objectKind": {"apiVersion": "v1", "kind": "X"},
                    "template": {"metadata": {}, "spec": []}}),
                "spec.template.spec",
            ),
        ] {
            match render_child(&spec, &d, &params) {
                Err(RenderError::Missing(path)) => assert_eq!(path, missing),
                other => panic!("{spec}: expected missing {missing}, got {other:?}"),
            }
        }
        let other_ns = json!({"objectKind": {"apiVersion": "v1", "kind": "X"},
            "template": {"metadata": {"name": "x", "namespace": "elsewhere"}, "spec": {}}});
        assert!(matches!(
            render_child(&other_ns, &d, &params),
            Err(RenderError::Namespace(..))
        ));
        let bad = json!({"objectKind": {"apiVersion": "v1", "kind": "X"},
            "template": {"metadata": {"name": "{{ .Nope.X.Y }}"}, "spec": {"a": "{{ .Name.X }}"}}});
        assert!(matches!(
            render_child(&bad, &d, &params),
            Err(RenderError::Template("spec", _))
        ));
    }

    #[test]
    fn status_is_copied_from_the_child_without_ports() {
        let child = json!({
            "apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServer",
            "metadata": {"name": "peer", "namespace": "ns", "uid": "c-1"},
            "status": {
                "endpoint": {"addresses": ["10.96.0.10"], "port": 51840, "protocol": "UDP", "ports": [51840]},
                "secretRef": {"name": "gw-peer", "namespace": "ns"},
                "internalEndpoint": {"ip": "10.244.0.5", "node": "n1"},
            },
        });
        let status = server_status(&child);
        assert_eq!(status.server_ref.unwrap().uid.as_deref(), Some("c-1"));
        let e = status.endpoint.unwrap();
        assert_eq!(e.addresses.unwrap(), ["10.96.0.10"]);
        assert_eq!((e.port, e.ports), (Some(51840), None));
        assert_eq!(status.secret_ref.unwrap().name.as_deref(), Some("gw-peer"));
        assert_eq!(
            status.internal_endpoint.unwrap().node.as_deref(),
            Some("n1")
        );
        let bare = client_status(&json!({"kind": "WgGatewayClient", "metadata": {"name": "x"}}));
        assert!(bare.secret_ref.is_none() && bare.internal_endpoint.is_none());
    }
}
