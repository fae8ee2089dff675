//! The ForeignClusters `unpeer` reads and, unlike upstream, removes (peering.md §4): the one
//! for a peer is found by its `liqo.io/remote-cluster-id` label (the oldest when several), and
//! once no direction remains it is deleted last (the ForeignCluster controller re-creates one
//! while a Tenant or Identity of the peer still exists).

use std::time::Duration;

use anyhow::Context as _;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{annotation, field_manager, label};
use liqo_api::core::{ConditionStatusType, ForeignCluster, Module};
use serde::Serialize;

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

/// The state of one module of a peering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ModuleStatus {
    Healthy,
    Unhealthy,
    Disabled,
}

impl ModuleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleStatus::Healthy => "Healthy",
            ModuleStatus::Unhealthy => "Unhealthy",
            ModuleStatus::Disabled => "Disabled",
        }
    }
}

/// `Disabled` unless enabled; `Healthy` when every condition is `Established` or `Ready`;
/// else `Unhealthy`, with the messages of the other conditions as alerts.
pub fn module_status(module: Option<&Module>) -> (ModuleStatus, Vec<String>) {
    let Some(module) = module.filter(|m| m.enabled) else {
        return (ModuleStatus::Disabled, Vec::new());
    };
    let alerts: Vec<String> = module
        .conditions
        .iter()
        .flatten()
        .filter(|c| {
            !matches!(
                c.status,
                ConditionStatusType::Established | ConditionStatusType::Ready
            )
        })
        .map(|c| {
            c.message
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("{:?} is {:?}", c.type_, c.status))
        })
        .collect();
    if alerts.is_empty() {
        (ModuleStatus::Healthy, alerts)
    } else {
        (ModuleStatus::Unhealthy, alerts)
    }
}

/// Which module of a ForeignCluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    Networking,
    Authentication,
    Offloading,
}

impl ModuleKind {
    /// The module of `fc`, if the status has modules.
    pub fn of(self, fc: &ForeignCluster) -> Option<&Module> {
        let modules = fc.status.as_ref()?.modules.as_ref()?;
        Some(match self {
            ModuleKind::Networking => &modules.networking,
            ModuleKind::Authentication => &modules.authentication,
            ModuleKind::Offloading => &modules.offloading,
        })
    }
}

/// Waits, within `timeout`, until the ForeignCluster of `peer` reports each of `modules`
/// Healthy: what `liqoctl info` will show (its controller follows the objects a moment later).
pub async fn await_healthy(
    client: &Client,
    peer: &str,
    modules: &[ModuleKind],
    timeout: Duration,
) -> anyhow::Result<()> {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    let selector = format!("{}={peer}", label::REMOTE_CLUSTER_ID);
    let oldest = |fcs: &[ForeignCluster]| {
        fcs.iter()
            .min_by_key(|fc| fc.creation_timestamp().map(|t| t.0))
            .cloned()
    };
    let healthy = |fcs: &[ForeignCluster]| {
        Ok(oldest(fcs).is_some_and(|fc| {
            modules
                .iter()
                .all(|m| module_status(m.of(&fc)).0 == ModuleStatus::Healthy)
        }))
    };
    let describe = |fcs: &[ForeignCluster]| {
        let Some(fc) = oldest(fcs) else {
            return "no ForeignCluster yet (is the liqo-controller-manager running?)".into();
        };
        modules
            .iter()
            .map(|m| {
                let (status, alerts) = module_status(m.of(&fc));
                let why = if alerts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", alerts.join("; "))
                };
                format!("{m:?} {}{why}", status.as_str())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names: Vec<String> = modules.iter().map(|m| format!("{m:?}")).collect();
    let what = format!(
        "ForeignCluster {peer} to report {} Healthy",
        names.join(", ")
    );
    liqo_kube::wait::list(api, &selector, &what, timeout, healthy, describe).await?;
    Ok(())
}
