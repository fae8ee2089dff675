//! ForeignCluster controller: one ForeignCluster per peer, created when a Tenant or a
//! control-plane Identity names it, with its role and its three modules (authentication,
//! networking, offloading: one file each) kept current from the watched objects of the peer.

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Node;
use kube::api::{ObjectMeta, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_api::authentication::{Identity, Tenant};
use liqo_api::consts::{field_manager, label};
use liqo_api::core::{ForeignCluster, ForeignClusterSpec, RoleType};
use liqo_api::networking::{Configuration, Connection, GatewayClient, GatewayServer};
use liqo_api::offloading::VirtualNode;
use liqo_kube::foreign_cluster::compute_status;
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::Context;

pub mod authentication;
pub mod networking;
pub mod offloading;
use networking::networking_module;
use offloading::offloading_module;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::FOREIGN_CLUSTER;

fn peer_of<K: ResourceExt>(object: &K) -> Option<String> {
    object.labels().get(label::REMOTE_CLUSTER_ID).cloned()
}

/// The reconcile checklist: each module observes the peer's objects, the status is rebuilt
/// from scratch (a module whose objects are gone is disabled, its conditions removed) and
/// written when it changed.
#[instrument(skip_all, fields(name = %fc.name_any()))]
async fn reconcile(fc: Arc<ForeignCluster>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let id = fc.spec.cluster_id.clone();
    let now = k8s_openapi::jiff::Timestamp::now();
    let previous = fc.status.as_ref().and_then(|s| s.modules.as_ref());

    let peering = authentication::observe(&ctx.client, &id).await?;
    let mut status = compute_status(&peering, fc.status.as_ref(), now);
    let network = networking::observe(&ctx.client, &id)
        .await
        .api("observe the networking with the peer")?;
    let virtual_nodes = offloading::observe(&ctx.client, &id)
        .await
        .api("observe the virtual nodes of the peer")?;
    if let Some(modules) = status.modules.as_mut() {
        modules.networking = networking_module(&network, previous.map(|m| &m.networking), now);
        modules.offloading =
            offloading_module(&virtual_nodes, previous.map(|m| &m.offloading), now);
        // VirtualNodes for the peer: it provides resources to this cluster.
        if modules.offloading.enabled {
            status.role = as_provider(status.role);
        }
    }
    status.observed_generation = fc.metadata.generation;

    if reconcile::apply_status(&ctx.client, &*fc, &status, FIELD_MANAGER).await? {
        tracing::info!(cluster_id = id, role = ?status.role, "foreign cluster updated");
    }
    Ok(Action::await_change())
}

/// `role` with the peer also a provider.
/// An enabled module with `conditions`, each keeping the transition time it had in `previous`
/// when its type, status and reason are unchanged.
fn enabled_module(
    mut conditions: Vec<liqo_api::core::Condition>,
    previous: Option<&liqo_api::core::Module>,
    now: k8s_openapi::jiff::Timestamp,
) -> liqo_api::core::Module {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    for c in &mut conditions {
        let same = previous.and_then(|m| m.conditions.as_ref()).and_then(|cs| {
            cs.iter()
                .find(|o| o.type_ == c.type_ && o.status == c.status && o.reason == c.reason)
        });
        c.last_transition_time = Some(
            same.and_then(|o| o.last_transition_time.clone())
                .unwrap_or(Time(now)),
        );
    }
    liqo_api::core::Module {
        enabled: true,
        conditions: Some(conditions),
    }
}

fn as_provider(role: RoleType) -> RoleType {
    match role {
        RoleType::Consumer | RoleType::ConsumerAndProvider => RoleType::ConsumerAndProvider,
        RoleType::Provider | RoleType::Unknown => RoleType::Provider,
    }
}

fn error_policy(fc: Arc<ForeignCluster>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry("foreigncluster", &*fc, error)
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
        // The offloading module follows the peer's VirtualNodes, their virtual kubelets and
        // their Nodes.
        .watches(
            Api::<VirtualNode>::all(ctx.client.clone()),
            peers(),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<Deployment>::all(ctx.client.clone()),
            watcher::Config::default().labels(&format!(
                "{}={},{}",
                label::OFFLOADING_COMPONENT,
                label::OFFLOADING_COMPONENT_VIRTUAL_KUBELET,
                label::REMOTE_CLUSTER_ID
            )),
            move |o| to_fc(peer_of(&o)),
        )
        .watches(
            Api::<Node>::all(ctx.client.clone()),
            watcher::Config::default().labels(&format!(
                "{}={},{}",
                label::TYPE,
                label::TYPE_VIRTUAL_NODE,
                label::REMOTE_CLUSTER_ID
            )),
            move |o| to_fc(peer_of(&o)),
        )
        .run(reconcile, error_policy, ctx.clone());
    let controller = ctx.drive("foreigncluster", controller);
    tokio::join!(controller, create_missing(ctx.clone()));
}
