//! Unit tests of the VirtualNode builders; the arg names and order are the compatibility
//! contract of spec offloading.md §11.5.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DeploymentSpec;
use k8s_openapi::api::core::v1::Container;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use liqo_api::authentication::{ResourceSliceSpec, ResourceSliceStatus};
use liqo_api::common::{DeploymentTemplate, EmbeddedMetadata};
use liqo_api::networking::{
    ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationSpec, ConfigurationStatus,
};
use liqo_api::offloading::{
    OffloadingPatch, ReflectionType, ReflectorConfig, VirtualNodeSpec, VkOptionsTemplateSpec,
};

use super::*;

const P: &str = "provider-1";
const NS: &str = "liqo-tenant-provider-1";

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn vn(name: &str) -> VirtualNode {
    let mut vn = VirtualNode::new(name, VirtualNodeSpec::default());
    vn.metadata.namespace = Some(NS.to_owned());
    vn
}

fn template() -> VkOptionsTemplateSpec {
    VkOptionsTemplateSpec {
        container_image: "ghcr.io/liqoctl-rs/liqo:v0.1.0".into(),
        create_node: true,
        disable_network_check: false,
        metrics_enabled: false,
        replicas: Some(1),
        ..VkOptionsTemplateSpec::default()
    }
}

fn mutation() -> Mutation {
    Mutation {
        remote_cluster_id: P.into(),
        options: VirtualNodeOptions {
            kubeconfig_secret: "kubeconfig-resourceslice-rs".into(),
            resources: [("cpu", "2"), ("memory", "4Gi")]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Quantity((*v).to_owned())))
                .collect(),
            node_labels: map(&[("zone", "eu")]),
            ..VirtualNodeOptions::default()
        },
        ..Mutation::default()
    }
}

const INPUTS: DeploymentInputs<'static> = DeploymentInputs {
    home_cluster_id: "consumer-1",
    liqo_namespace: "liqo",
    local_pod_cidrs: &[],
};

fn container_args(t: &DeploymentTemplate) -> Vec<String> {
    t.spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .args
        .clone()
        .unwrap()
}

#[test]
fn mutation_sets_the_spec_of_4_6() {
    let mut v = vn("rs");
    v.spec.labels = Some(map(&[("keep", "me"), ("zone", "us")]));
    let mut m = mutation();
    m.options.node_selector = map(&[("disk", "ssd")]);
    m.runtime_class_name = Some("gvisor".into());
    m.create_node = Some(false);
    mutate(&mut v, &m, None);
    assert_eq!(
        v.metadata.labels.as_ref().unwrap()[label::REMOTE_CLUSTER_ID],
        P
    );
    assert_eq!(
        v.spec.labels.as_ref().unwrap(),
        &map(&[
            (label::REMOTE_CLUSTER_ID, P),
            ("keep", "me"),
            ("zone", "eu")
        ])
    );
    assert_eq!(v.spec.cluster_id.as_deref(), Some(P));
    assert_eq!(v.spec.create_node, Some(false));
    assert_eq!(v.spec.disable_network_check, None, "only when given");
    assert_eq!(
        v.spec.kubeconfig_secret_ref.as_ref().unwrap().name,
        "kubeconfig-resourceslice-rs"
    );
    assert_eq!(v.spec.vk_options_template_ref, None);
    let hard = v
        .spec
        .resource_quota
        .as_ref()
        .unwrap()
        .hard
        .as_ref()
        .unwrap();
    assert_eq!(hard["cpu"].0, "2");
    let patch = v.spec.offloading_patch.as_ref().unwrap();
    assert_eq!(patch.runtime_class_name.as_deref(), Some("gvisor"));
    assert_eq!(
        patch.node_selector.as_ref().unwrap(),
        &map(&[("disk", "ssd")])
    );
    assert_eq!(v.spec.storage_classes, Some(vec![]));
}

#[test]
fn mutation_without_patch_inputs_creates_no_patch() {
    let mut v = vn("rs");
    let mut m = mutation();
    m.runtime_class_name = Some(String::new());
    mutate(&mut v, &m, None);
    assert_eq!(v.spec.offloading_patch, None);
}

#[test]
fn mutation_with_a_template_ref_on_a_new_node_does_not_need_a_template() {
    // Upstream quirk 2: a nil spec.template is dereferenced there.
    let mut v = vn("rs");
    let mut m = mutation();
    m.options.template_ref = Some(template_ref("liqo", "custom"));
    let mut t = template();
    t.replicas = Some(3);
    mutate(&mut v, &m, Some(&t));
    assert_eq!(v.spec.template, None, "left for the defaulting");
    assert_eq!(
        v.spec
            .vk_options_template_ref
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("custom")
    );
    // An existing template without replicas takes the template's; set ones are kept.
    v.spec.template = Some(DeploymentTemplate {
        metadata: None,
        spec: Some(DeploymentSpec::default()),
    });
    mutate(&mut v, &m, Some(&t));
    assert_eq!(
        v.spec
            .template
            .as_ref()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .replicas,
        Some(3)
    );
    t.replicas = Some(5);
    mutate(&mut v, &m, Some(&t));
    assert_eq!(
        v.spec
            .template
            .as_ref()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .replicas,
        Some(3)
    );
}

#[test]
fn options_come_from_the_slice_status() {
    let mut slice = ResourceSlice::new("rs", ResourceSliceSpec::default());
    slice.spec.resources = Some([("cpu".to_owned(), Quantity("99".into()))].into());
    slice.status = Some(ResourceSliceStatus {
        resources: Some([("cpu".to_owned(), Quantity("4".into()))].into()),
        ingress_classes: Some(vec![IngressType {
            ingress_class_name: "nginx".into(),
            default: Some(true),
        }]),
        node_labels: Some(map(&[("provider", "x")])),
        node_selector: Some(map(&[("pool", "a")])),
        ..ResourceSliceStatus::default()
    });
    let o = options_from_slice(&slice, "kc", None);
    assert_eq!(o.kubeconfig_secret, "kc");
    assert_eq!(o.resources["cpu"].0, "4", "status, not spec");
    assert_eq!(o.ingress_classes.len(), 1);
    assert_eq!(o.node_labels, map(&[("provider", "x")]));
    assert_eq!(o.node_selector, map(&[("pool", "a")]));
    assert!(
        options_from_slice(
            &ResourceSlice::new("e", ResourceSliceSpec::default()),
            "k",
            None
        )
        .resources
        .is_empty()
    );
}

fn mutated(name: &str) -> VirtualNode {
    let mut v = vn(name);
    mutate(&mut v, &mutation(), None);
    v
}

#[test]
fn minimal_deployment_args_in_upstream_order() {
    let d = vk_deployment(&mutated("rs"), &template(), &INPUTS);
    assert_eq!(
        container_args(&d),
        [
            "--foreign-cluster-id=provider-1",
            "--nodename=rs",
            "--node-ip=$(POD_IP)",
            "--tenant-namespace=liqo-tenant-provider-1",
            "--liqo-namespace=liqo",
            "--home-cluster-id=consumer-1",
            "--metrics-enabled=false",
            "--foreign-kubeconfig-secret-name=kubeconfig-resourceslice-rs",
            "--create-node=true",
            "--node-check-network=true",
        ]
    );
}

#[test]
fn full_deployment_args_in_upstream_order() {
    let mut v = mutated("rs");
    v.spec.create_node = Some(false);
    v.spec.disable_network_check = Some(true);
    v.spec.storage_classes = Some(vec![
        StorageType {
            storage_class_name: "slow".into(),
            default: None,
        },
        StorageType {
            storage_class_name: "fast".into(),
            default: Some(true),
        },
    ]);
    v.spec.ingress_classes = Some(vec![IngressType {
        ingress_class_name: "nginx".into(),
        default: None,
    }]);
    v.spec.load_balancer_classes = Some(vec![LoadBalancerType {
        load_balancer_class_name: "metallb".into(),
        default: None,
    }]);
    let mut t = template();
    t.metrics_enabled = true;
    t.metrics_address = Some(":9090".into());
    t.extra_args = Some(vec!["--enable-apiserver-support=true".into()]);
    t.node_extra_labels = Some(map(&[("b", "2"), ("a", "1")]));
    t.node_extra_annotations = Some(map(&[("note", "x")]));
    let reflector = |workers, type_| ReflectorConfig { workers, type_ };
    t.reflectors_config = Some(
        [
            ("event", reflector(3, Some(ReflectionType::DenyList))),
            ("pod", reflector(10, None)),
            ("service", reflector(3, Some(ReflectionType::AllowList))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    );
    let cidrs = ["10.0.0.0/16".to_owned(), "10.1.0.0/16".to_owned()];
    let inputs = DeploymentInputs {
        local_pod_cidrs: &cidrs,
        ..INPUTS
    };
    let d = vk_deployment(&v, &t, &inputs);
    assert_eq!(
        container_args(&d),
        [
            "--foreign-cluster-id=provider-1",
            "--nodename=rs",
            "--node-ip=$(POD_IP)",
            "--tenant-namespace=liqo-tenant-provider-1",
            "--liqo-namespace=liqo",
            "--home-cluster-id=consumer-1",
            "--local-podcidr=10.0.0.0/16",
            "--local-podcidr=10.1.0.0/16",
            "--enable-storage",
            "--remote-real-storage-class-name=fast",
            "--enable-ingress",
            "--remote-real-ingress-class-name=nginx",
            "--enable-load-balancer",
            "--remote-real-load-balancer-class-name=metallb",
            "--pod-reflection-workers=10",
            "--service-reflection-workers=3",
            "--service-reflection-type=AllowList",
            "--event-reflection-workers=3",
            "--event-reflection-type=DenyList",
            "--node-extra-annotations=note=x",
            "--node-extra-labels=a=1,b=2",
            "--enable-apiserver-support=true",
            "--metrics-enabled=true",
            "--metrics-address=:9090",
            "--foreign-kubeconfig-secret-name=kubeconfig-resourceslice-rs",
            "--create-node=false",
            "--node-check-network=false",
        ]
    );
    let pod = d.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
    assert_eq!(
        pod.containers[0].ports.as_ref().unwrap()[0].container_port,
        9090
    );
}

#[test]
fn deployment_shape() {
    let mut t = template();
    t.extra_labels = Some(map(&[("team", "a")]));
    t.extra_annotations = Some(map(&[("note", "b")]));
    t.replicas = Some(2);
    let d = vk_deployment(&mutated("rs"), &t, &INPUTS);
    let meta = d.metadata.as_ref().unwrap();
    assert_eq!(meta.name.as_deref(), Some("vk-rs"));
    assert_eq!(meta.namespace.as_deref(), Some(NS));
    let selector = map(&[
        (label::OFFLOADING_COMPONENT, "virtual-kubelet"),
        (label::REMOTE_CLUSTER_ID, P),
        (label::VIRTUAL_NODE, "rs"),
    ]);
    let mut labels = selector.clone();
    labels.insert("team".into(), "a".into());
    assert_eq!(meta.labels.as_ref().unwrap(), &labels);
    assert_eq!(meta.annotations.as_ref().unwrap(), &map(&[("note", "b")]));
    let spec = d.spec.as_ref().unwrap();
    assert_eq!(spec.replicas, Some(2));
    assert_eq!(spec.selector.match_labels.as_ref().unwrap(), &selector);
    let pod_meta = spec.template.metadata.as_ref().unwrap();
    assert_eq!(pod_meta.labels.as_ref().unwrap(), &labels);
    let pod = spec.template.spec.as_ref().unwrap();
    assert_eq!(pod.service_account_name.as_deref(), Some("rs"));
    let c = &pod.containers[0];
    assert_eq!(c.name, "virtual-kubelet");
    assert_eq!(c.command.as_ref().unwrap(), &["/usr/bin/virtual-kubelet"]);
    assert_eq!(c.image.as_deref(), Some("ghcr.io/liqoctl-rs/liqo:v0.1.0"));
    assert_eq!(c.image_pull_policy.as_deref(), Some("IfNotPresent"));
    assert_eq!(c.ports, None, "metrics disabled");
    let env: Vec<_> = c
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        env,
        ["POD_IP", "POD_NAME", "POD_NAMESPACE", "VIRTUALNODE_NAME"]
    );
    let env = c.env.as_ref().unwrap();
    assert_eq!(
        env[0]
            .value_from
            .as_ref()
            .unwrap()
            .field_ref
            .as_ref()
            .unwrap()
            .field_path,
        "status.podIP"
    );
    assert_eq!(env[3].value.as_deref(), Some("rs"));
}

#[test]
fn metrics_port_falls_back_to_8082() {
    assert_eq!(deployment::metrics_port(Some("0.0.0.0:9000")), 9000);
    assert_eq!(deployment::metrics_port(Some(":7000")), 7000);
    assert_eq!(deployment::metrics_port(Some("nonsense")), 8082);
    assert_eq!(deployment::metrics_port(None), 8082);
}

#[test]
fn patch_hash_is_sha256_of_the_json_and_empty_without_patch() {
    assert_eq!(offloading_patch_hash(None), "");
    let empty = offloading_patch_hash(Some(&OffloadingPatch::default()));
    // sha256("{}")
    assert_eq!(
        empty,
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
    let edited = OffloadingPatch {
        runtime_class_name: Some("gvisor".into()),
        ..OffloadingPatch::default()
    };
    let h = offloading_patch_hash(Some(&edited));
    assert_eq!(h.len(), 64);
    assert_ne!(h, empty);
}

fn configuration(configured: &str) -> Configuration {
    let cidr = |pod: &str, ext: &str| ClusterConfig {
        cidr: Some(ClusterConfigCidr {
            pod: Some(vec![pod.to_owned()]),
            external: Some(vec![ext.to_owned()]),
        }),
    };
    let mut cfg = Configuration::new(
        P,
        ConfigurationSpec {
            local: None,
            remote: Some(cidr("10.0.0.0/16", "10.70.0.0/16")),
        },
    );
    cfg.status = Some(ConfigurationStatus {
        remote: Some(cidr("10.71.0.0/16", "10.72.0.0/16")),
        conditions: Some(vec![Condition {
            type_: "NetworkCIDRsConfigured".into(),
            status: configured.into(),
            reason: "x".into(),
            message: String::new(),
            last_transition_time: Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH),
            observed_generation: None,
        }]),
    });
    cfg
}

#[test]
fn remote_cidr_args_need_configured_cidrs_and_replace_the_old_ones() {
    assert_eq!(remote_cidr_args(&configuration("False")), None);
    let new = remote_cidr_args(&configuration("True")).unwrap();
    assert_eq!(
        new,
        [
            "--remote-pod-cidr=10.0.0.0/16",
            "--remote-pod-cidr-remap=10.71.0.0/16",
            "--remote-external-cidr=10.70.0.0/16",
            "--remote-external-cidr-remap=10.72.0.0/16",
        ]
    );
    let mut args = vec![
        "--nodename=x".to_owned(),
        "--remote-pod-cidr=1.0.0.0/8".to_owned(),
        "--remote-external-cidr-remap=2.0.0.0/8".to_owned(),
        "--create-node=true".to_owned(),
    ];
    set_remote_cidr_args(&mut args, &new);
    assert_eq!(args[..2], ["--nodename=x", "--create-node=true"]);
    assert_eq!(args[2..], new[..]);
}

#[test]
fn defaulting_fills_template_and_defaults_and_keeps_overrides() {
    let mut v = mutated("rs");
    v.spec.offloading_patch = Some(OffloadingPatch {
        labels_not_reflected: Some(vec!["mine".into()]),
        ..OffloadingPatch::default()
    });
    assert!(needs_template(&v));
    let mut t = template();
    t.labels_not_reflected = Some(vec!["mine".into(), "theirs".into()]);
    t.annotations_not_reflected = Some(vec!["a".into()]);
    t.extra_args = Some(vec!["--enable-apiserver-support=true".into()]);
    default_template(&mut v, &t, &INPUTS);
    assert!(!needs_template(&v));
    assert_eq!(v.spec.create_node, Some(true));
    assert_eq!(v.spec.disable_network_check, Some(false));
    assert_eq!(
        v.spec.template,
        Some(vk_deployment(&v, &t, &INPUTS)),
        "no overrides: exactly §5.1"
    );
    let patch = v.spec.offloading_patch.as_ref().unwrap();
    assert_eq!(
        patch.labels_not_reflected.as_ref().unwrap(),
        &["mine", "theirs"]
    );
    assert_eq!(patch.annotations_not_reflected.as_ref().unwrap(), &["a"]);

    // What a client wrote in spec.template before the defaulting wins, in its §5.1 place.
    let mut v = mutated("rs");
    let container = Container {
        image: Some("mine:1".into()),
        args: Some(vec![
            "--enable-apiserver-support=false".into(),
            "--node-extra-labels=a=b".into(),
            "--nodename=ignored".into(),
        ]),
        ..Container::default()
    };
    let mut stub = DeploymentSpec {
        replicas: Some(4),
        ..DeploymentSpec::default()
    };
    stub.template.spec = Some(k8s_openapi::api::core::v1::PodSpec {
        containers: vec![container],
        ..Default::default()
    });
    v.spec.template = Some(DeploymentTemplate {
        metadata: Some(EmbeddedMetadata {
            labels: Some(map(&[("extra", "1")])),
            ..EmbeddedMetadata::default()
        }),
        spec: Some(stub),
    });
    default_template(&mut v, &t, &INPUTS);
    let d = v.spec.template.as_ref().unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(4));
    assert_eq!(
        d.metadata.as_ref().unwrap().labels.as_ref().unwrap()["extra"],
        "1"
    );
    let pod = d.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
    assert_eq!(pod.containers[0].image.as_deref(), Some("mine:1"));
    assert_eq!(
        container_args(d),
        [
            "--foreign-cluster-id=provider-1",
            "--nodename=rs",
            "--node-ip=$(POD_IP)",
            "--tenant-namespace=liqo-tenant-provider-1",
            "--liqo-namespace=liqo",
            "--home-cluster-id=consumer-1",
            "--node-extra-labels=a=b",
            "--enable-apiserver-support=false",
            "--metrics-enabled=false",
            "--foreign-kubeconfig-secret-name=kubeconfig-resourceslice-rs",
            "--create-node=true",
            "--node-check-network=true",
        ]
    );
}

#[test]
fn managed_args_follow_the_spec_on_every_write() {
    let mut v = mutated("rs");
    let t = template();
    default_template(&mut v, &t, &INPUTS);
    assert!(!ensure_managed_args(&mut v, &t), "already in step");
    v.spec.create_node = Some(false);
    v.spec.kubeconfig_secret_ref = Some(LocalObjectReference::new("other"));
    assert!(ensure_managed_args(&mut v, &t));
    let args = container_args(v.spec.template.as_ref().unwrap());
    assert!(args.contains(&"--create-node=false".to_owned()));
    assert!(args.contains(&"--foreign-kubeconfig-secret-name=other".to_owned()));
    assert_eq!(
        args.iter()
            .filter(|a| a.starts_with("--create-node"))
            .count(),
        1
    );
    // Replicas follow the template when it sets them.
    let mut t3 = t.clone();
    t3.replicas = Some(3);
    assert!(ensure_managed_args(&mut v, &t3));
    assert_eq!(
        v.spec
            .template
            .as_ref()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .replicas,
        Some(3)
    );
    let mut none = vn("x");
    assert!(
        !ensure_managed_args(&mut none, &t),
        "no template: nothing to do"
    );
}
