//! The default gateway templates (`wireguard-server`, `wireguard-client`) and virtual-kubelet
//! options. Template strings follow upstream's rendering rules (networking.md §5.5): Go
//! text/template values, `?` keys for optional fields.

use liqo_api::consts::{label, name};
use liqo_api::networking::{
    ObjectKind, WgGatewayClientTemplate, WgGatewayClientTemplateSpec, WgGatewayServerTemplate,
    WgGatewayServerTemplateSpec,
};
use serde_json::{Value, json};

use super::{InstallParams, meta};
use crate::apply::{ApplyError, Manifest};

/// The gateway pod: our `liqo-gateway` binary runs the WireGuard tunnel in userspace.
fn deployment(params: &InstallParams, mode: &str) -> Value {
    let mut args = vec![
        "--name={{ .Name }}".to_string(),
        "--namespace={{ .Namespace }}".to_string(),
        "--remote-cluster-id={{ .ClusterID }}".to_string(),
        "--gateway-uid={{ .GatewayUID }}".to_string(),
        format!("--mode={mode}"),
        "--node-name=$(NODE_NAME)".to_string(),
        "--pod-name=$(POD_NAME)".to_string(),
        "--mtu={{ .Spec.MTU }}".to_string(),
    ];
    if mode == "server" {
        args.push("--listen-port={{ .Spec.Endpoint.Port }}".to_string());
    } else {
        args.push("--endpoint-address={{ index .Spec.Endpoint.Addresses 0 }}".to_string());
        args.push("--endpoint-port={{ .Spec.Endpoint.Port }}".to_string());
    }
    let selector = json!({
        label::GATEWAY_NAME: "{{ .Name }}",
        label::GATEWAY_NAMESPACE: "{{ .Namespace }}",
        label::GATEWAY_COMPONENT: label::GATEWAY_COMPONENT_GATEWAY,
        label::GATEWAY_ACTIVE: "true",
    });
    json!({
        "metadata": {"labels": selector},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "serviceAccountName": "{{ .Name }}",
                    "containers": [{
                        "name": "gateway",
                        "image": params.image,
                        "command": ["/usr/local/bin/liqo-gateway"],
                        "args": args,
                        "env": [
                            {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        ],
                        "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}, "privileged": true},
                        "volumeMounts": [{"name": name::WIREGUARD_CONFIG_VOLUME, "mountPath": name::WIREGUARD_KEYS_DIR}],
                    }],
                    "volumes": [{"name": name::WIREGUARD_CONFIG_VOLUME, "secret": {"secretName": "{{ .SecretName }}"}}],
                },
            },
        },
    })
}

fn service() -> Value {
    json!({
        "metadata": {"labels": {label::GATEWAY_NAME: "{{ .Name }}", label::GATEWAY_NAMESPACE: "{{ .Namespace }}"}},
        "spec": {
            "type": "{{ .Spec.Endpoint.ServiceType }}",
            "?loadBalancerIP": "{{ .Spec.Endpoint.LoadBalancerIP }}",
            "ports": [{
                "port": "{{ .Spec.Endpoint.Port }}",
                "targetPort": "{{ .Spec.Endpoint.Port }}",
                "?nodePort": "{{ .Spec.Endpoint.NodePort }}",
                "protocol": "UDP",
            }],
            "selector": {
                label::GATEWAY_NAME: "{{ .Name }}",
                label::GATEWAY_NAMESPACE: "{{ .Namespace }}",
                label::GATEWAY_COMPONENT: label::GATEWAY_COMPONENT_GATEWAY,
                label::GATEWAY_ACTIVE: "true",
            },
        },
    })
}

fn object_kind(kind: &str) -> Option<ObjectKind> {
    Some(ObjectKind {
        api_version: Some("networking.liqo.io/v1beta1".into()),
        kind: Some(kind.into()),
    })
}

fn template_metadata() -> Value {
    json!({"name": "{{ .Name }}", "namespace": "{{ .Namespace }}"})
}

/// The default templates of an installation.
pub(super) fn render(params: &InstallParams) -> Result<Vec<Manifest>, ApplyError> {
    let ns = Some(params.namespace.as_str());
    let server = WgGatewayServerTemplate {
        metadata: meta(name::GATEWAY_SERVER_TEMPLATE, ns, &[]),
        spec: WgGatewayServerTemplateSpec {
            object_kind: object_kind("WgGatewayServer"),
            template: Some(json!({
                "metadata": template_metadata(),
                "spec": {"deployment": deployment(params, "server"), "service": service()},
            })),
        },
    };
    let client = WgGatewayClientTemplate {
        metadata: meta(name::GATEWAY_CLIENT_TEMPLATE, ns, &[]),
        spec: WgGatewayClientTemplateSpec {
            object_kind: object_kind("WgGatewayClient"),
            template: Some(json!({
                "metadata": template_metadata(),
                "spec": {"deployment": deployment(params, "client")},
            })),
        },
    };
    Ok(vec![
        Manifest::from_typed(&server)?,
        Manifest::from_typed(&client)?,
    ])
}
