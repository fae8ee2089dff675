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

#[cfg(test)]
mod tests {
    use liqo_api::networking::{WgGatewayClientSpec, WgGatewayServerSpec};
    use serde_json::json;

    use super::*;
    use crate::gotemplate::render_tree;
    use crate::install::default_image;

    fn params() -> InstallParams {
        InstallParams {
            namespace: "liqo".into(),
            cluster_id: "local".into(),
            pod_cidrs: vec!["10.244.0.0/16".into()],
            service_cidr: "10.96.0.0/12".into(),
            external_cidr: name::DEFAULT_EXTERNAL_CIDR.into(),
            internal_cidr: name::DEFAULT_INTERNAL_CIDR.into(),
            image: default_image("0.1.0"),
            keys: None,
            api_server_url: None,
            tls_compatibility_mode: false,
        }
    }

    /// What the gateway operators pass (Go field names, nil pointers as null).
    fn data(endpoint: serde_json::Value) -> serde_json::Value {
        json!({
            "Spec": {"MTU": 1340, "Endpoint": endpoint, "SecretRef": {"Name": ""}},
            "Name": "peer", "Namespace": "liqo-tenant-peer", "GatewayUID": "u-1",
            "ClusterID": "peer", "SecretName": "",
        })
    }

    fn template(kind: &str) -> serde_json::Value {
        let manifests = render(&params()).unwrap();
        let m = manifests.iter().find(|m| m.resource.kind == kind).unwrap();
        serde_json::to_value(&m.object).unwrap()["spec"]["template"].clone()
    }

    #[test]
    fn default_server_template_renders_a_valid_wg_gateway_server() {
        let endpoint = json!({"Port": 51840, "Ports": [], "ServiceType": "NodePort", "NodePort": 30517,
            "NodePorts": [], "LoadBalancerIP": null});
        let out =
            render_tree(&template("WgGatewayServerTemplate"), &data(endpoint), false).unwrap();
        assert_eq!(
            out["metadata"],
            json!({"name": "peer", "namespace": "liqo-tenant-peer"})
        );
        let spec: WgGatewayServerSpec = serde_json::from_value(out["spec"].clone()).unwrap();
        let service = spec.service.spec.unwrap();
        assert_eq!(service.type_.as_deref(), Some("NodePort"));
        assert_eq!(
            service.load_balancer_ip, None,
            "?loadBalancerIP dropped when nil"
        );
        let port = &service.ports.unwrap()[0];
        assert_eq!((port.port, port.node_port), (51840, Some(30517)));
        assert_eq!(
            service.selector.unwrap()["networking.liqo.io/active"],
            "true"
        );
        let pod = spec.deployment.spec.unwrap().template;
        let labels = pod.metadata.unwrap().labels.unwrap();
        assert_eq!(labels["networking.liqo.io/component"], "gateway");
        assert_eq!(labels["networking.liqo.io/gateway-name"], "peer");
        assert_eq!(
            labels["networking.liqo.io/gateway-namespace"],
            "liqo-tenant-peer"
        );
        let pod = pod.spec.unwrap();
        assert_eq!(pod.service_account_name.as_deref(), Some("peer"));
        let c = &pod.containers[0];
        assert_eq!(
            c.command.as_deref(),
            Some(&["/usr/local/bin/liqo-gateway".to_string()][..])
        );
        assert_eq!(
            c.args.clone().unwrap(),
            [
                "--name=peer",
                "--namespace=liqo-tenant-peer",
                "--remote-cluster-id=peer",
                "--gateway-uid=u-1",
                "--mode=server",
                "--node-name=$(NODE_NAME)",
                "--pod-name=$(POD_NAME)",
                "--mtu=1340",
                "--listen-port=51840",
            ]
        );
        let mount = &c.volume_mounts.as_ref().unwrap()[0];
        assert_eq!(
            (mount.name.as_str(), mount.mount_path.as_str()),
            ("wireguard-config", "/etc/wireguard/keys")
        );
        assert_eq!(pod.volumes.unwrap()[0].name, "wireguard-config");
    }

    #[test]
    fn default_client_template_renders_a_valid_wg_gateway_client() {
        let endpoint =
            json!({"Addresses": ["172.31.0.7"], "Port": 51840, "Ports": [], "Protocol": "UDP"});
        let out =
            render_tree(&template("WgGatewayClientTemplate"), &data(endpoint), false).unwrap();
        let spec: WgGatewayClientSpec = serde_json::from_value(out["spec"].clone()).unwrap();
        let pod = spec.deployment.spec.unwrap().template.spec.unwrap();
        let args = pod.containers[0].args.clone().unwrap();
        assert!(args.contains(&"--mode=client".to_string()), "{args:?}");
        assert!(
            args.contains(&"--endpoint-address=172.31.0.7".to_string()),
            "{args:?}"
        );
        assert!(
            args.contains(&"--endpoint-port=51840".to_string()),
            "{args:?}"
        );
    }
}
