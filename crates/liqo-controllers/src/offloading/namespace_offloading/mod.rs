//! NamespaceOffloading controller (consumer, spec offloading.md §2.4, §7 steps 2–3, §9): the
//! namespace gets `liqo.io/scheduling-enabled=true` unless its pods stay local, every
//! NamespaceMap of a selected provider gets `desiredMapping[<ns>]=<remote name>` (and loses it
//! otherwise), and the status says how far each provider got. Deleting the NamespaceOffloading
//! removes the entries and waits, behind `namespaceoffloading-controller.liqo.io/finalizer`,
//! until no provider reports the namespace any more.
//!
//! Each namespace writes its desiredMapping entry by server-side apply under a field manager
//! of its own (`liqo.io/namespaceoffloading/<ns>`): the map is granular in the CRD, so each
//! manager owns only its key and the controllers of different namespaces never remove each
//! other's entries.

pub mod selection;
pub mod status;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Node};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{field_manager, finalizer, label};
use liqo_api::offloading::{NamespaceMap, NamespaceOffloading, OffloadingPhase, VirtualNode};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;
use selection::remote_namespace_name;

/// Controller name (metrics, logs).
pub const NAME: &str = "namespaceoffloading";
/// Field manager of the status and of the namespace label.
const MANAGER: &str = field_manager::NAMESPACE_OFFLOADING;
/// The only name a NamespaceOffloading may have (§1 #16; the webhook enforces it too).
pub const OBJECT_NAME: &str = "offloading";
/// A safety net: every input is watched.
const RESYNC: Duration = Duration::from_secs(300);

/// The field manager of `ns`'s desiredMapping entry.
pub fn entry_manager(ns: &str) -> String {
    format!("{MANAGER}/{ns}")
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let controller = Controller::new(
        Api::<NamespaceOffloading>::all(client.clone()),
        watcher::Config::default(),
    );
    // Any virtual node, Node or map may change what any namespace selects.
    let store = controller.store();
    let (by_vn, by_node, by_map) = (store.clone(), store.clone(), store);
    let virtual_nodes = format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE);
    let controller = controller
        .watches(
            Api::<VirtualNode>::all(client.clone()),
            watcher::Config::default(),
            move |_| every(&by_vn),
        )
        .watches(
            Api::<Node>::all(client.clone()),
            watcher::Config::default().labels(&virtual_nodes),
            move |_| every(&by_node),
        )
        .watches(
            Api::<NamespaceMap>::all(client),
            watcher::Config::default().labels(&consumer_maps()),
            move |_| every(&by_map),
        );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn every(store: &Store<NamespaceOffloading>) -> Vec<ObjectRef<NamespaceOffloading>> {
    store
        .state()
        .iter()
        .map(|o| ObjectRef::from_obj(&**o))
        .collect()
}

/// The consumer's own NamespaceMaps (not replicas received as a provider).
fn consumer_maps() -> String {
    format!(
        "{},{}={}",
        label::REMOTE_CLUSTER_ID,
        label::REPLICATION,
        label::TRUE
    )
}

fn error_policy(
    nso: Arc<NamespaceOffloading>,
    error: &ReconcileError,
    ctx: Arc<Context>,
) -> Action {
    ctx.retry(NAME, &*nso, error)
}

#[instrument(skip_all, fields(ns = nso.namespace()))]
async fn reconcile(
    nso: Arc<NamespaceOffloading>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    if nso.name_any() != OBJECT_NAME {
        tracing::debug!(name = %nso.name_any(), "ignored: not named {OBJECT_NAME}");
        return Ok(Action::await_change());
    }
    if nso.meta().deletion_timestamp.is_some() {
        return teardown(&ctx, &nso).await;
    }
    ensure(&ctx, &nso).await
}

/// §7 steps 2–3.
async fn ensure(ctx: &Context, nso: &NamespaceOffloading) -> Result<Action, ReconcileError> {
    let ns = nso.namespace().unwrap_or_default();
    // 1. The finalizer before any write outside this object.
    reconcile::add_finalizer(&ctx.client, nso, finalizer::NAMESPACE_OFFLOADING).await?;
    // 2. The pod webhook acts on labelled namespaces only.
    ensure_scheduling_label(ctx, &ns, selection::scheduling_enabled(&nso.spec)).await?;
    // 3. The entries of the selected providers, and none in the others.
    let remote_name = remote_namespace_name(&ns, &ctx.cluster_id, &nso.spec);
    let selected = observe_selected(ctx, nso).await?;
    let mut maps = Vec::new();
    for map in list_maps(ctx).await? {
        let wanted = status::map_cluster(&map)
            .filter(|c| selected.contains(*c))
            .map(|_| remote_name.as_str());
        maps.push(set_entry(ctx, map, &ns, wanted).await?);
    }
    // 4. Status.
    let observed = status::Observed {
        ns: &ns,
        remote_name,
        terminating: false,
        generation: nso.metadata.generation,
        selected: &selected,
        maps: &maps,
        previous: nso.status.as_ref(),
        now: Time(Timestamp::now()),
    };
    write_status(ctx, nso, status::status(&observed)).await?;
    Ok(Action::requeue(RESYNC))
}

/// §9: label and entries removed; the finalizer goes once no provider reports the namespace.
async fn teardown(ctx: &Context, nso: &NamespaceOffloading) -> Result<Action, ReconcileError> {
    if !reconcile::has_finalizer(nso, finalizer::NAMESPACE_OFFLOADING) {
        return Ok(Action::await_change());
    }
    let ns = nso.namespace().unwrap_or_default();
    ensure_scheduling_label(ctx, &ns, false).await?;
    let mut maps = Vec::new();
    for map in list_maps(ctx).await? {
        maps.push(set_entry(ctx, map, &ns, None).await?);
    }
    let selected = Default::default();
    let observed = status::Observed {
        ns: &ns,
        remote_name: remote_namespace_name(&ns, &ctx.cluster_id, &nso.spec),
        terminating: true,
        generation: nso.metadata.generation,
        selected: &selected,
        maps: &maps,
        previous: nso.status.as_ref(),
        now: Time(Timestamp::now()),
    };
    if !status::released(&maps, &ns) {
        write_status(ctx, nso, status::status(&observed)).await?;
        // The providers' status updates of the maps (watched) move this on.
        return Ok(Action::requeue(RESYNC));
    }
    // No status write first: the finalizer patch is pinned to the resourceVersion read.
    reconcile::remove_finalizer(&ctx.client, nso, finalizer::NAMESPACE_OFFLOADING).await?;
    tracing::info!(ns, "offloading removed");
    Ok(Action::await_change())
}

/// Sets or removes `liqo.io/scheduling-enabled=true` on `ns`. A merge patch, not an apply:
/// it never re-creates a namespace that is gone, and it also removes a label someone else set.
async fn ensure_scheduling_label(
    ctx: &Context,
    ns: &str,
    enabled: bool,
) -> Result<(), ReconcileError> {
    let api: Api<Namespace> = Api::all(ctx.client.clone());
    let Some(current) = api.get_opt(ns).await.api(format!("read namespace {ns}"))? else {
        return Ok(());
    };
    let has = current
        .labels()
        .get(label::SCHEDULING_ENABLED)
        .map(String::as_str)
        == Some(label::TRUE);
    if has == enabled {
        return Ok(());
    }
    let value = enabled.then_some(label::TRUE);
    let patch = json!({"metadata": {"labels": {label::SCHEDULING_ENABLED: value}}});
    let params = PatchParams {
        field_manager: Some(MANAGER.to_owned()),
        ..PatchParams::default()
    };
    match api.patch(ns, &params, &Patch::Merge(&patch)).await {
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        other => other.map(drop).api(format!("label namespace {ns}")),
    }
}

/// The providers with at least one virtual node the cluster selector picks.
async fn observe_selected(
    ctx: &Context,
    nso: &NamespaceOffloading,
) -> Result<std::collections::BTreeSet<String>, ReconcileError> {
    let vns = Api::<VirtualNode>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await
        .api("list the VirtualNodes")?;
    let virtual_nodes = format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE);
    let nodes: BTreeMap<String, BTreeMap<String, String>> = Api::<Node>::all(ctx.client.clone())
        .list_metadata(&ListParams::default().labels(&virtual_nodes))
        .await
        .api("list the virtual Nodes")?
        .items
        .into_iter()
        .map(|n| (n.name_any(), n.metadata.labels.unwrap_or_default()))
        .collect();
    Ok(selection::selected_clusters(
        &nso.spec,
        vns.items.iter().map(|vn| (vn, nodes.get(&vn.name_any()))),
    ))
}

async fn list_maps(ctx: &Context) -> Result<Vec<NamespaceMap>, ReconcileError> {
    let maps = Api::<NamespaceMap>::all(ctx.client.clone())
        .list(&ListParams::default().labels(&consumer_maps()))
        .await
        .api("list the NamespaceMaps")?;
    Ok(maps.items)
}

/// Makes `map.spec.desiredMapping[ns]` be `wanted` (absent for `None`); returns the map as
/// the API server has it afterwards.
async fn set_entry(
    ctx: &Context,
    map: NamespaceMap,
    ns: &str,
    wanted: Option<&str>,
) -> Result<NamespaceMap, ReconcileError> {
    let have = map
        .spec
        .desired_mapping
        .as_ref()
        .and_then(|m| m.get(ns))
        .map(String::as_str);
    if have == wanted {
        return Ok(map);
    }
    let api: Api<NamespaceMap> =
        Api::namespaced(ctx.client.clone(), &map.namespace().unwrap_or_default());
    let name = map.name_any();
    let what = format!(
        "set the entry of {ns} in NamespaceMap {}/{name}",
        map.namespace().unwrap_or_default()
    );
    // The resourceVersion makes the write fail (409, retried) rather than re-create a map
    // deleted since it was listed.
    let rv = map.resource_version();
    let Some(remote) = wanted else {
        // Removal by merge patch: an apply that releases the last field of `spec` leaves
        // `spec: null`, which the CRD refuses; and the entry goes whoever else owns it, since
        // only this namespace's offloading decides about it.
        let patch = json!({
            "metadata": {"resourceVersion": rv},
            "spec": {"desiredMapping": {ns: null}},
        });
        return api
            .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .api(what);
    };
    let body = json!({
        "apiVersion": NamespaceMap::api_version(&()),
        "kind": NamespaceMap::kind(&()),
        "metadata": {"name": name, "namespace": map.namespace(), "resourceVersion": rv},
        "spec": {"desiredMapping": {ns: remote}},
    });
    let params = PatchParams::apply(&entry_manager(ns)).force();
    api.patch(&name, &params, &Patch::Apply(&body))
        .await
        .api(&what)
}

/// Writes the status when it changed, with an Event when the phase did.
async fn write_status(
    ctx: &Context,
    nso: &NamespaceOffloading,
    status: liqo_api::offloading::NamespaceOffloadingStatus,
) -> Result<(), ReconcileError> {
    let before = nso.status.as_ref().and_then(|s| s.offloading_phase.clone());
    let after = status.offloading_phase.clone();
    match reconcile::apply_status(&ctx.client, nso, &status, MANAGER).await {
        Err(e) if e.status_code() == Some(404) => return Ok(()),
        other => other?,
    };
    if before != after
        && let Some(phase) = after
    {
        let kind = match phase {
            OffloadingPhase::SomeFailed | OffloadingPhase::AllFailed => EventType::Warning,
            _ => EventType::Normal,
        };
        let note = format!("offloading phase {}", phase_text(&phase));
        ctx.event(nso, kind, "OffloadingPhaseChanged", note).await;
    }
    Ok(())
}

fn phase_text(phase: &OffloadingPhase) -> String {
    serde_json::to_value(phase)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_namespace_has_its_own_entry_manager() {
        assert_eq!(entry_manager("demo"), "liqo.io/namespaceoffloading/demo");
        assert_ne!(entry_manager("a"), entry_manager("b"));
        // The API server refuses managers over 128 characters; namespaces have at most 63.
        assert!(entry_manager(&"n".repeat(63)).len() <= 128);
    }
}
