//! The ForeignClusters `unpeer` reads and, unlike upstream, removes (peering.md §4): the one
//! for a peer is found by its `liqo.io/remote-cluster-id` label (the oldest when several), and
//! once no direction remains it is deleted
//! last (the ForeignCluster controller re-creates one while a Tenant or Identity of the peer
//! still exists).

use std::time::Duration;

use anyhow::Context as _;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{annotation, field_manager, label};
use liqo_api::core::ForeignCluster;

/// The ForeignCluster of `peer` on the cluster of `client`, if any.
pub async fn lookup(client: &Client, peer: &str) -> anyhow::Result<Option<ForeignCluster>> {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    let selector = format!("{}={peer}", label::REMOTE_CLUSTER_ID);
    let mut found = api
        .list(&ListParams::default().labels(&selector))
        .await
        .with_context(|| format!("failed to read the ForeignCluster of cluster {peer}"))?
        .items;
    found.sort_by_key(|fc| fc.creation_timestamp().map(|t| t.0));
    Ok(found.into_iter().next())
}

/// Marks the ForeignCluster of `peer` permanently unreachable (creating it if missing): the
/// CRD replicator then releases the peer's objects without reaching it, and the VirtualNode
/// controller deletes the virtual node without evicting pods there.
pub async fn mark_unreachable(client: &Client, peer: &str) -> anyhow::Result<()> {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    let name = lookup(client, peer)
        .await?
        .map_or_else(|| peer.to_string(), |fc| fc.name_any());
    let patch = serde_json::json!({
        "apiVersion": "core.liqo.io/v1beta1",
        "kind": "ForeignCluster",
        "metadata": {
            "name": name,
            "labels": {label::REMOTE_CLUSTER_ID: peer},
            "annotations": {annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE: label::TRUE},
        },
        "spec": {"clusterID": peer},
    });
    api.patch(
        &name,
        &PatchParams::apply(field_manager::LIQOCTL).force(),
        &Patch::Apply(&patch),
    )
    .await
    .with_context(|| format!("failed to mark ForeignCluster {name} permanently unreachable"))?;
    Ok(())
}

/// Deletes the ForeignCluster of `peer` and, with `timeout`, waits until it is gone. Whether
/// there was one.
pub async fn delete(
    client: &Client,
    peer: &str,
    timeout: Option<Duration>,
) -> anyhow::Result<bool> {
    let Some(fc) = lookup(client, peer).await? else {
        return Ok(false);
    };
    let api: Api<ForeignCluster> = Api::all(client.clone());
    liqo_kube::wait::deleted(&api, &fc.name_any(), timeout)
        .await
        .with_context(|| format!("failed to delete ForeignCluster {}", fc.name_any()))
}
