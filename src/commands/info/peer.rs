//! `liqoctl info peer [ids…]`: per peer, its info (with the recorded Liqo versions and their
//! skew), network, authentication and offloading, with the latest Warning Event of an
//! unhealthy module's objects among its alerts. What is shown is built in `peer_view`.

use k8s_openapi::api::events::v1::Event;
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::authentication::{Identity, IdentityType, ResourceSlice};
use liqo_api::core::{ForeignCluster, RoleType};
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer};
use liqo_api::offloading::VirtualNode;
use liqo_kube::network::lookup::{by_peer, peer_selector};
use serde_json::{Value, json};

use super::local::{image_tag, observe_controller_manager};
use super::peer_view::{
    PeerAuth, PeerNetwork, PeerOffloading, gateway_info, network_cidrs, newest_warning, peer_info,
    render_auth, render_info, render_network, render_offloading, slice_info, virtual_node_info,
};
use super::status::{self, ModuleKind, ModuleStatus};
use super::{Collector, Report};

/// Runs the checkers of `liqoctl info peer` on the peers `ids` (all when empty).
///
/// # Errors
/// When the ForeignClusters cannot be listed or some of `ids` have none.
pub async fn collect(c: &mut Collector, ids: &[String]) -> anyhow::Result<Report> {
    let clusters = super::observe_foreign_clusters(c, ids)
        .await
        .map_err(|e| anyhow::Error::new(e).context("Unable to retrieve peer clusters"))?;
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !clusters.contains_key(id.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "Peer clusters {:?} not found in active peerings",
            missing.join(", ")
        );
    }
    let local_version = observe_controller_manager(c)
        .await
        .as_ref()
        .and_then(image_tag);
    let mut data = serde_json::Map::new();
    let mut groups = Vec::new();
    for (id, fc) in &clusters {
        let info = peer_info(fc, local_version.as_deref());
        let network = observe_network(c, fc).await;
        let auth = observe_auth(c, fc).await;
        let offloading = observe_offloading(c, fc).await;
        groups.push(vec![
            ("Peer cluster info", render_info(&info)),
            ("Network", render_network(&network)),
            ("Authentication", render_auth(&auth)),
            ("Offloading", render_offloading(&offloading)),
        ]);
        let value = json!({
            "info": info,
            "network": network,
            "authentication": auth,
            "offloading": offloading,
        });
        data.insert(id.clone(), value);
    }
    Ok(Report {
        peers: true,
        data: Value::Object(data),
        groups,
    })
}

/// The module's status and alerts, with the newest Warning Event of its objects when
/// unhealthy.
async fn module(
    c: &mut Collector,
    fc: &ForeignCluster,
    kind: ModuleKind,
) -> (ModuleStatus, Vec<String>) {
    let (status, mut alerts) = status::module_status(kind.of(fc));
    if status == ModuleStatus::Unhealthy {
        let ns = tenant_namespace(fc);
        match Api::<Event>::namespaced(c.client.clone(), &ns)
            .list(&ListParams::default())
            .await
        {
            Ok(list) => alerts.extend(newest_warning(&list.items, kind.event_kinds())),
            Err(e) => c.warn(format!("unable to get the Events in namespace {ns}"), e),
        }
    }
    (status, alerts)
}

fn tenant_namespace(fc: &ForeignCluster) -> String {
    fc.status
        .as_ref()
        .and_then(|s| s.tenant_namespace.as_ref())
        .and_then(|t| t.local.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| liqo_kube::tenant_namespace::default_name(&fc.spec.cluster_id))
}

async fn observe_network(c: &mut Collector, fc: &ForeignCluster) -> PeerNetwork {
    let (status, alerts) = module(c, fc, ModuleKind::Networking).await;
    let mut network = PeerNetwork {
        status,
        alerts,
        cidrs: None,
        gateway: None,
    };
    if status == ModuleStatus::Disabled {
        return network;
    }
    let id = fc.spec.cluster_id.clone();
    let what = format!("unable to get the network configuration of cluster {id}");
    match by_peer(&Api::<Configuration>::all(c.client.clone()), &id).await {
        Ok(Some(config)) => network.cidrs = Some(network_cidrs(&config)),
        Ok(None) => c.warn(what, anyhow::anyhow!("no Configuration found")),
        Err(e) => c.warn(what, e),
    }
    let what = format!("unable to get the network gateway of cluster {id}");
    let server = by_peer(&Api::<GatewayServer>::all(c.client.clone()), &id).await;
    let client = by_peer(&Api::<GatewayClient>::all(c.client.clone()), &id).await;
    match (server, client) {
        (Ok(server), Ok(client)) => match gateway_info(server.as_ref(), client.as_ref()) {
            Ok(gateway) => network.gateway = Some(gateway),
            Err(why) => c.warn(what, anyhow::anyhow!(why)),
        },
        (Err(e), _) | (_, Err(e)) => c.warn(what, e),
    }
    network
}

/// Where we reach a provider: its control-plane Identity's proxy, else its API server.
async fn api_server_addr(c: &mut Collector, fc: &ForeignCluster) -> String {
    let id = &fc.spec.cluster_id;
    let params = ListParams::default().labels(&peer_selector(id));
    let identity = match Api::<Identity>::all(c.client.clone()).list(&params).await {
        Ok(list) => list
            .items
            .into_iter()
            .find(|i| i.spec.type_ == Some(IdentityType::ControlPlane)),
        Err(e) => {
            c.warn(
                format!("unable to get the API server address of cluster {id}"),
                e,
            );
            None
        }
    };
    let from_identity = identity
        .and_then(|i| i.spec.auth_params)
        .and_then(|p| p.proxy_url.or(p.api_server));
    // The ForeignCluster records the same URLs (and is all an upstream-made peering may offer).
    let status = fc.status.clone().unwrap_or_default();
    from_identity
        .or(status.foreign_proxy_url)
        .or(status.api_server_url)
        .unwrap_or_default()
}

async fn observe_auth(c: &mut Collector, fc: &ForeignCluster) -> PeerAuth {
    let (status, alerts) = module(c, fc, ModuleKind::Authentication).await;
    let mut auth = PeerAuth {
        status,
        alerts,
        api_server_addr: String::new(),
        resource_slices: Vec::new(),
    };
    if status == ModuleStatus::Disabled {
        return auth;
    }
    let role = fc.status.as_ref().map(|s| s.role).unwrap_or_default();
    if matches!(role, RoleType::Provider | RoleType::ConsumerAndProvider) {
        auth.api_server_addr = api_server_addr(c, fc).await;
    }
    let id = &fc.spec.cluster_id;
    let params = ListParams::default().labels(&peer_selector(id));
    match Api::<ResourceSlice>::all(c.client.clone())
        .list(&params)
        .await
    {
        Ok(mut list) => {
            list.items.sort_by_key(|s| (s.namespace(), s.name_any()));
            auth.resource_slices = list.items.iter().map(slice_info).collect();
        }
        Err(e) => c.warn(
            format!("unable to get the ResourceSlices of cluster {id}"),
            e,
        ),
    }
    auth
}

async fn observe_offloading(c: &mut Collector, fc: &ForeignCluster) -> PeerOffloading {
    let (status, alerts) = module(c, fc, ModuleKind::Offloading).await;
    let id = &fc.spec.cluster_id;
    let params = ListParams::default().labels(&peer_selector(id));
    let virtual_nodes = match Api::<VirtualNode>::all(c.client.clone())
        .list(&params)
        .await
    {
        Ok(mut list) => {
            list.items.sort_by_key(|v| (v.namespace(), v.name_any()));
            list.items.iter().map(virtual_node_info).collect()
        }
        Err(e) => {
            c.warn(format!("unable to get the VirtualNodes of cluster {id}"), e);
            Vec::new()
        }
    };
    PeerOffloading {
        status,
        alerts,
        virtual_nodes,
    }
}
