//! What `liqoctl info peer` shows of one peer, pure: the data of each checker (JSON keys as
//! upstream's) built from the objects read, and its box.

use std::collections::BTreeMap;

use k8s_openapi::api::events::v1::Event;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::ResourceExt;
use liqo_api::authentication::ResourceSlice;
use liqo_api::core::{ForeignCluster, RoleType};
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer};
use liqo_api::offloading::VirtualNode;
use serde::Serialize;

use super::local::role_text;
use super::render::{Section, Text, Tone};
use super::status::{self, ModuleStatus};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerInfo {
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    pub role: RoleType,
    /// The peer's Liqo version recorded by `liqoctl peer` (not upstream).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liqo_version: Option<String>,
    /// `none`, or how this cluster's version and the peer's differ (not upstream).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_skew: Option<String>,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Cidrs {
    pub pod: Vec<String>,
    pub external: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CidrInfo {
    pub remote: Cidrs,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remapped: Option<Cidrs>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct GatewayInfo {
    pub address: Vec<String>,
    pub port: i32,
    /// The peer's gateway role: `Server` when ours is a client, and the reverse.
    pub role: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PeerNetwork {
    pub status: ModuleStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    #[serde(rename = "CIDRs", skip_serializing_if = "Option::is_none")]
    pub cidrs: Option<CidrInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayInfo>,
}

#[derive(Debug, Serialize)]
pub struct SliceInfo {
    pub name: String,
    pub action: &'static str,
    pub accepted: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    pub resources: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerAuth {
    pub status: ModuleStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    #[serde(rename = "APIServerAddr")]
    pub api_server_addr: String,
    pub resource_slices: Vec<SliceInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeInfo {
    pub name: String,
    pub status: ModuleStatus,
    pub secret: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_slice: String,
    pub resources: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerOffloading {
    pub status: ModuleStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
    pub virtual_nodes: Vec<VirtualNodeInfo>,
}

/// The peer's ID and role, and its recorded version with the skew against ours (ours now,
/// or as recorded at peering time when ours is unknown).
pub fn peer_info(fc: &ForeignCluster, local_version: Option<&str>) -> PeerInfo {
    let (peer_version, recorded_local) = status::recorded_versions(fc);
    let local = local_version.map(str::to_string).or(recorded_local);
    let version_skew = match (&local, &peer_version) {
        (Some(local), Some(peer)) => Some(status::version_skew(local, peer).text),
        _ => None,
    };
    PeerInfo {
        cluster_id: fc.spec.cluster_id.clone(),
        role: fc.status.as_ref().map(|s| s.role).unwrap_or_default(),
        liqo_version: peer_version,
        version_skew,
    }
}

/// `Last Warning Event on <Kind> <name>: <Reason>: <note>` of the newest Warning Event about an
/// object of one of `kinds`.
pub fn newest_warning(events: &[Event], kinds: &[&str]) -> Option<String> {
    let when = |e: &Event| {
        e.series
            .as_ref()
            .map(|s| s.last_observed_time.0)
            .or(e.event_time.as_ref().map(|t| t.0))
            .or(e.deprecated_last_timestamp.as_ref().map(|t| t.0))
            .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0))
    };
    let newest = events
        .iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .filter(|e| {
            e.regarding
                .as_ref()
                .and_then(|r| r.kind.as_deref())
                .is_some_and(|k| kinds.contains(&k))
        })
        .max_by_key(|e| when(e))?;
    let regarding = newest.regarding.clone().unwrap_or_default();
    Some(format!(
        "Last Warning Event on {} {}: {}: {}",
        regarding.kind.unwrap_or_default(),
        regarding.name.unwrap_or_default(),
        newest.reason.clone().unwrap_or_default(),
        newest.note.clone().unwrap_or_default()
    ))
}

/// The peer's CIDRs as it declared them, and as remapped here once remapped.
pub fn network_cidrs(config: &Configuration) -> CidrInfo {
    let cidrs = |c: Option<&liqo_api::networking::ClusterConfig>| {
        let cidr = c.and_then(|c| c.cidr.clone()).unwrap_or_default();
        Cidrs {
            pod: cidr.pod.unwrap_or_default(),
            external: cidr.external.unwrap_or_default(),
        }
    };
    let remapped = config
        .status
        .as_ref()
        .and_then(|s| s.remote.as_ref())
        .map(|r| cidrs(Some(r)));
    CidrInfo {
        remote: cidrs(config.spec.remote.as_ref()),
        remapped,
    }
}

/// The peer's gateway, seen from ours: our client dials its server, or it dials ours.
pub fn gateway_info(
    server: Option<&GatewayServer>,
    client: Option<&GatewayClient>,
) -> Result<GatewayInfo, &'static str> {
    let info = |endpoint: Option<&liqo_api::networking::EndpointStatus>, role| {
        let endpoint = endpoint.cloned().unwrap_or_default();
        let port = endpoint
            .port
            .or_else(|| endpoint.ports.as_ref()?.first().copied())
            .unwrap_or_default();
        GatewayInfo {
            address: endpoint.addresses.unwrap_or_default(),
            port,
            role,
        }
    };
    match (server, client) {
        (Some(_), Some(_)) => Err("multiple gateways found"),
        (None, Some(client)) => Ok(info(client.spec.endpoint.as_ref(), "Server")),
        (Some(server), None) => Ok(info(
            server.status.as_ref().and_then(|s| s.endpoint.as_ref()),
            "Client",
        )),
        (None, None) => Err("no gateways found"),
    }
}

fn quantities(map: Option<&BTreeMap<String, Quantity>>) -> BTreeMap<String, String> {
    map.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

pub fn slice_info(slice: &ResourceSlice) -> SliceInfo {
    let (accepted, alerts) = status::slice_acceptance(slice);
    SliceInfo {
        name: slice.name_any(),
        action: status::slice_action(slice),
        accepted,
        alerts,
        resources: quantities(slice.status.as_ref().and_then(|s| s.resources.as_ref())),
    }
}

pub fn virtual_node_info(vn: &VirtualNode) -> VirtualNodeInfo {
    VirtualNodeInfo {
        name: vn.name_any(),
        status: status::virtual_node_status(vn),
        secret: vn
            .spec
            .kubeconfig_secret_ref
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        resource_slice: vn
            .labels()
            .get(liqo_api::consts::label::RESOURCE_SLICE_NAME)
            .cloned()
            .unwrap_or_default(),
        resources: quantities(
            vn.spec
                .resource_quota
                .as_ref()
                .and_then(|q| q.hard.as_ref()),
        ),
    }
}

fn alerts_entry(section: &mut Section, alerts: &[String]) {
    if !alerts.is_empty() {
        let values = alerts.iter().map(|a| Text::toned(a, Tone::Warn)).collect();
        section.entries("Alerts", values);
    }
}

pub fn render_info(info: &PeerInfo) -> Section {
    let mut root = Section::default();
    root.entry("Cluster ID", &info.cluster_id)
        .entry("Role", role_text(info.role));
    if let Some(version) = &info.liqo_version {
        root.entry("Liqo version", version);
    }
    if let Some(skew) = &info.version_skew {
        let tone = if skew.contains("major.minor") {
            Tone::Warn
        } else {
            Tone::Plain
        };
        root.entry_text("Version skew", Text::toned(skew, tone));
    }
    root
}

fn cidr_line(remote: &[String], remapped: Option<&[String]>) -> String {
    let remote = remote.join(",");
    match remapped.map(|r| r.join(",")) {
        Some(remapped) if !remapped.is_empty() && remapped != remote => {
            format!("{remote} → Remapped to {remapped}")
        }
        _ => remote,
    }
}

pub fn render_network(network: &PeerNetwork) -> Section {
    let mut root = Section::default();
    root.entry_text("Status", network.status.text());
    if network.status == ModuleStatus::Disabled {
        return root;
    }
    alerts_entry(&mut root, &network.alerts);
    if let Some(cidrs) = &network.cidrs {
        let remapped = cidrs.remapped.as_ref();
        let mut remote = Section::titled("Remote");
        remote
            .entry(
                "Pod CIDR",
                cidr_line(&cidrs.remote.pod, remapped.map(|r| &r.pod[..])),
            )
            .entry(
                "External CIDR",
                cidr_line(&cidrs.remote.external, remapped.map(|r| &r.external[..])),
            );
        let mut cidr = Section::titled("CIDR");
        cidr.section(remote);
        root.section(cidr);
    }
    if let Some(gateway) = &network.gateway {
        let mut section = Section::titled("Gateway");
        section
            .entry("Role", gateway.role)
            .entries("Address", gateway.address.iter().map(Text::plain).collect())
            .entry("Port", gateway.port.to_string());
        root.section(section);
    }
    root
}

fn resources_section(resources: &BTreeMap<String, String>) -> Section {
    let mut section = Section::titled("Resources");
    for (name, quantity) in resources {
        section.entry(name, quantity);
    }
    section
}

pub fn render_auth(auth: &PeerAuth) -> Section {
    let mut root = Section::default();
    root.entry_text("Status", auth.status.text());
    if auth.status == ModuleStatus::Disabled {
        return root;
    }
    alerts_entry(&mut root, &auth.alerts);
    if !auth.api_server_addr.is_empty() {
        root.entry("API server", &auth.api_server_addr);
    }
    let mut slices = Section::titled("Resource slices");
    for slice in &auth.resource_slices {
        let mut section = Section::titled(&slice.name);
        section.line(if slice.accepted {
            Text::toned("Resource slice accepted", Tone::Good)
        } else {
            Text::toned("Resource slice not accepted", Tone::Bad)
        });
        alerts_entry(&mut section, &slice.alerts);
        section.entry("Action", slice.action);
        section.section(resources_section(&slice.resources));
        slices.section(section);
    }
    root.section(slices);
    root
}

pub fn render_offloading(offloading: &PeerOffloading) -> Section {
    let mut root = Section::default();
    root.entry_text("Status", offloading.status.text());
    if offloading.status == ModuleStatus::Disabled {
        return root;
    }
    alerts_entry(&mut root, &offloading.alerts);
    let mut nodes = Section::titled("Virtual nodes");
    for vn in &offloading.virtual_nodes {
        let mut section = Section::titled(&vn.name);
        section
            .entry_text("Status", vn.status.text())
            .entry("Secret", &vn.secret)
            .entry("Resource slice", &vn.resource_slice);
        section.section(resources_section(&vn.resources));
        nodes.section(section);
    }
    root.section(nodes);
    root
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::ObjectReference;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
    use liqo_api::fixtures;

    use super::super::render::render_box;
    use super::super::status::ModuleKind;
    use super::*;

    fn lines(title: &str, section: &Section) -> Vec<String> {
        render_box(title, section, false)
            .lines()
            .map(|l| l.trim_matches(['│', ' ']).to_string())
            .collect()
    }

    #[test]
    fn network_shows_remapped_cidrs_and_the_peers_gateway() {
        let cidrs = network_cidrs(&fixtures::configuration());
        assert_eq!(cidrs.remote.pod, vec!["10.243.0.0/16".to_string()]);
        assert_eq!(
            cidrs.remapped.as_ref().unwrap().pod,
            vec!["10.71.0.0/16".to_string()]
        );
        // Our client dials the peer's server.
        let gateway = gateway_info(None, Some(&fixtures::gateway_client())).unwrap();
        assert_eq!(gateway.role, "Server");
        assert!(
            !gateway.address.is_empty() && gateway.port > 0,
            "{gateway:?}"
        );
        let network = PeerNetwork {
            status: ModuleStatus::Healthy,
            alerts: vec![],
            cidrs: Some(cidrs),
            gateway: Some(gateway),
        };
        let text = lines("Network", &render_network(&network));
        assert!(
            text.contains(&"Pod CIDR:      10.243.0.0/16 → Remapped to 10.71.0.0/16".into()),
            "{text:#?}"
        );
        assert!(text.contains(&"Role:    Server".into()), "{text:#?}");
        let json = serde_json::to_value(&network).unwrap();
        assert_eq!(json["CIDRs"]["remapped"]["external"][0], "10.68.0.0/16");
        assert_eq!(json["gateway"]["role"], "Server");
        // Their client dials our server.
        let server = fixtures::gateway_server();
        assert_eq!(gateway_info(Some(&server), None).unwrap().role, "Client");
        assert!(gateway_info(None, None).is_err());
        assert!(gateway_info(Some(&server), Some(&fixtures::gateway_client())).is_err());
    }

    #[test]
    fn slices_and_virtual_nodes_are_described() {
        let slice = slice_info(&fixtures::resource_slice());
        assert!(slice.accepted);
        assert_eq!(slice.action, "Consuming");
        assert!(!slice.resources.is_empty());
        let vn = virtual_node_info(&fixtures::virtual_node());
        assert_eq!(vn.resource_slice, fixtures::PROVIDER);
        assert!(!vn.secret.is_empty() && !vn.resources.is_empty(), "{vn:?}");
        let offloading = PeerOffloading {
            status: ModuleStatus::Unhealthy,
            alerts: vec!["Last Warning Event on VirtualNode x: Failed: boom".into()],
            virtual_nodes: vec![vn],
        };
        let text = lines("Offloading", &render_offloading(&offloading));
        assert!(
            text.iter()
                .any(|l| l == "Alerts: Last Warning Event on VirtualNode x: Failed: boom"),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|l| l.starts_with("Resource slice: ")),
            "{text:#?}"
        );
    }

    #[test]
    fn the_newest_warning_of_the_modules_kinds_is_the_alert() {
        let event = |kind: &str, type_: &str, reason: &str, secs: i64| Event {
            metadata: ObjectMeta::default(),
            event_time: Some(MicroTime(
                k8s_openapi::jiff::Timestamp::from_second(secs).unwrap(),
            )),
            regarding: Some(ObjectReference {
                kind: Some(kind.into()),
                name: Some("p".into()),
                ..ObjectReference::default()
            }),
            type_: Some(type_.into()),
            reason: Some(reason.into()),
            note: Some("details".into()),
            ..Event::default()
        };
        let events = [
            event("Connection", "Warning", "Old", 10),
            event("Connection", "Normal", "Newer", 30),
            event("Connection", "Warning", "New", 20),
            event("VirtualNode", "Warning", "Other", 40),
        ];
        assert_eq!(
            newest_warning(&events, ModuleKind::Networking.event_kinds()).as_deref(),
            Some("Last Warning Event on Connection p: New: details")
        );
        assert_eq!(
            newest_warning(&events, ModuleKind::Authentication.event_kinds()),
            None
        );
    }

    #[test]
    fn versions_show_only_when_recorded() {
        let mut fc = fixtures::foreign_cluster();
        let info = peer_info(&fc, Some("v1.2.0"));
        assert_eq!((info.liqo_version, info.version_skew), (None, None));
        fc.metadata.annotations = Some(BTreeMap::from([
            (
                liqo_api::consts::annotation::PEER_LIQO_VERSION.to_string(),
                "v1.1.0".to_string(),
            ),
            (
                liqo_api::consts::annotation::LOCAL_LIQO_VERSION.to_string(),
                "v1.1.0".to_string(),
            ),
        ]));
        let info = peer_info(&fc, Some("v1.2.0"));
        assert_eq!(info.liqo_version.as_deref(), Some("v1.1.0"));
        assert_eq!(
            info.version_skew.as_deref(),
            Some("local v1.2.0, peer v1.1.0 (major.minor differ)")
        );
        assert_eq!(peer_info(&fc, None).version_skew.as_deref(), Some("none"));
        let text = lines(
            "Peer cluster info",
            &render_info(&peer_info(&fc, Some("v1.2.0"))),
        );
        assert!(text.contains(&"Liqo version: v1.1.0".into()), "{text:#?}");
    }
}
