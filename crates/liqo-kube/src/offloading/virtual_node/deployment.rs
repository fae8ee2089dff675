//! The virtual-kubelet Deployment of a VirtualNode (spec offloading.md §5.1), the remote CIDR
//! args the controller adds from the network Configuration (§5.2 step 5) and the
//! `liqo.io/offloading-patch-hash` roll-out trigger.
//!
//! Argument names and order are a compatibility contract (§11.5): the Go virtual kubelet may be
//! run by this controller and ours by Go's; the unit tests pin them.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DeploymentSpec;
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, EnvVarSource, LocalObjectReference as CoreLocalRef,
    ObjectFieldSelector, PodSpec, PodTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use liqo_api::common::{DeploymentTemplate, EmbeddedMetadata};
use liqo_api::consts::{label, name};
use liqo_api::networking::Configuration;
use liqo_api::offloading::{OffloadingPatch, VirtualNode, VkOptionsTemplateSpec};
use ring::digest;

use super::defaults::{managed_args, set_arg};

/// The virtual kubelet's command (the Go image and ours both install it there).
pub const COMMAND: &str = "/usr/bin/virtual-kubelet";
/// Metrics port when `metricsAddress` has none.
pub const DEFAULT_METRICS_PORT: i32 = 8082;

/// Reflectors in upstream's order (`--<resource>-reflection-workers`/`-type`); keys of
/// `reflectorsConfig` not listed here follow in name order.
pub const REFLECTORS: &[&str] = &[
    "pod",
    "service",
    "endpointslice",
    "ingress",
    "configmap",
    "secret",
    "serviceaccount",
    "persistentvolumeclaim",
    "event",
];

/// The remote CIDR args, in the order they are appended.
pub const REMOTE_CIDR_ARGS: &[&str] = &[
    "--remote-pod-cidr",
    "--remote-pod-cidr-remap",
    "--remote-external-cidr",
    "--remote-external-cidr-remap",
];

/// What the Deployment needs beyond the VirtualNode and its template.
#[derive(Debug, Clone, Copy)]
pub struct DeploymentInputs<'a> {
    /// This (consumer) cluster's ID.
    pub home_cluster_id: &'a str,
    /// The Liqo namespace.
    pub liqo_namespace: &'a str,
    /// The local pod CIDRs (`--local-podcidr`, one arg each).
    pub local_pod_cidrs: &'a [String],
}

/// `--key=value`.
pub fn arg(key: &str, value: impl std::fmt::Display) -> String {
    format!("{key}={value}")
}

/// The selector labels of a virtual-kubelet Deployment (§1 #11, without extras).
pub fn selector_labels(vn: &VirtualNode) -> BTreeMap<String, String> {
    let vn_name = vn.metadata.name.clone().unwrap_or_default();
    let cluster = vn.spec.cluster_id.clone().unwrap_or_default();
    [
        (
            label::OFFLOADING_COMPONENT,
            label::OFFLOADING_COMPONENT_VIRTUAL_KUBELET.to_owned(),
        ),
        (label::REMOTE_CLUSTER_ID, cluster),
        (label::VIRTUAL_NODE, vn_name),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The virtual-kubelet Deployment `vk-<vn>` of `vn` rendered from `template` (§5.1), with the
/// managed args of §4.7.3 at the end.
pub fn vk_deployment(
    vn: &VirtualNode,
    template: &VkOptionsTemplateSpec,
    inputs: &DeploymentInputs<'_>,
) -> DeploymentTemplate {
    let vn_name = vn.metadata.name.clone().unwrap_or_default();
    let namespace = vn.metadata.namespace.clone().unwrap_or_default();
    let selector = selector_labels(vn);
    let mut labels = selector.clone();
    labels.extend(template.extra_labels.clone().unwrap_or_default());
    let annotations = template.extra_annotations.clone().filter(|a| !a.is_empty());

    let mut args = vk_args(vn, template, inputs);
    for (key, value) in managed_args(vn, template) {
        set_arg(&mut args, key, &value);
    }
    let container = Container {
        name: name::VIRTUAL_KUBELET_CONTAINER.to_owned(),
        image: Some(template.container_image.clone()),
        image_pull_policy: Some(
            template
                .pull_policy
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "IfNotPresent".to_owned()),
        ),
        command: Some(vec![COMMAND.to_owned()]),
        args: Some(args),
        resources: template.resources.clone(),
        env: Some(env(&vn_name)),
        ports: template.metrics_enabled.then(|| {
            vec![ContainerPort {
                name: Some("metrics".to_owned()),
                container_port: metrics_port(template.metrics_address.as_deref()),
                protocol: Some("TCP".to_owned()),
                ..ContainerPort::default()
            }]
        }),
        ..Container::default()
    };
    let pull_secrets = template.image_pull_secrets.as_ref().map(|secrets| {
        secrets
            .iter()
            .map(|s| CoreLocalRef {
                name: s.name.clone(),
            })
            .collect()
    });
    DeploymentTemplate {
        metadata: Some(EmbeddedMetadata {
            name: Some(format!("{}{vn_name}", name::VIRTUAL_KUBELET_PREFIX)),
            namespace: Some(namespace),
            labels: Some(labels.clone()),
            annotations: annotations.clone(),
            finalizers: None,
        }),
        spec: Some(DeploymentSpec {
            replicas: template.replicas,
            selector: LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    annotations,
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(vn_name),
                    image_pull_secrets: pull_secrets,
                    tolerations: template.tolerations.clone(),
                    containers: vec![container],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
    }
}

/// The args of §5.1 before the managed ones, in order.
pub fn vk_args(
    vn: &VirtualNode,
    template: &VkOptionsTemplateSpec,
    inputs: &DeploymentInputs<'_>,
) -> Vec<String> {
    let spec = &vn.spec;
    let mut args = vec![
        arg(
            "--foreign-cluster-id",
            spec.cluster_id.as_deref().unwrap_or_default(),
        ),
        arg(
            "--nodename",
            vn.metadata.name.as_deref().unwrap_or_default(),
        ),
        arg("--node-ip", "$(POD_IP)"),
        arg(
            "--tenant-namespace",
            vn.metadata.namespace.as_deref().unwrap_or_default(),
        ),
        arg("--liqo-namespace", inputs.liqo_namespace),
        arg("--home-cluster-id", inputs.home_cluster_id),
    ];
    args.extend(
        inputs
            .local_pod_cidrs
            .iter()
            .map(|c| arg("--local-podcidr", c)),
    );
    let classes = [
        (
            "storage",
            default_class(spec.storage_classes.as_deref(), |c| {
                (&c.storage_class_name, c.default)
            }),
        ),
        (
            "ingress",
            default_class(spec.ingress_classes.as_deref(), |c| {
                (&c.ingress_class_name, c.default)
            }),
        ),
        (
            "load-balancer",
            default_class(spec.load_balancer_classes.as_deref(), |c| {
                (&c.load_balancer_class_name, c.default)
            }),
        ),
    ];
    for (what, class) in classes {
        if let Some(class) = class {
            args.push(format!("--enable-{what}"));
            args.push(arg(&format!("--remote-real-{what}-class-name"), class));
        }
    }
    args.extend(reflector_args(template));
    for (flag, map) in [
        ("--node-extra-annotations", &template.node_extra_annotations),
        ("--node-extra-labels", &template.node_extra_labels),
    ] {
        if let Some(map) = map.as_ref().filter(|m| !m.is_empty()) {
            args.push(arg(flag, join_pairs(map)));
        }
    }
    args.extend(template.extra_args.clone().unwrap_or_default());
    args.push(arg("--metrics-enabled", template.metrics_enabled));
    if template.metrics_enabled {
        let address = template.metrics_address.as_deref().unwrap_or_default();
        args.push(arg("--metrics-address", address));
    }
    args
}

/// `--<res>-reflection-workers` / `--<res>-reflection-type` per configured reflector.
fn reflector_args(template: &VkOptionsTemplateSpec) -> Vec<String> {
    let Some(config) = template.reflectors_config.as_ref() else {
        return Vec::new();
    };
    let known = REFLECTORS.iter().copied();
    let others = config
        .keys()
        .map(String::as_str)
        .filter(|k| !REFLECTORS.contains(k));
    let mut args = Vec::new();
    for resource in known.chain(others) {
        let Some(reflector) = config.get(resource) else {
            continue;
        };
        args.push(arg(
            &format!("--{resource}-reflection-workers"),
            reflector.workers,
        ));
        if let Some(type_) = reflector.type_.as_ref() {
            args.push(arg(
                &format!("--{resource}-reflection-type"),
                type_.as_str(),
            ));
        }
    }
    args
}

/// The class marked default, else the first; `None` when there is none.
fn default_class<T>(
    classes: Option<&[T]>,
    view: impl Fn(&T) -> (&String, Option<bool>),
) -> Option<String> {
    let classes = classes?;
    classes
        .iter()
        .find(|c| view(c).1 == Some(true))
        .or_else(|| classes.first())
        .map(|c| view(c).0.clone())
}

/// `k=v,k=v` in key order.
fn join_pairs(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn env(vn_name: &str) -> Vec<EnvVar> {
    let field = |name: &str, path: &str| EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: Some("v1".to_owned()),
                field_path: path.to_owned(),
            }),
            ..EnvVarSource::default()
        }),
    };
    vec![
        field("POD_IP", "status.podIP"),
        field("POD_NAME", "metadata.name"),
        field("POD_NAMESPACE", "metadata.namespace"),
        EnvVar {
            name: "VIRTUALNODE_NAME".to_owned(),
            value: Some(vn_name.to_owned()),
            value_from: None,
        },
    ]
}

/// The port of `address` (`host:port` or `:port`), else [`DEFAULT_METRICS_PORT`].
pub fn metrics_port(address: Option<&str>) -> i32 {
    address
        .and_then(|a| a.rsplit_once(':'))
        .and_then(|(_, port)| port.parse::<u16>().ok())
        .map_or(DEFAULT_METRICS_PORT, i32::from)
}

/// Hex SHA-256 of the JSON of the offloading patch; empty when there is none. Set as
/// pod-template annotation `liqo.io/offloading-patch-hash` so that a patch edit rolls the
/// virtual-kubelet pods.
pub fn offloading_patch_hash(patch: Option<&OffloadingPatch>) -> String {
    let Some(patch) = patch else {
        return String::new();
    };
    let json = serde_json::to_vec(patch).expect("invariant: an OffloadingPatch serializes");
    digest::digest(&digest::SHA256, &json)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The remote CIDR args from the peer's network Configuration, when its remote CIDRs are
/// remapped (`NetworkCIDRsConfigured=True` and a remote status): the CIDRs as the provider
/// sees them (spec) and as remapped here (status), one arg per CIDR.
pub fn remote_cidr_args(cfg: &Configuration) -> Option<Vec<String>> {
    let status = cfg.status.as_ref()?;
    let configured = status.conditions.as_ref()?.iter().any(|c| {
        c.type_ == liqo_api::consts::condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED
            && c.status == "True"
    });
    if !configured {
        return None;
    }
    let remapped = status.remote.as_ref()?.cidr.clone()?;
    let original = cfg
        .spec
        .remote
        .as_ref()
        .and_then(|r| r.cidr.clone())
        .unwrap_or_default();
    let lists = [
        original.pod.unwrap_or_default(),
        remapped.pod.unwrap_or_default(),
        original.external.unwrap_or_default(),
        remapped.external.unwrap_or_default(),
    ];
    let args = REMOTE_CIDR_ARGS
        .iter()
        .zip(lists)
        .flat_map(|(key, cidrs)| cidrs.into_iter().map(move |c| arg(key, c)))
        .collect();
    Some(args)
}

/// Drops every remote CIDR arg from `args` and appends `remote` (§5.2 step 5).
pub fn set_remote_cidr_args(args: &mut Vec<String>, remote: &[String]) {
    args.retain(|a| !REMOTE_CIDR_ARGS.contains(&arg_key(a)));
    args.extend(remote.iter().cloned());
}

/// The `--key` of `--key=value` (the whole arg when it has no value).
pub fn arg_key(arg: &str) -> &str {
    arg.split_once('=').map_or(arg, |(k, _)| k)
}
