//! The API-server proxy as install renders it (networking.md §8): Deployment and Service
//! `liqo-proxy` (label `app.kubernetes.io/name=proxy`, port 8118). The controller manager
//! keeps the `api-server-proxy` IP in line with the Service's ClusterIP.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use liqo_api::consts::{label, name};
use serde_json::json;

use super::{InstallParams, meta};
use crate::apply::{ApplyError, Manifest};

/// The container's name.
pub const PROXY_CONTAINER: &str = "proxy";

/// The Deployment and the Service.
pub(super) fn render(params: &InstallParams) -> Result<Vec<Manifest>, ApplyError> {
    Ok(vec![
        Manifest::from_typed(&deployment(params))?,
        Manifest::from_typed(&service(&params.namespace))?,
    ])
}

fn deployment(params: &InstallParams) -> Deployment {
    let port = i32::from(name::API_SERVER_PROXY_PORT);
    let selector = json!({ label::APP_NAME: label::APP_NAME_PROXY });
    // The API server under the address consumers have in their kubeconfigs, which is what
    // they name in their CONNECTs; the in-cluster names are always accepted.
    let mut args = vec![format!("--listen-address=$(POD_IP):{port}")];
    args.extend(
        params
            .api_server_url
            .iter()
            .map(|u| format!("--allow-target={u}")),
    );
    let probe = json!({"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 1, "failureThreshold": 3});
    serde_json::from_value(json!({
        "metadata": meta(name::API_SERVER_PROXY, Some(&params.namespace), &[(label::APP_NAME, label::APP_NAME_PROXY)]),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    // No API access of its own: authentication happens at the API server.
                    "automountServiceAccountToken": false,
                    "terminationGracePeriodSeconds": 5,
                    "containers": [{
                        "name": PROXY_CONTAINER,
                        "image": params.image,
                        "command": ["/usr/local/bin/liqo-proxy"],
                        "args": args,
                        "env": [
                            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                        ],
                        "ports": [{"name": "http", "containerPort": port}],
                        "readinessProbe": probe,
                        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                    }],
                },
            },
        },
    }))
    .expect("invariant: the proxy Deployment is well formed")
}

fn service(namespace: &str) -> Service {
    let port = i32::from(name::API_SERVER_PROXY_PORT);
    serde_json::from_value(json!({
        "metadata": meta(name::API_SERVER_PROXY, Some(namespace), &[(label::APP_NAME, label::APP_NAME_PROXY)]),
        "spec": {
            "selector": { label::APP_NAME: label::APP_NAME_PROXY },
            "ports": [{"name": "http", "port": port, "targetPort": port}],
        },
    }))
    .expect("invariant: the proxy Service is well formed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_listens_on_8118_and_accepts_the_advertised_api_server() {
        let mut params = super::super::tests::params();
        params.api_server_url = Some("https://203.0.113.7:6443".into());
        let d = deployment(&params);
        let container = &d.spec.unwrap().template.spec.unwrap().containers[0];
        let args = container.args.clone().unwrap();
        assert_eq!(args[0], "--listen-address=$(POD_IP):8118");
        assert_eq!(args[1], "--allow-target=https://203.0.113.7:6443");
        assert_eq!(
            container.command.as_ref().unwrap()[0],
            "/usr/local/bin/liqo-proxy"
        );
        let s = service("liqo");
        assert_eq!(s.metadata.name.as_deref(), Some("liqo-proxy"));
        assert_eq!(
            s.metadata.labels.unwrap()["app.kubernetes.io/name"],
            "proxy"
        );
        assert_eq!(s.spec.unwrap().ports.unwrap()[0].port, 8118);
    }
}
