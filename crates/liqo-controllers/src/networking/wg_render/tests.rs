use k8s_openapi::api::core::v1::{
    LoadBalancerIngress, LoadBalancerStatus, NodeAddress, NodeCondition, NodeStatus, PodSpec,
    PodStatus, ServicePort, ServiceSpec, ServiceStatus,
};
use serde_json::json;

use super::*;

fn gw() -> Gateway {
    Gateway {
        name: "peer".into(),
        namespace: "liqo-tenant-peer".into(),
        peer: "peer".into(),
        owner: OwnerReference {
            api_version: "networking.liqo.io/v1beta1".into(),
            kind: "WgGatewayServer".into(),
            name: "peer".into(),
            uid: "wg-uid".into(),
            controller: Some(true),
            ..Default::default()
        },
    }
}

fn deployment_template() -> DeploymentTemplate {
    serde_json::from_value(json!({
        "metadata": {"labels": {"networking.liqo.io/component": "gateway"}},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {
                    "serviceAccountName": "peer",
                    "containers": [{"name": "gateway"}],
                    "volumes": [
                        {"name": "wireguard-config", "secret": {"secretName": ""}},
                        {"name": "ipc", "emptyDir": {}},
                    ],
                },
            },
        },
    }))
    .unwrap()
}

fn service(type_: &str) -> Service {
    Service {
        metadata: ObjectMeta {
            name: Some("gw-peer".into()),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some(type_.into()),
            cluster_ips: Some(vec!["10.96.0.20".into()]),
            ports: Some(vec![ServicePort {
                port: 51840,
                node_port: Some(30517),
                protocol: Some("UDP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: Some(ServiceStatus {
            load_balancer: Some(LoadBalancerStatus {
                ingress: Some(vec![
                    LoadBalancerIngress {
                        hostname: Some("lb.example.org".into()),
                        ..Default::default()
                    },
                    LoadBalancerIngress {
                        ip: Some("172.31.0.10".into()),
                        ..Default::default()
                    },
                ]),
            }),
            ..Default::default()
        }),
    }
}

fn node(ready: bool) -> Node {
    Node {
        status: Some(NodeStatus {
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: if ready { "True" } else { "False" }.into(),
                ..Default::default()
            }]),
            addresses: Some(vec![
                NodeAddress {
                    type_: "Hostname".into(),
                    address: "node-a".into(),
                },
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: "192.0.2.4".into(),
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pod(name: &str, phase: &str, ip: Option<&str>, gateway: &str) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some([(label::GATEWAY_NAME.to_string(), gateway.to_string())].into()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            node_name: Some("node-a".into()),
            ..Default::default()
        }),
        status: Some(PodStatus {
            phase: Some(phase.into()),
            pod_ip: ip.map(Into::into),
            ..Default::default()
        }),
    }
}

#[test]
fn names_follow_upstream() {
    let gw = gw();
    assert_eq!(gw.resource_name(), "gw-peer");
    assert_eq!(
        gw.cluster_role_binding_name(),
        "liqo-gateway-liqo-tenant-peer-peer"
    );
    assert_eq!(service_account_name(&deployment_template()), "peer");
    assert_eq!(
        service_account_name(&DeploymentTemplate::default()),
        "default"
    );
}

#[test]
fn binding_names_the_service_account_and_the_gateway() {
    let crb = render_cluster_role_binding(&gw(), "peer");
    let labels = crb.metadata.labels.unwrap();
    assert_eq!(labels["networking.liqo.io/gateway-name"], "peer");
    assert_eq!(
        labels["networking.liqo.io/gateway-namespace"],
        "liqo-tenant-peer"
    );
    assert_eq!(labels["app.kubernetes.io/managed-by"], "liqo");
    assert_eq!(crb.role_ref.name, "liqo-gateway");
    let subject = &crb.subjects.unwrap()[0];
    assert_eq!(
        (subject.kind.as_str(), subject.name.as_str()),
        ("ServiceAccount", "peer")
    );
    assert_eq!(subject.namespace.as_deref(), Some("liqo-tenant-peer"));
    let sa = render_service_account(&gw(), "peer");
    assert_eq!(
        sa.metadata.owner_references.unwrap()[0].controller,
        Some(true)
    );
}

#[test]
fn keys_secret_holds_raw_keys_labels_and_a_non_controller_owner() {
    let owner = OwnerReference {
        kind: "GatewayServer".into(),
        name: "peer".into(),
        uid: "gw-uid".into(),
        ..Default::default()
    };
    let secret = render_keys_secret(&gw(), "peer", Some(owner), [1; 32], [2; 32]);
    assert_eq!(secret.metadata.name.as_deref(), Some("gw-peer"));
    let labels = secret.metadata.labels.clone().unwrap();
    assert_eq!(labels["liqo.io/remote-cluster-id"], "peer");
    assert_eq!(labels["networking.liqo.io/gateway-resource"], "true");
    let data = secret.data.clone().unwrap();
    assert_eq!(data["privateKey"].0, vec![1; 32]);
    assert_eq!(data["publicKey"].0, vec![2; 32]);
    assert_eq!(
        secret.metadata.owner_references.clone().unwrap()[0].controller,
        None
    );
    assert!(check_keys_secret(&secret, "peer").is_ok());
    assert!(check_keys_secret(&secret, "other").is_err());
    let mut empty = secret;
    empty.data = None;
    assert!(check_keys_secret(&empty, "peer").is_err());
}

#[test]
fn deployment_mounts_the_keys_secret_and_records_template_keys() {
    let d = render_deployment(&gw(), &deployment_template(), Some("gw-peer"));
    assert_eq!(d.metadata.name.as_deref(), Some("gw-peer"));
    let labels = d.metadata.labels.clone().unwrap();
    assert_eq!(labels["networking.liqo.io/component"], "gateway");
    assert_eq!(labels["networking.liqo.io/gateway-name"], "peer");
    let annotations = d.metadata.annotations.clone().unwrap();
    assert_eq!(
        annotations["liqo.io/template-labels"],
        "networking.liqo.io/component,"
    );
    assert_eq!(annotations["liqo.io/template-annotations"], "");
    let volumes = d.spec.unwrap().template.spec.unwrap().volumes.unwrap();
    assert_eq!(
        volumes[0].secret.as_ref().unwrap().secret_name.as_deref(),
        Some("gw-peer")
    );
    assert!(volumes[1].secret.is_none());
}

#[test]
fn service_keeps_an_existing_load_balancer_class() {
    let template = ServiceTemplate {
        metadata: None,
        spec: service("LoadBalancer").spec,
    };
    let mut existing = service("LoadBalancer");
    existing.spec.as_mut().unwrap().load_balancer_class = Some("metallb".into());
    let s = render_service(&gw(), &template, Some(&existing));
    assert_eq!(
        s.spec.unwrap().load_balancer_class.as_deref(),
        Some("metallb")
    );
    let s = render_service(&gw(), &template, None);
    assert_eq!(s.spec.unwrap().load_balancer_class, None);
}

#[test]
fn endpoint_follows_the_service_type() {
    let e = endpoint_status(&service("ClusterIP"), None).unwrap();
    assert_eq!(e.addresses.unwrap(), ["10.96.0.20"]);
    assert_eq!((e.port, e.protocol), (Some(51840), Some(Protocol::Udp)));
    let e = endpoint_status(&service("LoadBalancer"), None).unwrap();
    assert_eq!(
        e.addresses.unwrap(),
        ["172.31.0.10", "lb.example.org"],
        "IPs before hostnames"
    );
    let e = endpoint_status(&service("NodePort"), Some(&node(true))).unwrap();
    assert_eq!(
        e.addresses.unwrap(),
        ["192.0.2.4"],
        "InternalIP before Hostname"
    );
    assert_eq!(e.port, Some(30517));
    let e = endpoint_status(&service("NodePort"), Some(&node(false))).unwrap();
    assert_eq!(
        e.addresses.unwrap(),
        [""],
        "upstream's not-Ready node quirk"
    );
    assert_eq!(
        endpoint_status(&service("ExternalName"), None),
        Err(EndpointError::UnsupportedType("ExternalName".into()))
    );
    let mut no_ports = service("ClusterIP");
    no_ports.spec.as_mut().unwrap().ports = None;
    assert!(matches!(
        endpoint_status(&no_ports, None),
        Err(EndpointError::NoPorts(_))
    ));
}

#[test]
fn the_internal_endpoint_needs_exactly_one_running_pod_with_an_ip() {
    let gw = gw();
    let running = pod("a", "Running", Some("10.244.0.9"), "peer");
    let pending = pod("b", "Pending", None, "peer");
    let other_gateway = pod("c", "Running", Some("10.244.0.10"), "other");
    let pods = [running.clone(), pending, other_gateway];
    let active = active_pod(&pods, &gw).unwrap();
    assert_eq!(
        internal_endpoint(active),
        InternalGatewayEndpoint {
            ip: Some("10.244.0.9".into()),
            node: Some("node-a".into())
        }
    );
    let two = [
        running.clone(),
        pod("d", "Running", Some("10.244.0.11"), "peer"),
    ];
    assert!(active_pod(&two, &gw).is_none(), "ambiguous");
    assert!(active_pod(&[], &gw).is_none());
    assert_eq!(secret_ref(&Secret::default()).name, None);
}
