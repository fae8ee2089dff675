//! What `liqoctl install` puts in a cluster, rendered as manifests (pure): the namespace, the
//! CRDs, the cluster identity, RBAC, default templates and the controller-manager Deployment.

mod identity;
mod networks;
mod observe;
mod offloading;
pub mod proxy;
mod rbac;
mod templates;
pub mod webhooks;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use liqo_api::consts::{label, name};
use serde_json::json;

use crate::apply::{ApplyError, Manifest};

pub use identity::{generate_cluster_id, generate_keys, generate_rsa_keys, is_dns_label};
pub use liqo_api::consts::name::LIQO_NAMESPACE;
pub use networks::{
    EXTERNAL_CIDR_NETWORK, INTERNAL_CIDR_NETWORK, POD_CIDR_NETWORK, SERVICE_CIDR_NETWORK,
};
pub use observe::{
    StoredKeys, await_crd_established, await_deployment_available, await_networks_granted,
    observe_cluster_id, observe_controller_manager, observe_keys,
};
pub use offloading::{LIMITS_ENFORCEMENTS, OffloadingParams, parse_pairs};
pub use rbac::{PEERING_USER_LIQO_NS, PEERING_USER_TENANT_NS, VIRTUAL_KUBELET_LOCAL};

/// Field manager of everything liqoctl writes.
pub const FIELD_MANAGER: &str = "liqoctl";
/// This project's image repository; the tag is the release.
pub const IMAGE_REPOSITORY: &str = "ghcr.io/liqoctl-rs/liqo";
/// Name of the controller-manager Deployment and its ServiceAccount.
pub const CONTROLLER_MANAGER: &str = "liqo-controller-manager";
/// The container in the controller-manager pod.
pub const CONTROLLER_MANAGER_CONTAINER: &str = name::CONTROLLER_MANAGER_CONTAINER;
/// Label selector of the controller-manager Deployment (what `version` and `info` look for).
pub const CONTROLLER_MANAGER_SELECTOR: &str =
    "app.kubernetes.io/name=controller-manager,app.kubernetes.io/component=controller-manager";
/// Selector of every cluster-scoped object install creates.
pub const PART_OF_SELECTOR: &str = "app.kubernetes.io/part-of=liqo";
/// Port of `/healthz` and `/readyz` in the controller-manager pod.
pub const PROBE_PORT: i32 = 8081;
/// Port of `/metrics` in the controller-manager pod.
pub const METRICS_PORT: i32 = 8082;

/// The cluster's authentication key pair (PEM); never printed.
#[derive(Clone)]
pub struct AuthKeys {
    /// PKCS#8 `PRIVATE KEY`.
    pub private_pem: String,
    /// PKIX `PUBLIC KEY`.
    pub public_pem: String,
}

impl std::fmt::Debug for AuthKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthKeys").finish_non_exhaustive()
    }
}

/// Inputs of an installation.
#[derive(Debug, Clone)]
pub struct InstallParams {
    /// The Liqo namespace.
    pub namespace: String,
    /// This cluster's ID (a DNS label).
    pub cluster_id: String,
    /// Pod CIDRs.
    pub pod_cidrs: Vec<String>,
    /// Service CIDR.
    pub service_cidr: String,
    /// External CIDR: where remote clusters see this cluster's IPs mapped (default
    /// [`DEFAULT_EXTERNAL_CIDR`](liqo_api::consts::name::DEFAULT_EXTERNAL_CIDR)).
    pub external_cidr: String,
    /// Internal CIDR of the gateway fabric (default
    /// [`DEFAULT_INTERNAL_CIDR`](liqo_api::consts::name::DEFAULT_INTERNAL_CIDR)).
    pub internal_cidr: String,
    /// Control-plane image.
    pub image: String,
    /// The key pair to store; `None` keeps the existing Secret (keys are never rotated).
    pub keys: Option<AuthKeys>,
    /// The API server URL consumers of this cluster reach it at.
    pub api_server_url: Option<String>,
    /// Upstream's TLS compatibility mode (RSA keys): the controller manager gets
    /// `--tls-compatibility-mode`, which `generate peering-user` of either CLI reads.
    pub tls_compatibility_mode: bool,
}

/// Every object of an installation, in apply order: namespace and CRDs first (templates and
/// Networks need their CRDs established), the Deployment last.
///
/// # Errors
/// Only if an object fails to serialize (a bug).
pub fn render(params: &InstallParams) -> Result<Vec<Manifest>, ApplyError> {
    render_with(params, &OffloadingParams::default())
}

/// [`render`] with the offloading settings of the controller manager.
///
/// # Errors
/// Only if an object fails to serialize (a bug).
pub fn render_with(
    params: &InstallParams,
    offloading: &OffloadingParams,
) -> Result<Vec<Manifest>, ApplyError> {
    let mut out = vec![Manifest::from_typed(&render_namespace(&params.namespace))?];
    out.extend(render_crds()?);
    out.push(Manifest::from_typed(&render_cluster_id(params))?);
    if let Some(keys) = &params.keys {
        out.push(Manifest::from_typed(&render_keys(&params.namespace, keys))?);
    }
    out.push(Manifest::from_typed(&render_service_account(
        &params.namespace,
    ))?);
    out.extend(rbac::render(&params.namespace)?);
    out.extend(templates::render(params)?);
    out.push(Manifest::from_typed(
        &offloading::default_vk_options_template(params),
    )?);
    out.extend(networks::render(params)?);
    out.extend(webhooks::render(&params.namespace)?);
    out.extend(proxy::render(params)?);
    out.push(Manifest::from_typed(&render_controller_manager(
        params, offloading,
    ))?);
    Ok(out)
}

/// Our CRDs, labelled as part of Liqo.
///
/// # Errors
/// Only if a CRD fails to serialize.
pub fn render_crds() -> Result<Vec<Manifest>, ApplyError> {
    liqo_api::crd::all()
        .into_iter()
        .map(|mut crd| {
            crd.metadata
                .labels
                .get_or_insert_with(BTreeMap::new)
                .extend(common_labels());
            Manifest::from_typed(&crd)
        })
        .collect()
}

/// `app.kubernetes.io/part-of=liqo` and `managed-by=liqoctl`, on everything install writes.
pub fn common_labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            label::APP_PART_OF.to_string(),
            label::PART_OF_LIQO.to_string(),
        ),
        (label::APP_MANAGED_BY.to_string(), FIELD_MANAGER.to_string()),
    ])
}

pub(crate) fn meta(name: &str, namespace: Option<&str>, extra: &[(&str, &str)]) -> ObjectMeta {
    let mut labels = common_labels();
    labels.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ObjectMeta {
        name: Some(name.into()),
        namespace: namespace.map(Into::into),
        labels: Some(labels),
        ..Default::default()
    }
}

fn render_namespace(namespace: &str) -> Namespace {
    Namespace {
        metadata: meta(namespace, None, &[]),
        ..Default::default()
    }
}

fn render_cluster_id(params: &InstallParams) -> ConfigMap {
    ConfigMap {
        metadata: meta(
            name::CLUSTER_ID_CONFIGMAP,
            Some(&params.namespace),
            &[(label::APP_NAME, label::APP_NAME_CLUSTER_ID_CONFIGMAP)],
        ),
        data: Some(BTreeMap::from([(
            name::CLUSTER_ID_KEY.to_string(),
            params.cluster_id.clone(),
        )])),
        ..Default::default()
    }
}

fn render_keys(namespace: &str, keys: &AuthKeys) -> Secret {
    // Upstream's Secret has no labels; ours carries part-of so uninstall finds it.
    Secret {
        metadata: meta(name::AUTHENTICATION_KEYS_SECRET, Some(namespace), &[]),
        string_data: Some(BTreeMap::from([
            (name::PRIVATE_KEY_KEY.to_string(), keys.private_pem.clone()),
            (name::PUBLIC_KEY_KEY.to_string(), keys.public_pem.clone()),
        ])),
        ..Default::default()
    }
}

fn render_service_account(namespace: &str) -> ServiceAccount {
    ServiceAccount {
        metadata: meta(CONTROLLER_MANAGER, Some(namespace), &[]),
        ..Default::default()
    }
}

fn render_controller_manager(params: &InstallParams, offloading: &OffloadingParams) -> Deployment {
    let labels = [
        (label::APP_NAME, label::APP_NAME_CONTROLLER_MANAGER),
        (label::APP_COMPONENT, label::APP_NAME_CONTROLLER_MANAGER),
    ];
    let selector: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let pod_ip = |port: i32| format!("$(POD_IP):{port}");
    let probe = |path: &str| json!({"httpGet": {"path": path, "port": PROBE_PORT}, "periodSeconds": 1, "failureThreshold": 3});
    let mut args: Vec<String> = vec![
        "--cluster-id=$(CLUSTER_ID)".into(),
        format!("--liqo-namespace={}", params.namespace),
        format!("--health-probe-bind-address={}", pod_ip(PROBE_PORT)),
        format!("--metrics-bind-address={}", pod_ip(METRICS_PORT)),
        // The pod IP, not 0.0.0.0: test clusters share the host's network.
        "--webhook-host=$(POD_IP)".into(),
        format!("--webhook-port={}", webhooks::WEBHOOK_PORT),
        "--leader-elect".into(),
    ];
    args.extend(
        params
            .api_server_url
            .iter()
            .map(|u| format!("--api-server-address-override={u}")),
    );
    if params.tls_compatibility_mode {
        args.push("--tls-compatibility-mode".into());
    }
    args.extend(offloading.controller_manager_args());
    let value = json!({
        "metadata": meta(CONTROLLER_MANAGER, Some(&params.namespace), &labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "strategy": {"type": "Recreate"},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "serviceAccountName": CONTROLLER_MANAGER,
                    "terminationGracePeriodSeconds": 10,
                    "containers": [{
                        "name": CONTROLLER_MANAGER_CONTAINER,
                        "image": params.image,
                        "command": ["/usr/local/bin/liqo-controller-manager"],
                        "args": args,
                        "env": [
                            {"name": "CLUSTER_ID", "valueFrom": {"configMapKeyRef": {"name": name::CLUSTER_ID_CONFIGMAP, "key": name::CLUSTER_ID_KEY}}},
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                        ],
                        "ports": [
                            {"name": "healthz", "containerPort": PROBE_PORT},
                            {"name": "metrics", "containerPort": METRICS_PORT},
                            {"name": "webhook", "containerPort": webhooks::WEBHOOK_PORT},
                        ],
                        "readinessProbe": probe("/readyz"),
                        "livenessProbe": probe("/healthz"),
                        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                    }],
                },
            },
        },
    });
    serde_json::from_value(value)
        .expect("invariant: the controller-manager Deployment is well formed")
}

/// The image of a release: `ghcr.io/liqoctl-rs/liqo:<version>`.
pub fn default_image(version: &str) -> String {
    format!("{IMAGE_REPOSITORY}:{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn params() -> InstallParams {
        InstallParams {
            namespace: "liqo".into(),
            cluster_id: "brave-otter".into(),
            pod_cidrs: vec!["10.100.0.0/16".into()],
            service_cidr: "10.96.0.0/16".into(),
            external_cidr: name::DEFAULT_EXTERNAL_CIDR.into(),
            internal_cidr: name::DEFAULT_INTERNAL_CIDR.into(),
            image: default_image("0.1.0"),
            api_server_url: Some("https://203.0.113.7:6443".into()),
            tls_compatibility_mode: false,
            keys: Some(AuthKeys {
                private_pem: "PRIV".into(),
                public_pem: "PUB".into(),
            }),
        }
    }

    #[test]
    fn manifests_start_with_the_namespace_and_crds_and_end_with_the_deployment() {
        let manifests = render(&params()).unwrap();
        assert_eq!(manifests[0].resource.kind, "Namespace");
        assert_eq!(manifests[1].resource.kind, "CustomResourceDefinition");
        assert_eq!(manifests.last().unwrap().resource.kind, "Deployment");
        for m in &manifests {
            let labels = m.object.metadata.labels.clone().unwrap_or_default();
            assert_eq!(
                labels.get("app.kubernetes.io/part-of").map(String::as_str),
                Some("liqo"),
                "{}",
                m.describe()
            );
        }
        let names: Vec<String> = manifests.iter().map(Manifest::describe).collect();
        for expected in [
            "ConfigMap liqo/liqo-clusterid-configmap",
            "Secret liqo/authentication-keys",
            "ClusterRole liqo-remote-controlplane",
            "ClusterRole liqo-virtual-kubelet-remote-clusterwide",
            "WgGatewayServerTemplate liqo/wireguard-server",
            "WgGatewayClientTemplate liqo/wireguard-client",
            "ClusterRole liqo-gateway",
            "ClusterRole liqo-virtual-kubelet-local",
            "VkOptionsTemplate liqo/virtual-kubelet-default",
            "Network liqo/pod-cidr",
            "Network liqo/service-cidr",
            "Network liqo/external-cidr",
            "Network liqo/internal-cidr",
            "Service liqo/liqo-webhook",
            "MutatingWebhookConfiguration liqo-webhook",
            "ValidatingWebhookConfiguration liqo-webhook",
            "Deployment liqo/liqo-proxy",
            "Service liqo/liqo-proxy",
            "Deployment liqo/liqo-controller-manager",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "missing {expected} in {names:?}"
            );
        }
    }

    #[test]
    fn preinstalled_networks_carry_the_ipam_labels() {
        let manifests = render(&InstallParams {
            pod_cidrs: vec!["10.100.0.0/16".into(), "10.101.0.0/16".into()],
            ..params()
        })
        .unwrap();
        let networks: BTreeMap<String, serde_json::Value> = manifests
            .iter()
            .filter(|m| m.resource.kind == "Network")
            .map(|m| {
                (
                    m.object.metadata.name.clone().unwrap(),
                    serde_json::to_value(&m.object).unwrap(),
                )
            })
            .collect();
        let names: Vec<&str> = networks.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "external-cidr",
                "internal-cidr",
                "pod-cidr",
                "pod-cidr-1",
                "service-cidr"
            ]
        );
        for (name, net) in &networks {
            let labels = &net["metadata"]["labels"];
            assert_eq!(
                net["metadata"]["annotations"]["liqo.io/preinstalled"], "true",
                "{name}"
            );
            assert_eq!(
                labels["ipam.liqo.io/network-not-remapped"], "true",
                "{name}"
            );
            let shared = name.starts_with("pod-cidr") || name == "service-cidr";
            assert_eq!(
                labels.get("ipam.liqo.io/network-shared").is_some(),
                shared,
                "{name}"
            );
        }
        assert_eq!(
            networks["pod-cidr-1"]["spec"],
            json!({"cidr": "10.101.0.0/16"})
        );
        assert_eq!(
            networks["pod-cidr"]["metadata"]["labels"]["ipam.liqo.io/network-type"],
            "pod-cidr"
        );
        assert_eq!(
            networks["external-cidr"]["spec"],
            json!({"cidr": "10.70.0.0/16", "preAllocated": 1})
        );
        assert_eq!(
            networks["internal-cidr"]["spec"],
            json!({"cidr": "10.80.0.0/16"})
        );
        assert_eq!(
            networks["service-cidr"]["metadata"]["labels"]["ipam.liqo.io/network-type"],
            "service-cidr"
        );
    }

    #[test]
    fn without_keys_the_plan_is_the_full_plan_minus_only_the_keys_secret() {
        // A re-install passes no keys (the Secret exists, keys are never rotated); uninstall
        // passes some so that the Secret is in the plan it deletes. Either way every other
        // object must be planned exactly alike.
        let planned = |params: &InstallParams| -> Vec<(String, serde_json::Value)> {
            render(params)
                .unwrap()
                .iter()
                .map(|m| (m.describe(), serde_json::to_value(&m.object).unwrap()))
                .collect()
        };
        let with = planned(&params());
        let without = planned(&InstallParams {
            keys: None,
            ..params()
        });
        let keys = "Secret liqo/authentication-keys";
        let expected: Vec<_> = with.iter().filter(|(d, _)| d != keys).cloned().collect();
        assert_eq!(with.len(), without.len() + 1, "the keys Secret is planned");
        assert_eq!(without, expected);
        let secret = render_keys("liqo", &params().keys.unwrap());
        let data = secret.string_data.unwrap();
        // The key names upstream's controllers read.
        assert_eq!(
            data.keys().map(String::as_str).collect::<Vec<_>>(),
            ["privateKey", "publicKey"]
        );
        assert_eq!(
            (data["privateKey"].as_str(), data["publicKey"].as_str()),
            ("PRIV", "PUB")
        );
    }

    #[test]
    fn tls_compatibility_mode_is_a_controller_manager_flag() {
        let args = |params: &InstallParams| {
            let d = render_controller_manager(params, &OffloadingParams::default());
            d.spec.unwrap().template.spec.unwrap().containers[0]
                .args
                .clone()
                .unwrap()
        };
        let flag = "--tls-compatibility-mode".to_string();
        assert!(!args(&params()).contains(&flag));
        let rsa = InstallParams {
            tls_compatibility_mode: true,
            ..params()
        };
        assert!(args(&rsa).contains(&flag));
    }

    #[test]
    fn offloading_settings_reach_the_controller_manager_and_the_default_vk_template() {
        let offloading = OffloadingParams {
            cluster_labels: parse_pairs("--cluster-labels", "region=eu").unwrap(),
            ..OffloadingParams::default()
        };
        let manifests = render_with(&params(), &offloading).unwrap();
        let deployment = manifests.last().unwrap();
        let args = serde_json::to_value(&deployment.object).unwrap()["spec"]["template"]["spec"]
            ["containers"][0]["args"]
            .clone();
        assert!(
            args.as_array()
                .unwrap()
                .contains(&json!("--cluster-labels=region=eu")),
            "{args}"
        );
        let vkot = manifests
            .iter()
            .find(|m| m.resource.kind == "VkOptionsTemplate")
            .unwrap();
        let spec = serde_json::to_value(&vkot.object).unwrap()["spec"].clone();
        assert_eq!(spec["containerImage"], "ghcr.io/liqoctl-rs/liqo:0.1.0");
        assert_eq!(
            (
                spec["createNode"].clone(),
                spec["disableNetworkCheck"].clone()
            ),
            (json!(true), json!(false))
        );
        assert_eq!(spec["metricsEnabled"], false);
        assert_eq!(spec["replicas"], 1);
        assert_eq!(spec["reflectorsConfig"]["pod"], json!({"workers": 10}));
        assert_eq!(
            spec["reflectorsConfig"]["service"],
            json!({"workers": 3, "type": "DenyList"})
        );
    }

    #[test]
    fn the_deployment_reads_the_cluster_id_and_binds_probes_to_the_pod_ip() {
        let d = render_controller_manager(&params(), &OffloadingParams::default());
        let c = &d.spec.unwrap().template.spec.unwrap().containers[0];
        let args = c.args.clone().unwrap();
        assert!(args.contains(&"--cluster-id=$(CLUSTER_ID)".to_string()));
        assert!(args.contains(&"--health-probe-bind-address=$(POD_IP):8081".to_string()));
        assert_eq!(c.image.as_deref(), Some("ghcr.io/liqoctl-rs/liqo:0.1.0"));
    }
}
