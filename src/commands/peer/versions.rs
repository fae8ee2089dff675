//! The version handshake of `peer`: both clusters' Liqo versions read before anything is
//! written, a major.minor skew warned about, and both versions recorded on each cluster's
//! ForeignCluster for the other (annotations `liqo info` shows). Upstream does none of this
//! (liqo#3143).

use kube::api::{Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{annotation, field_manager, label};
use liqo_api::core::ForeignCluster;

use crate::flows::foreign_cluster;
use crate::flows::version::{liqo_version, skewed};
use crate::peers::{Peers, Side};

/// Each side's version; `None` where it cannot be read (a peering user may not list the
/// provider's Deployments), which is said in verbose mode and does not stop the peering.
#[derive(Debug, Clone)]
pub struct Versions {
    pub local: Option<String>,
    pub remote: Option<String>,
}

/// Reads both versions at once and warns on a skew.
pub async fn handshake(peers: &Peers) -> Versions {
    let read = |side: &Side| {
        let (client, ns) = (side.client.clone(), side.liqo_namespace.clone());
        async move { liqo_version(&client, &ns).await }
    };
    let (local, remote) = tokio::join!(read(&peers.local), read(&peers.remote));
    let known = |side: &Side, v: anyhow::Result<String>| match v {
        Ok(v) => Some(v),
        Err(e) => {
            side.printer.verbose(format!(
                "Liqo version unknown: {}",
                crate::exit::one_line(&e)
            ));
            None
        }
    };
    let versions = Versions {
        local: known(&peers.local, local),
        remote: known(&peers.remote, remote),
    };
    if let (Some(l), Some(r)) = (&versions.local, &versions.remote)
        && skewed(l, r)
    {
        peers.global_printer().warn(format!(
            "The local ({l}) and remote ({r}) Liqo versions differ in major.minor: this peering is not supported and may not work"
        ));
    }
    versions
}

/// Annotates each side's ForeignCluster for the other with both versions (server-side
/// apply: the ForeignCluster controller owns the rest). A side whose user may not write
/// ForeignClusters (a peering user on the provider) is skipped with a verbose note.
pub async fn record(peers: &Peers, versions: &Versions) {
    for (side, own, other) in [
        (&peers.local, &versions.local, &versions.remote),
        (&peers.remote, &versions.remote, &versions.local),
    ] {
        if let Err(e) = annotate(&side.client, &side.peer, own, other).await {
            side.printer.verbose(format!(
                "Versions not recorded on ForeignCluster {}: {}",
                side.peer,
                crate::exit::one_line(&e)
            ));
        }
    }
}

async fn annotate(
    client: &Client,
    peer: &str,
    own: &Option<String>,
    other: &Option<String>,
) -> anyhow::Result<()> {
    let mut annotations = serde_json::Map::new();
    if let Some(v) = own {
        annotations.insert(annotation::LOCAL_LIQO_VERSION.into(), v.clone().into());
    }
    if let Some(v) = other {
        annotations.insert(annotation::PEER_LIQO_VERSION.into(), v.clone().into());
    }
    if annotations.is_empty() {
        return Ok(());
    }
    // The one the controllers use: by label, the oldest if several (peering.md §4.1).
    let name = foreign_cluster::lookup(client, peer)
        .await?
        .map_or_else(|| peer.to_string(), |fc| fc.name_any());
    let fc = serde_json::json!({
        "apiVersion": "core.liqo.io/v1beta1",
        "kind": "ForeignCluster",
        "metadata": {
            "name": name,
            "labels": {label::REMOTE_CLUSTER_ID: peer},
            "annotations": annotations,
        },
        "spec": {"clusterID": peer},
    });
    let api: Api<ForeignCluster> = Api::all(client.clone());
    api.patch(
        &name,
        &PatchParams::apply(field_manager::LIQOCTL).force(),
        &Patch::Apply(fc),
    )
    .await?;
    Ok(())
}
