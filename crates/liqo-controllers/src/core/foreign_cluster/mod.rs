//! ForeignCluster controller: one ForeignCluster per peer, created when a Tenant or a
//! control-plane Identity names it, with its role and authentication module kept current.

use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_api::authentication::{Identity, IdentityType, Tenant};
use liqo_api::consts::{field_manager, label};
use liqo_api::core::{ForeignCluster, ForeignClusterSpec};
use liqo_api::networking::{Configuration, Connection, GatewayClient, GatewayServer};
use liqo_kube::foreign_cluster::{Observed, compute_status};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

pub mod networking;
use networking::networking_module;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::FOREIGN_CLUSTER;
const RETRY: Duration = Duration::from_secs(5);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
#[error("failed to {0}")]
pub struct Error(&'static str, #[source] kube::Error);

fn peer_of<K: ResourceExt>(object: &K) -> Option<String> {
    object.labels().get(label::REMOTE_CLUSTER_ID).cloned()
}

#[instrument(skip_all, fields(name = %fc.name_any()))]
async fn reconcile(fc: Arc<ForeignCluster>, ctx: Arc<Context>) -> Result<Action, Error> {
    let id = fc.spec.cluster_id.clone();
    let selector = ListParams::default().labels(&format!("{}={id}", label::REMOTE_CLUSTER_ID));
    let tenants = Api::<Tenant>::all(ctx.client.clone())
        .list(&selector)
        .await
        .map_err(|e| Error("list Tenants", e))?;
    let identities = Api::<Identity>::all(ctx.client.clone())
        .list(&selector)
        .await
        .map_err(|e| Error("list Identities", e))?;
    let observed = Observed {
        tenant: tenants.items.into_iter().next(),
        identity: identities
            .items
            .into_iter()
            .find(|i| i.spec.type_ == Some(IdentityType::ControlPlane)),
    };
    let now = k8s_openapi::jiff::Timestamp::now();
    let mut status = compute_status(&observed, fc.status.as_ref(), now);
    let network = networking::observe(&ctx.client, &id)
        .await
        .map_err(|e| Error("observe the networking with the peer", e))?;
    let previous = fc
        .status
        .as_ref()
        .and_then(|s| s.modules.as_ref())
        .map(|m| &m.networking);
    if let Some(modules) = status.modules.as_mut() {
        modules.networking = networking_module(&network, previous, now);
    }
    status.observed_generation = fc.metadata.generation;
    if fc.status.as_ref() != Some(&status) {
        let patch = json!({"apiVersion": "core.liqo.io/v1beta1", "kind": "ForeignCluster", "status": status});
        Api::<ForeignCluster>::all(ctx.client.clone())
            .patch_status(
                &fc.name_any(),
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&patch),
            )
            .await
            .map_err(|e| Error("write the ForeignCluster status", e))?;
        tracing::info!(cluster_id = id, role = ?status.role, "foreign cluster updated");
    }
    Ok(Action::await_change())
}

fn error_policy(_fc: Arc<ForeignCluster>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry_after("foreigncluster", error, RETRY)
}

/// Creates the ForeignCluster of every peer a Tenant or Identity names (never deletes one).
async fn create_missing(ctx: Arc<Context>) {
    let tenants = watcher::watcher(
        Api::<Tenant>::all(ctx.client.clone()),
        watcher::Config::default().labels(label::REMOTE_CLUSTER_ID),
    )
    .default_backoff()
    .applied_objects()
    .map_ok(|t| peer_of(&t));
    let identities = watcher::watcher(
        Api::<Identity>::all(ctx.client.clone()),
        watcher::Config::default().labels(label::REMOTE_CLUSTER_ID),
    )
    .default_backoff()
    .applied_objects()
    .map_ok(|i| peer_of(&i));
    let api: Api<ForeignCluster> = Api::all(ctx.client.clone());
    let mut peers = futures::stream::select(tenants.boxed(), identities.boxed());
    while let Some(event) = peers.next().await {
        let Ok(Some(id)) = event else { continue };
        let mut fc = ForeignCluster::new(
            &id,
            ForeignClusterSpec {
                cluster_id: id.clone(),
            },
        );
        fc.metadata = ObjectMeta {
            name: Some(id.clone()),
            labels: Some([(label::REMOTE_CLUSTER_ID.to_string(), id.clone())].into()),
            ..Default::default()
        };
        match api
            .create(
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &fc,
            )
            .await
        {
            Ok(_) => tracing::info!(cluster_id = id, "foreign cluster created"),
            Err(kube::Error::Api(e)) if e.code == 409 => {}
            Err(e) => {
                tracing::warn!(cluster_id = id, error = %e, "failed to create the foreign cluster")
            }
        }
    }
}

/// Runs the controller until the streams end.
pub async fn run(ctx: Arc<Context>) {
    let fcs: Api<ForeignCluster> = Api::all(ctx.client.clone());
    let to_fc = |id: Option<String>| id.map(|id| ObjectRef::<ForeignCluster>::new(&id));
    let peers = || watcher::Config::default().labels(label::REMOTE_CLUSTER_ID);
    let controller = Controller::new(fcs, watcher::Config::default())
        .watches(
            Api::<Tenant>::all(ctx.client.clone()),
            watcher::Config::default(),
            move |t| to_fc(peer_of(&t)),
        )
        .watches(
            Api::<Identity>::all(ctx.client.clone()),
            watcher::Config::default(),
            move |i| to_fc(peer_of(&i)),
        )
        // The networking module follows the peer's networking objects.
        .watches(
            Api::<Configuration>::all(ctx.client.clone()),
            peers(),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<GatewayServer>::all(ctx.client.clone()),
            peers(),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<GatewayClient>::all(ctx.client.clone()),
            peers(),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<Connection>::all(ctx.client.clone()),
            peers(),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<Deployment>::all(ctx.client.clone()),
            watcher::Config::default().labels(&format!(
                "{},{}",
                label::GATEWAY_NAME,
                label::REMOTE_CLUSTER_ID
            )),
            move |o| to_fc(peer_of(&o)),
        )
        .run(reconcile, error_policy, ctx.clone());
    let controller = ctx.drive("foreigncluster", controller);
    tokio::join!(controller, create_missing(ctx.clone()));
}
