//! Service reflection (spec offloading.md §6.1 step 5): each Service of an accepted namespace
//! gets a Service of the same name in its twin, copied by the generic
//! [`CopyReflector`](super::objects::CopyReflector) (reflection mark, objects of others left
//! alone, deleted with the original). The copy has no selector: its endpoints are the
//! reflected EndpointSlices (see [`super::endpointslices`]), which name the consumer's pods as
//! well as the offloaded ones. It has no clusterIP either: the provider assigns its own, only
//! a headless Service stays headless.
//!
//! Every type but `ExternalName` becomes `ClusterIP` (LoadBalancer reflection is not
//! offered), so node ports are not copied.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};

use super::objects::Copied;

const CLUSTER_IP: &str = "ClusterIP";
const EXTERNAL_NAME: &str = "ExternalName";
const HEADLESS: &str = "None";

impl Copied for Service {
    const KIND: &'static str = "Service";
    fn reflected(&self) -> bool {
        true
    }
    fn payload(&self) -> Self {
        Self {
            spec: self.spec.as_ref().map(remote_spec),
            ..Self::default()
        }
    }
}

/// The twin's spec of a local Service's `spec`.
pub fn remote_spec(spec: &ServiceSpec) -> ServiceSpec {
    if spec.type_.as_deref() == Some(EXTERNAL_NAME) {
        return ServiceSpec {
            type_: spec.type_.clone(),
            external_name: spec.external_name.clone(),
            ports: spec.ports.clone(),
            ..ServiceSpec::default()
        };
    }
    let headless = spec.cluster_ip.as_deref() == Some(HEADLESS);
    ServiceSpec {
        type_: Some(CLUSTER_IP.into()),
        cluster_ip: headless.then(|| HEADLESS.into()),
        ports: spec.ports.as_ref().map(|ports| {
            ports
                .iter()
                .map(|p| ServicePort {
                    node_port: None,
                    ..p.clone()
                })
                .collect()
        }),
        session_affinity: spec.session_affinity.clone(),
        session_affinity_config: spec.session_affinity_config.clone(),
        publish_not_ready_addresses: spec.publish_not_ready_addresses,
        ip_families: spec.ip_families.clone(),
        // Two families need a dual-stack policy: copied with them.
        ip_family_policy: spec.ip_family_policy.clone(),
        ..ServiceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reflection::objects::remote_copy;
    use kube::ResourceExt;
    use liqo_api::consts::label;
    use serde_json::json;

    fn service(spec: serde_json::Value) -> Service {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "demo", "uid": "u",
                "labels": {"app": "web"}, "annotations": {"note": "x"}},
            "spec": spec,
            "status": {"loadBalancer": {}},
        }))
        .unwrap()
    }

    #[test]
    fn a_node_port_service_becomes_a_selectorless_cluster_ip_one() {
        let local = service(json!({
            "type": "NodePort", "selector": {"app": "web"},
            "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP",
                "nodePort": 30080}],
            "sessionAffinity": "ClientIP", "publishNotReadyAddresses": true,
            "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "externalTrafficPolicy": "Local",
        }));
        let copy = remote_copy(&local, "demo-c");
        assert_eq!(copy.namespace().as_deref(), Some("demo-c"));
        assert_eq!(copy.labels()["app"], "web");
        assert_eq!(
            copy.labels()[label::MANAGED_BY],
            label::MANAGED_BY_REFLECTION
        );
        assert_eq!(copy.annotations()["note"], "x");
        assert_eq!(copy.status, None);
        let spec = copy.spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(spec.selector, None);
        assert_eq!(spec.cluster_ip, None);
        assert_eq!(spec.cluster_ips, None);
        assert_eq!(spec.external_traffic_policy, None);
        let port = &spec.ports.unwrap()[0];
        assert_eq!((port.name.as_deref(), port.port), (Some("http"), 80));
        assert_eq!(port.protocol.as_deref(), Some("TCP"));
        assert_eq!(port.node_port, None);
        assert_eq!(spec.session_affinity.as_deref(), Some("ClientIP"));
        assert_eq!(spec.publish_not_ready_addresses, Some(true));
        assert_eq!(spec.ip_families, Some(vec!["IPv4".to_owned()]));
    }

    #[test]
    fn a_headless_service_stays_headless() {
        let local = service(json!({"clusterIP": "None", "selector": {"app": "web"},
            "ports": [{"port": 80}]}));
        let spec = local.payload().spec.unwrap();
        assert_eq!(spec.cluster_ip.as_deref(), Some("None"));
        assert_eq!(spec.selector, None);
    }

    #[test]
    fn a_load_balancer_is_not_reflected_as_one_but_external_name_is_kept() {
        let lb = service(
            json!({"type": "LoadBalancer", "ports": [{"port": 80, "nodePort": 31000}],
            "loadBalancerClass": "x"}),
        );
        let spec = lb.payload().spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(spec.load_balancer_class, None);
        let ext = service(json!({"type": "ExternalName", "externalName": "example.org"}));
        let spec = ext.payload().spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ExternalName"));
        assert_eq!(spec.external_name.as_deref(), Some("example.org"));
    }
}
