//! The reconcile of one origin object of a replicated kind (offloading.md §4.2 steps 1-4).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};
use kube::api::{DeleteParams, PostParams, Preconditions, PropagationPolicy};
use kube::runtime::controller::{self, Action, applier};
use kube::runtime::reflector::{self, ObjectRef, reflector};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_api::consts::{field_manager, finalizer, label};
use liqo_api::core::ForeignCluster;
use liqo_kube::reconcile::{
    ReconcileError, ResultExt, add_finalizer, apply_status, describe, has_finalizer,
    remove_finalizer,
};
use tracing::instrument;

use super::peers::{self, Remote};
use super::render::{self, part};
use super::{Replicated, Requeues, Shared};

/// Field manager on both sides.
pub const FIELD_MANAGER: &str = field_manager::CRD_REPLICATOR;
const FINALIZER: &str = finalizer::CRD_REPLICATOR_RESOURCE;
/// How long one request to a provider may take: an unresponsive provider (a stopped API
/// server accepts connections and never answers) then fails the reconcile, which backs off,
/// instead of holding it forever.
const REMOTE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the reconciler of kind `K` until the process ends. The origins' own watch, the
/// replicas' watches (one origin each) and the peer changes (every origin) feed one queue.
pub async fn run<K: Replicated>(shared: Arc<Shared>, requeues: Requeues<K>) {
    let origins: Api<K> = Api::all(shared.ctx.client.clone());
    let config = watcher::Config::default().labels(&render::origins_selector());
    let (store, writer) = reflector::store();
    let local = reflector(writer, watcher(origins, config).default_backoff())
        .touched_objects()
        .map_ok(|o: K| ObjectRef::from_obj(&o));
    let one = requeues.one.map(Ok);
    let every = store.clone();
    let all = requeues.all.flat_map(move |()| {
        let refs: Vec<_> = every
            .state()
            .iter()
            .map(|o| Ok(ObjectRef::from_obj(&**o)))
            .collect();
        stream::iter(refs)
    });
    let queue = stream::select(local.boxed(), stream::select(one, all).boxed());
    let ctx = shared.ctx.clone();
    let results = applier(
        |origin, shared| Box::pin(reconcile::<K>(origin, shared)),
        error_policy::<K>,
        shared,
        store,
        queue,
        controller::Config::default(),
    );
    ctx.drive(K::CONTROLLER, results).await;
}

#[instrument(skip_all, fields(kind = %K::kind(&()), name = %origin.name_any(), ns = origin.namespace()))]
async fn reconcile<K: Replicated>(
    origin: Arc<K>,
    shared: Arc<Shared>,
) -> Result<Action, ReconcileError> {
    let result = replicate(&*origin, &shared).await;
    if let Err(e) = &result {
        // A conflict is a race with another writer, retried at once: not worth an Event; and
        // an origin waiting for its peer's kubeconfig is not failing (an unusable kubeconfig
        // is reported on its Identity).
        let quiet = e.status_code() == Some(409) || matches!(e, ReconcileError::Waiting(_));
        // Without an Event a slice that does not reach its provider only shows in this log.
        if !quiet {
            shared
                .ctx
                .warn_error(origin.as_ref(), "ReplicationFailed", e)
                .await;
        }
    }
    result
}

fn error_policy<K: Replicated>(
    origin: Arc<K>,
    error: &ReconcileError,
    shared: Arc<Shared>,
) -> Action {
    shared.ctx.retry(K::CONTROLLER, origin.as_ref(), error)
}

/// Steps 1-4 for one origin.
async fn replicate<K: Replicated>(origin: &K, shared: &Shared) -> Result<Action, ReconcileError> {
    let client = &shared.ctx.client;
    let Some(cluster_id) = origin.labels().get(label::REMOTE_ID).cloned() else {
        return Ok(Action::await_change());
    };
    let ns = origin.namespace().unwrap_or_default();
    let deleting = origin.meta().deletion_timestamp.is_some();
    let Some(remote) = shared.peers.get(&cluster_id) else {
        return without_peer(origin, shared, &ns, &cluster_id, deleting).await;
    };
    // Step 1: only the provider's tenant namespace is replicated.
    if remote.local_ns != ns {
        return Ok(Action::await_change());
    }
    if deleting {
        return delete_replica(origin, shared, &remote).await;
    }
    add_finalizer(client, origin, FINALIZER).await?;
    let replica = ensure_replica(origin, &remote, &shared.ctx.cluster_id).await?;
    let status = part(&replica, "status");
    if !status.is_null() {
        apply_status(client, origin, &status, FIELD_MANAGER).await?;
    }
    Ok(Action::await_change())
}

/// No provider loaded for `cluster_id`: wait for it while its kubeconfig exists; once the
/// identity is gone, nothing can reach the provider any more, so a deleting origin lets go.
async fn without_peer<K: Replicated>(
    origin: &K,
    shared: &Shared,
    ns: &str,
    cluster_id: &str,
    deleting: bool,
) -> Result<Action, ReconcileError> {
    let client = &shared.ctx.client;
    if peers::identity_exists(client, ns, cluster_id)
        .await
        .api(format!(
            "look for the control-plane kubeconfig of cluster {cluster_id}"
        ))?
    {
        // Loaded as soon as its watch delivers it (which requeues every origin).
        return Err(ReconcileError::Waiting(format!(
            "the control-plane kubeconfig of cluster {cluster_id} is not loaded yet"
        )));
    }
    if deleting && has_finalizer(origin, FINALIZER) {
        release(
            origin,
            shared,
            &format!("no control-plane identity for cluster {cluster_id} left"),
        )
        .await?;
    }
    Ok(Action::await_change())
}

/// Step 3: the replica exists with the origin's spec; returns it as the provider has it.
async fn ensure_replica<K: Replicated>(
    origin: &K,
    remote: &Remote,
    local_id: &str,
) -> Result<K, ReconcileError> {
    let api: Api<K> = Api::namespaced(remote.client.clone(), &remote.remote_ns);
    let name = origin.name_any();
    let what = |verb: &str| {
        format!(
            "{verb} {} {}/{name} in cluster {}",
            K::kind(&()),
            remote.remote_ns,
            remote.cluster_id
        )
    };
    let current = on(remote, what("read"), api.get_opt(&name)).await?;
    let params = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let Some(mut current) = current else {
        let replica = render::replica(origin, &remote.remote_ns, local_id)?;
        return on(remote, what("create"), api.create(&params, &replica)).await;
    };
    if !is_replica_of(&current, local_id) {
        return Err(ReconcileError::Invalid(format!(
            "{} {}/{name} in cluster {} is not a replica made by this cluster: not overwriting it",
            K::kind(&()),
            remote.remote_ns,
            remote.cluster_id
        )));
    }
    let spec = part(origin, "spec");
    if part(&current, "spec") == spec {
        return Ok(current);
    }
    // A replace pinned to the resourceVersion read: the spec becomes exactly the origin's
    // (fields removed there go here too), and a concurrent change fails with 409 (retried).
    let mut body = serde_json::to_value(&current)
        .map_err(|e| ReconcileError::Invalid(format!("{}: {e}", describe(&current))))?;
    body["spec"] = spec;
    // managedFields sent back as read would be taken as given, and the spec change would not
    // be recorded as this manager's.
    if let Some(meta) = body["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    current = serde_json::from_value(body)
        .map_err(|e| ReconcileError::Invalid(format!("{}: {e}", describe(origin))))?;
    on(
        remote,
        what("update"),
        api.replace(&name, &params, &current),
    )
    .await
}

/// Whether `object` in a provider carries the labels of a replica made by `local_id`.
fn is_replica_of<K: Replicated>(object: &K, local_id: &str) -> bool {
    let labels = object.labels();
    labels.get(label::REPLICATED).map(String::as_str) == Some(label::TRUE)
        && labels.get(label::ORIGIN_ID).map(String::as_str) == Some(local_id)
}

/// Step 4: the origin is being deleted: delete the replica, and let the origin go once the
/// replica is gone, the provider is marked unreachable, or the identity may not reach it.
async fn delete_replica<K: Replicated>(
    origin: &K,
    shared: &Shared,
    remote: &Remote,
) -> Result<Action, ReconcileError> {
    if !has_finalizer(origin, FINALIZER) {
        return Ok(Action::await_change());
    }
    let fcs: Api<ForeignCluster> = Api::all(shared.ctx.client.clone());
    let fc = fcs
        .get_opt(&remote.cluster_id)
        .await
        .api(format!("read ForeignCluster {}", remote.cluster_id))?;
    if fc.as_ref().is_some_and(peers::is_unreachable) {
        let why = format!(
            "cluster {} is marked permanently unreachable",
            remote.cluster_id
        );
        release(origin, shared, &why).await?;
        return Ok(Action::await_change());
    }
    let api: Api<K> = Api::namespaced(remote.client.clone(), &remote.remote_ns);
    let name = origin.name_any();
    let local_id = &shared.ctx.cluster_id;
    let what = |verb: &str| {
        format!(
            "{verb} {} {}/{name} in cluster {}",
            K::kind(&()),
            remote.remote_ns,
            remote.cluster_id
        )
    };
    let replica = match on(remote, what("read"), api.get_opt(&name)).await {
        Err(e) if e.status_code() == Some(403) => return forbidden(origin, shared, remote).await,
        other => other?,
    };
    match replica {
        // Gone, or never ours (someone else's object of that name is left alone).
        None => {}
        Some(r) if !is_replica_of(&r, local_id) => {}
        Some(r) if r.meta().deletion_timestamp.is_some() => {
            // Its own finalizers first (the provider's NamespaceMap controller); the remote
            // watch requeues the origin when it is gone.
            return Ok(Action::await_change());
        }
        Some(r) => {
            // Foreground: the replica stays until what the provider hung on it (the Quota) is
            // gone, so the origin's finalizer, released after the replica, covers it too.
            let params = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: r.uid(),
                    resource_version: None,
                }),
                propagation_policy: Some(PropagationPolicy::Foreground),
                ..Default::default()
            };
            match on(remote, what("delete"), api.delete(&name, &params)).await {
                Ok(either) if either.is_left() => {
                    // Deletion started but not finished (finalizers): wait for its watch event.
                    return Ok(Action::await_change());
                }
                Ok(_) => {}
                Err(e) if e.status_code() == Some(404) => {}
                Err(e) if e.status_code() == Some(403) => {
                    return forbidden(origin, shared, remote).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    remove_finalizer(&shared.ctx.client, origin, FINALIZER).await?;
    Ok(Action::await_change())
}

async fn forbidden<K: Replicated>(
    origin: &K,
    shared: &Shared,
    remote: &Remote,
) -> Result<Action, ReconcileError> {
    let why = format!(
        "the control-plane identity may not access namespace {} of cluster {} any more",
        remote.remote_ns, remote.cluster_id
    );
    release(origin, shared, &why).await?;
    Ok(Action::await_change())
}

/// Removes the finalizer without deleting a replica, saying why (the replica, if any, stays
/// in the provider).
async fn release<K: Replicated>(
    origin: &K,
    shared: &Shared,
    why: &str,
) -> Result<(), ReconcileError> {
    remove_finalizer(&shared.ctx.client, origin, FINALIZER).await?;
    shared
        .ctx
        .event(
            origin,
            kube::runtime::events::EventType::Warning,
            "ReplicaAbandoned",
            format!("{why}: released without deleting the replica"),
        )
        .await;
    Ok(())
}

/// A request to the provider, bounded by [`REMOTE_TIMEOUT`].
async fn on<T>(
    remote: &Remote,
    what: String,
    request: impl Future<Output = Result<T, kube::Error>>,
) -> Result<T, ReconcileError> {
    match tokio::time::timeout(REMOTE_TIMEOUT, request).await {
        Ok(result) => result.api(what),
        Err(_) => Err(ReconcileError::Other(anyhow::anyhow!(
            "failed to {what}: cluster {} did not answer within {}s",
            remote.cluster_id,
            REMOTE_TIMEOUT.as_secs()
        ))),
    }
}
