//! `liqoctl info`'s checkers: local installation, health, network (verbose) and peerings.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod};
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_api::core::{ForeignCluster, RoleType};
use liqo_api::ipam::Network;
use serde::Serialize;
use serde_json::json;

use super::render::{Section, Text, Tone};
use super::status::{self, ModuleKind, ModuleStatus};
use super::{Collector, Report};

/// The `local` checker.
#[derive(Debug, Default, Serialize)]
pub struct Installation {
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    pub version: String,
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "APIServerAddr")]
    pub api_server_addr: String,
}

/// The `health` checker.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub healthy: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub unhealthy_pods: BTreeMap<String, PodHealth>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodHealth {
    pub status: String,
    pub ready_containers: usize,
    pub total_containers: usize,
    pub restarts: i32,
}

/// The `network` checker (verbose only).
#[derive(Debug, Default, Serialize)]
pub struct LocalNetwork {
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs: Vec<String>,
    #[serde(rename = "serviceCIDR")]
    pub service_cidr: String,
    #[serde(rename = "externalCIDR")]
    pub external_cidr: String,
    #[serde(rename = "internalCIDR")]
    pub internal_cidr: String,
}

/// One peer of the `peerings` checker.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerSummary {
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    pub role: RoleType,
    pub networking_status: ModuleStatus,
    pub authentication_status: ModuleStatus,
    pub offloading_status: ModuleStatus,
    /// The peer's Liqo version recorded by `liqoctl peer` (not upstream).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liqo_version: Option<String>,
}

/// Runs the checkers of `liqoctl info`.
pub async fn collect(c: &mut Collector, verbose: bool) -> Report {
    let local = observe_installation(c).await;
    let health = observe_health(c).await;
    let network = if verbose {
        Some(observe_network(c).await)
    } else {
        None
    };
    let peers = observe_peerings(c).await;
    let mut data = json!({
        "local": local,
        "health": health,
        "peerings": {"peers": peers},
    });
    let mut boxes = vec![
        ("Local installation info", render_installation(&local)),
        ("Installation health", render_health(&health)),
    ];
    if let Some(network) = &network {
        data["network"] = json!(network);
        boxes.push(("Network", render_network(network)));
    }
    boxes.push(("Active peerings", render_peerings(&peers)));
    Report {
        peers: false,
        data,
        groups: vec![boxes],
    }
}

/// The value of `--flag=v` or `--flag v` in `args`.
fn arg_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == flag {
            return args.get(i + 1).map(String::as_str);
        }
        arg.strip_prefix(flag)?.strip_prefix('=')
    })
}

/// `k=v,k2=v2` as a map; pairs without `=` are skipped.
fn parse_labels(text: &str) -> BTreeMap<String, String> {
    text.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The image tag of the controller manager, i.e. the Liqo version.
pub fn image_tag(container: &Container) -> Option<String> {
    let image = container.image.as_deref()?;
    // The tag follows the last `:` after the last `/` (a registry may have a port).
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split('@').next().unwrap_or(name);
    name.rsplit_once(':').map(|(_, tag)| tag.to_string())
}

/// The controller-manager container, or a warning.
pub async fn observe_controller_manager(c: &mut Collector) -> Option<Container> {
    let ns = c.namespace.clone();
    match liqo_kube::install::observe_controller_manager(&c.client, &ns).await {
        Ok(Some(container)) => Some(container),
        Ok(None) => {
            c.warn(
                "unable to get the Liqo version and cluster labels",
                anyhow::anyhow!("no Liqo controller manager found in namespace {ns}"),
            );
            None
        }
        Err(e) => {
            c.warn("unable to get the Liqo version and cluster labels", e);
            None
        }
    }
}

async fn observe_installation(c: &mut Collector) -> Installation {
    let mut local = Installation::default();
    match liqo_kube::install::observe_cluster_id(&c.client, &c.namespace).await {
        Ok(Some(id)) => local.cluster_id = id,
        Ok(None) => {
            let ns = c.namespace.clone();
            c.warn(
                "unable to get the cluster ID",
                anyhow::anyhow!("no cluster-ID ConfigMap in namespace {ns}"),
            );
        }
        Err(e) => c.warn("unable to get the cluster ID", e),
    }
    let manager = observe_controller_manager(c).await;
    let args = manager
        .as_ref()
        .and_then(|m| m.args.clone())
        .unwrap_or_default();
    if let Some(container) = &manager {
        match image_tag(container) {
            Some(tag) => local.version = tag,
            None => c.warn(
                "unable to get the Liqo version",
                anyhow::anyhow!("the controller manager's image has no tag"),
            ),
        }
    }
    local.labels = arg_value(&args, "--cluster-labels")
        .map(parse_labels)
        .unwrap_or_default();
    // The address consumers are given: the override if installed with one, else ours.
    local.api_server_addr = arg_value(&args, "--api-server-address-override")
        .map_or_else(|| c.server.clone(), str::to_string);
    local
}

async fn observe_health(c: &mut Collector) -> Health {
    let pods = match Api::<Pod>::namespaced(c.client.clone(), &c.namespace)
        .list(&ListParams::default())
        .await
    {
        Ok(list) => list.items,
        Err(e) => {
            c.warn("unable to get the Liqo pods", e);
            return Health::default();
        }
    };
    let unhealthy_pods: BTreeMap<String, PodHealth> = pods
        .iter()
        .filter(|pod| !status::pod_healthy(pod))
        .map(|pod| (pod.name_any(), pod_health(pod)))
        .collect();
    Health {
        healthy: unhealthy_pods.is_empty(),
        unhealthy_pods,
    }
}

fn pod_health(pod: &Pod) -> PodHealth {
    let status = pod.status.clone().unwrap_or_default();
    let containers = status.container_statuses.unwrap_or_default();
    PodHealth {
        status: status.phase.unwrap_or_else(|| "Unknown".into()),
        ready_containers: containers.iter().filter(|c| c.ready).count(),
        total_containers: containers.len(),
        restarts: containers.iter().map(|c| c.restart_count).sum(),
    }
}

/// The CIDRs of the Networks the installation keeps in the Liqo namespace.
async fn observe_network(c: &mut Collector) -> LocalNetwork {
    let networks = match Api::<Network>::namespaced(c.client.clone(), &c.namespace)
        .list(&ListParams::default().labels(label::IPAM_NETWORK_TYPE))
        .await
    {
        Ok(list) => list.items,
        Err(e) => {
            c.warn("unable to get the Liqo Networks", e);
            return LocalNetwork::default();
        }
    };
    let (network, missing) = network_of(&networks);
    for kind in missing {
        c.warnings.push(format!(
            "unable to get the {kind}: no Network labelled {}={kind} in namespace {}",
            label::IPAM_NETWORK_TYPE,
            c.namespace
        ));
    }
    network
}

/// The CIDRs of `networks` by their type label (several pod CIDRs in name order), each the
/// granted CIDR or, until granted, the requested one; and the types none has.
pub fn network_of(networks: &[Network]) -> (LocalNetwork, Vec<&'static str>) {
    let mut missing = Vec::new();
    let mut cidrs = |kind: &'static str| -> Vec<String> {
        let mut of_kind: Vec<&Network> = networks
            .iter()
            .filter(|n| n.labels().get(label::IPAM_NETWORK_TYPE).map(String::as_str) == Some(kind))
            .collect();
        of_kind.sort_by_key(|n| n.name_any());
        if of_kind.is_empty() {
            missing.push(kind);
        }
        of_kind
            .iter()
            .map(|n| {
                n.status
                    .as_ref()
                    .and_then(|s| s.cidr.clone())
                    .unwrap_or_else(|| n.spec.cidr.clone())
            })
            .collect()
    };
    let pod_cidrs = cidrs(label::IPAM_NETWORK_TYPE_POD_CIDR);
    let mut one = |kind| cidrs(kind).into_iter().next().unwrap_or_default();
    let network = LocalNetwork {
        pod_cidrs,
        service_cidr: one(label::IPAM_NETWORK_TYPE_SERVICE_CIDR),
        external_cidr: one(label::IPAM_NETWORK_TYPE_EXTERNAL_CIDR),
        internal_cidr: one(label::IPAM_NETWORK_TYPE_INTERNAL_CIDR),
    };
    (network, missing)
}

async fn observe_peerings(c: &mut Collector) -> Vec<PeerSummary> {
    match super::observe_foreign_clusters(c, &[]).await {
        Ok(clusters) => clusters.values().map(summarize).collect(),
        Err(e) => {
            c.warn("unable to get the peer clusters", e);
            Vec::new()
        }
    }
}

/// A peering as the `peerings` checker shows it.
pub fn summarize(fc: &ForeignCluster) -> PeerSummary {
    let module = |kind: ModuleKind| status::module_status(kind.of(fc)).0;
    PeerSummary {
        cluster_id: fc.spec.cluster_id.clone(),
        role: fc.status.as_ref().map(|s| s.role).unwrap_or_default(),
        networking_status: module(ModuleKind::Networking),
        authentication_status: module(ModuleKind::Authentication),
        offloading_status: module(ModuleKind::Offloading),
        liqo_version: status::recorded_versions(fc).0,
    }
}

pub fn render_installation(local: &Installation) -> Section {
    let mut root = Section::default();
    root.entry("Cluster ID", &local.cluster_id)
        .entry("Version", &local.version)
        .entry("K8s API server", &local.api_server_addr);
    let mut labels = Section::titled("Cluster labels");
    for (key, value) in &local.labels {
        labels.entry(key, value);
    }
    root.section(labels);
    root
}

pub fn render_health(health: &Health) -> Section {
    let mut root = Section::default();
    root.line(if health.healthy {
        Text::toned("✔    Liqo is healthy", Tone::Good)
    } else {
        Text::toned("✖    Liqo is unhealthy", Tone::Bad)
    });
    if !health.unhealthy_pods.is_empty() {
        let mut pods = Section::titled("Unhealthy pods");
        for (name, pod) in &health.unhealthy_pods {
            pods.entry(
                name,
                format!(
                    "Status: {}, Ready: {}/{}, Restarts: {}",
                    pod.status, pod.ready_containers, pod.total_containers, pod.restarts
                ),
            );
        }
        root.section(pods);
    }
    root
}

pub fn render_network(network: &LocalNetwork) -> Section {
    let mut root = Section::default();
    root.entries(
        "Pod CIDRs",
        network.pod_cidrs.iter().map(Text::plain).collect(),
    )
    .entry("Service CIDR", &network.service_cidr)
    .entry("External CIDR", &network.external_cidr)
    .entry("Internal CIDR", &network.internal_cidr);
    root
}

/// The role's name, as upstream prints it.
pub fn role_text(role: RoleType) -> &'static str {
    match role {
        RoleType::Consumer => "Consumer",
        RoleType::Provider => "Provider",
        RoleType::ConsumerAndProvider => "ConsumerAndProvider",
        RoleType::Unknown => "Unknown",
    }
}

pub fn render_peerings(peers: &[PeerSummary]) -> Section {
    let mut root = Section::default();
    if peers.is_empty() {
        root.line(Text::plain("No active peerings"));
    }
    for peer in peers {
        let mut section = Section::titled(&peer.cluster_id);
        section
            .entry("Role", role_text(peer.role))
            .entry_text("Networking status", peer.networking_status.text())
            .entry_text("Authentication status", peer.authentication_status.text())
            .entry_text("Offloading status", peer.offloading_status.text());
        if let Some(version) = &peer.liqo_version {
            section.entry("Liqo version", version);
        }
        root.section(section);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_overrides_come_from_the_controller_manager_args() {
        let args: Vec<String> = [
            "--cluster-id=$(CLUSTER_ID)",
            "--cluster-labels=region=eu,tier=gold",
            "--api-server-address-override",
            "https://api.example:6443",
        ]
        .map(String::from)
        .to_vec();
        let labels = parse_labels(arg_value(&args, "--cluster-labels").unwrap());
        assert_eq!(labels.len(), 2);
        assert_eq!(labels["tier"], "gold");
        assert_eq!(
            arg_value(&args, "--api-server-address-override"),
            Some("https://api.example:6443")
        );
        assert_eq!(arg_value(&args, "--cluster"), None);
    }

    #[test]
    fn the_version_is_the_image_tag() {
        let container = |image: &str| Container {
            image: Some(image.into()),
            ..Container::default()
        };
        assert_eq!(
            image_tag(&container("ghcr.io/liqo/liqo:v1.0.1")).as_deref(),
            Some("v1.0.1")
        );
        assert_eq!(
            image_tag(&container("registry:5000/liqo:0.1.0")).as_deref(),
            Some("0.1.0")
        );
        assert_eq!(image_tag(&container("registry:5000/liqo")), None);
    }

    #[test]
    fn peerings_show_each_module_status() {
        let fc = liqo_api::fixtures::foreign_cluster();
        let summary = summarize(&fc);
        assert_eq!(summary.role, RoleType::Provider);
        assert_eq!(summary.networking_status, ModuleStatus::Healthy);
        let value = serde_json::to_value(&summary).unwrap();
        assert_eq!(value["clusterID"], liqo_api::fixtures::PROVIDER);
        assert_eq!(value["offloadingStatus"], "Healthy");
        assert!(value.get("liqoVersion").is_none());
        let text = super::super::render::render_box(
            "Active peerings",
            &render_peerings(&[summary]),
            false,
        );
        assert!(text.contains("Networking status:     Healthy"), "{text}");
        assert!(text.contains("Role:                  Provider"), "{text}");
    }

    #[test]
    fn the_network_comes_from_the_networks_by_type() {
        let external = liqo_api::fixtures::network();
        let mut pod = external.clone();
        pod.metadata.name = Some("pod-cidr".into());
        pod.metadata.labels = Some(BTreeMap::from([(
            label::IPAM_NETWORK_TYPE.to_string(),
            label::IPAM_NETWORK_TYPE_POD_CIDR.to_string(),
        )]));
        pod.spec.cidr = "10.244.0.0/16".into();
        pod.status = None;
        let (network, missing) = network_of(&[external.clone(), pod]);
        assert_eq!(network.pod_cidrs, vec!["10.244.0.0/16".to_string()]);
        let granted = external
            .status
            .and_then(|s| s.cidr)
            .unwrap_or(external.spec.cidr);
        assert_eq!(network.external_cidr, granted);
        assert_eq!(missing, vec!["service-cidr", "internal-cidr"]);
        let text = super::super::render::render_box("Network", &render_network(&network), false);
        assert!(text.contains("Pod CIDRs:     10.244.0.0/16"), "{text}");
    }

    #[test]
    fn health_lists_unhealthy_pods() {
        let mut health = Health::default();
        health.unhealthy_pods.insert(
            "liqo-proxy-1".into(),
            PodHealth {
                status: "Pending".into(),
                ready_containers: 0,
                total_containers: 1,
                restarts: 3,
            },
        );
        let text =
            super::super::render::render_box("Installation health", &render_health(&health), false);
        assert!(text.contains("✖    Liqo is unhealthy"), "{text}");
        assert!(
            text.contains("liqo-proxy-1: Status: Pending, Ready: 0/1, Restarts: 3"),
            "{text}"
        );
        let value = serde_json::to_value(&health).unwrap();
        assert_eq!(value["unhealthyPods"]["liqo-proxy-1"]["readyContainers"], 0);
    }
}
