//! Consumer: the local ResourceSlice controller (offloading.md §4.1). Completes a slice the
//! user (or `liqoctl peer`) created: both cluster IDs, and once the CSR of the slice's
//! identity, made with the cluster key. The CRD replicator then carries it to the provider.

use std::sync::Arc;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::authentication::{ResourceSlice, ResourceSliceSpec};
use liqo_api::consts::{field_manager, label};
use liqo_kube::auth::resource_slice::render_csr;
use liqo_kube::reconcile::{ReconcileError, ResultExt, apply};
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::RESOURCE_SLICE_LOCAL;
const CONTROLLER: &str = "resourceslice-local";

/// The selector of local slices (origins, not replicas).
fn local_selector() -> String {
    format!(
        "{}={},{}",
        label::REPLICATION,
        label::TRUE,
        label::REMOTE_ID
    )
}

/// The `(creationTimestamp, namespace)` order: the first slice of a name keeps it.
fn age_key(slice: &ResourceSlice) -> (Option<i64>, String) {
    let created = slice
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.as_second());
    (created, slice.namespace().unwrap_or_default())
}

/// The older local slice (another namespace) already using `slice`'s name, if any.
pub fn older_namesake<'a>(
    slice: &ResourceSlice,
    same_name: &'a [ResourceSlice],
) -> Option<&'a ResourceSlice> {
    let mine = age_key(slice);
    same_name
        .iter()
        .filter(|other| other.namespace() != slice.namespace())
        .filter(|other| age_key(other) < mine)
        .min_by_key(|other| age_key(other))
}

#[instrument(skip_all, fields(name = %slice.name_any(), ns = slice.namespace()))]
async fn reconcile(slice: Arc<ResourceSlice>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    if slice.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let spec = &slice.spec;
    let mut fill = ResourceSliceSpec::default();
    // Step 1.
    let consumer = match spec.consumer_cluster_id.clone().filter(|c| !c.is_empty()) {
        Some(c) => c,
        None => {
            fill.consumer_cluster_id = Some(ctx.cluster_id.clone());
            ctx.cluster_id.clone()
        }
    };
    // Step 2.
    if spec
        .provider_cluster_id
        .as_deref()
        .is_none_or(str::is_empty)
    {
        fill.provider_cluster_id = Some(provider_id(&ctx, &slice).await?);
    }
    // Step 3: the CSR is made once; a new one only when the spec is replaced without it.
    if spec.csr.as_ref().is_none_or(|c| c.0.is_empty()) && !name_clash(&ctx, &slice).await? {
        let key = match ctx.private_key().await {
            Ok(key) => key,
            Err(e) => {
                ctx.warn_error(&*slice, "FailedGetLocalClusterKeys", &e)
                    .await;
                return Err(ReconcileError::Other(e.into()));
            }
        };
        let csr = render_csr(&slice.name_any(), &consumer, &key)
            .map_err(|e| ReconcileError::Invalid(format!("cannot make the CSR: {e}")))?;
        fill.csr = Some(ByteString(csr.into_bytes()));
    }
    if fill == ResourceSliceSpec::default() {
        return Ok(Action::await_change());
    }
    // Step 4: only the filled fields, so that this controller owns exactly those.
    let mut desired = ResourceSlice::new(&slice.name_any(), fill);
    desired.metadata.namespace = slice.namespace();
    apply(&ctx.client, &desired, FIELD_MANAGER).await?;
    ctx.event(
        &*slice,
        EventType::Normal,
        "Reconciled",
        "ResourceSlice reconciled".into(),
    )
    .await;
    Ok(Action::await_change())
}

/// The provider of a slice: its `liqo.io/remote-cluster-id` label, else its namespace's.
async fn provider_id(ctx: &Context, slice: &ResourceSlice) -> Result<String, ReconcileError> {
    if let Some(id) = slice
        .labels()
        .get(label::REMOTE_CLUSTER_ID)
        .filter(|i| !i.is_empty())
    {
        return Ok(id.clone());
    }
    let ns = slice.namespace().unwrap_or_default();
    let namespace = match Api::<Namespace>::all(ctx.client.clone()).get(&ns).await {
        Ok(n) => n,
        Err(e) => {
            let error = ReconcileError::api(format!("read Namespace {ns}"), e);
            ctx.warn_error(slice, "FailedGetNamespace", &error).await;
            return Err(error);
        }
    };
    match namespace
        .labels()
        .get(label::REMOTE_CLUSTER_ID)
        .filter(|i| !i.is_empty())
    {
        Some(id) => Ok(id.clone()),
        None => {
            let why = format!(
                "neither the ResourceSlice nor its namespace {ns} has label {}: cannot tell the provider",
                label::REMOTE_CLUSTER_ID
            );
            ctx.event(slice, EventType::Warning, "FailedGetClusterID", why.clone())
                .await;
            Err(ReconcileError::Invalid(why))
        }
    }
}

/// Whether an older local slice in another namespace has this slice's name (Warning Event
/// `NameClash`). Slice names are cluster-unique (offloading.md §4.7): the VirtualNode, its
/// Node and the provider-side Quota/identity CN derive from the name alone. Upstream enforces
/// it with an admission webhook; this project has none, so the younger slice is simply never
/// given a CSR (it cannot authenticate, so nothing is created for it) until the older one
/// goes or it is renamed.
async fn name_clash(ctx: &Context, slice: &ResourceSlice) -> Result<bool, ReconcileError> {
    let name = slice.name_any();
    let params = ListParams::default()
        .labels(&local_selector())
        .fields(&format!("metadata.name={name}"));
    let same_name = Api::<ResourceSlice>::all(ctx.client.clone())
        .list(&params)
        .await
        .api(format!("list the ResourceSlices named {name}"))?;
    let Some(older) = older_namesake(slice, &same_name.items) else {
        return Ok(false);
    };
    let note = format!(
        "ResourceSlice {}/{name} is older and has the same name: slice names must be unique in the cluster; no CSR is made for this one",
        older.namespace().unwrap_or_default()
    );
    ctx.event(slice, EventType::Warning, "NameClash", note)
        .await;
    Ok(true)
}

fn error_policy(slice: Arc<ResourceSlice>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(CONTROLLER, &*slice, error)
}

/// Every local slice named like `slice` (a clash ends when one of them goes).
fn namesakes(store: &Store<ResourceSlice>, slice: &ResourceSlice) -> Vec<ObjectRef<ResourceSlice>> {
    store
        .state()
        .iter()
        .filter(|s| s.name_any() == slice.name_any() && s.namespace() != slice.namespace())
        .map(|s| ObjectRef::from_obj(&**s))
        .collect()
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let slices: Api<ResourceSlice> = Api::all(ctx.client.clone());
    let config = watcher::Config::default().labels(&local_selector());
    let controller = Controller::new(slices.clone(), config.clone());
    let store = controller.store();
    let controller = controller.watches(slices, config, move |slice| namesakes(&store, &slice));
    ctx.drive(
        CONTROLLER,
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use k8s_openapi::jiff::Timestamp;

    use super::*;

    fn slice(ns: &str, created: i64) -> ResourceSlice {
        let mut s = ResourceSlice::new("damp-feather", Default::default());
        s.metadata.namespace = Some(ns.into());
        s.metadata.creation_timestamp = Some(Time(Timestamp::from_second(created).unwrap()));
        s
    }

    #[test]
    fn the_oldest_slice_of_a_name_keeps_it() {
        let (a, b, c) = (slice("a", 10), slice("b", 20), slice("c", 5));
        let all = [a.clone(), b.clone(), c.clone()];
        assert_eq!(older_namesake(&c, &all), None);
        assert_eq!(
            older_namesake(&a, &all).and_then(|s| s.namespace()),
            Some("c".into())
        );
        assert_eq!(
            older_namesake(&b, &all).and_then(|s| s.namespace()),
            Some("c".into())
        );
    }

    #[test]
    fn same_second_slices_are_ordered_by_namespace() {
        let (a, b) = (slice("a", 10), slice("b", 10));
        let all = [a.clone(), b.clone()];
        assert_eq!(older_namesake(&a, &all), None);
        assert_eq!(
            older_namesake(&b, &all).and_then(|s| s.namespace()),
            Some("a".into())
        );
        // Alone (or only itself listed), no clash.
        assert_eq!(older_namesake(&a, std::slice::from_ref(&a)), None);
    }
}
