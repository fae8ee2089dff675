//! CRD replicator (offloading.md §4.2, authentication.md §3.4): carries the ResourceSlices,
//! NamespaceMaps and Renews a consumer keeps in its tenant namespace for a provider into the
//! provider's tenant namespace, through the control-plane identity. Ownership is shared: the
//! spec flows consumer → provider, the status provider → consumer.
//!
//! Event-driven on both sides: local watches of the three kinds, and for each peer with a
//! control-plane kubeconfig one watch per kind on its replicas in the provider, whose events
//! requeue the origin. A peer is (re)loaded when its kubeconfig Secret changes, which restarts
//! its remote watches on the new credentials.
//!
//! Unlike upstream, the kubeconfig Secret is not held by a `crdreplicator.liqo.io/operator`
//! finalizer: once a peer's control-plane identity is gone nothing can reach the provider, so
//! an origin being deleted then lets go (with a `ReplicaAbandoned` Warning) instead of keeping
//! the Identity's teardown waiting on a provider that may never answer.

mod peers;
mod reachability;
mod reconcile;
mod render;

use std::sync::Arc;

use futures::channel::mpsc;
use kube::runtime::reflector::ObjectRef;
use liqo_api::authentication::{Renew, ResourceSlice};
use liqo_api::offloading::NamespaceMap;
use liqo_kube::reconcile::NamespacedObject;

use crate::context::Context;
use peers::{Kinds, Peers};

/// A kind the replicator carries to the provider. Spec and status are handled as JSON, so a
/// kind only names itself.
pub trait Replicated: NamespacedObject {
    /// The controller's name in logs and metrics.
    const CONTROLLER: &'static str;
}

impl Replicated for ResourceSlice {
    const CONTROLLER: &'static str = "crdreplicator-resourceslice";
}

impl Replicated for NamespaceMap {
    const CONTROLLER: &'static str = "crdreplicator-namespacemap";
}

impl Replicated for Renew {
    const CONTROLLER: &'static str = "crdreplicator-renew";
}

/// What requeues origins of one kind besides their own watch: one origin (a replica event in
/// a provider) or all of them (a peer loaded or forgotten, a provider marked unreachable).
pub(crate) struct Requeues<K: Replicated> {
    one: mpsc::UnboundedReceiver<ObjectRef<K>>,
    all: mpsc::UnboundedReceiver<()>,
}

/// State shared by the three reconcilers.
pub(crate) struct Shared {
    ctx: Arc<Context>,
    peers: Arc<Peers>,
}

/// Runs the replicator until the process ends.
pub async fn run(ctx: Arc<Context>) {
    let mut kinds = Kinds::default();
    let slices = kinds.register::<ResourceSlice>(&ctx.cluster_id);
    let maps = kinds.register::<NamespaceMap>(&ctx.cluster_id);
    let renews = kinds.register::<Renew>(&ctx.cluster_id);
    let peers = Arc::new(Peers::new(kinds));
    let shared = Arc::new(Shared {
        ctx: ctx.clone(),
        peers: peers.clone(),
    });
    tokio::join!(
        peers::run(ctx, peers),
        reconcile::run(shared.clone(), slices),
        reconcile::run(shared.clone(), maps),
        reconcile::run(shared, renews),
    );
}
