//! NamespaceMap controller of the provider (spec offloading.md §7 step 4, §9): a consumer's
//! NamespaceMap replica in a tenant namespace gets one twin namespace per desired entry,
//! annotated as managed by the map, with a RoleBinding that lets the consumer's virtual kubelet
//! work there. A namespace that already exists and is not the map's is left alone and its entry
//! is `CreationLoopBackOff`. Entries no longer desired (all of them once the map is deleting)
//! have their namespace deleted; the finalizer goes when none is left.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use kube::api::{DeleteParams, ObjectMeta};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{annotation, field_manager, finalizer, label, name};
use liqo_api::offloading::{MappingPhase, NamespaceMap, NamespaceMapStatus, RemoteNamespaceStatus};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "namespacemap";
const RESYNC: Duration = Duration::from_secs(300);

/// Who owns an existing namespace, as far as one map is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    Absent,
    Ours,
    Foreign,
}

/// `<namespace>/<name>` of the map, the value of the managed-by annotation.
pub fn map_key(map: &NamespaceMap) -> String {
    format!("{}/{}", map.namespace().unwrap_or_default(), map.name_any())
}

/// Whether `ns` is absent, the map's (annotated with `key`) or someone else's.
pub fn ownership(ns: Option<&Namespace>, key: &str) -> Ownership {
    match ns {
        None => Ownership::Absent,
        Some(ns)
            if ns
                .annotations()
                .get(annotation::MANAGED_BY_NAMESPACE_MAP)
                .map(String::as_str)
                == Some(key) =>
        {
            Ownership::Ours
        }
        Some(_) => Ownership::Foreign,
    }
}

/// What to do with the entries: those to create (local → remote) and those to remove.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub ensure: BTreeMap<String, String>,
    pub remove: BTreeMap<String, String>,
}

/// Desired entries are ensured unless the map is deleting; current entries that are not desired
/// (or whose remote name changed) are removed.
pub fn plan(
    desired: &BTreeMap<String, String>,
    current: &BTreeMap<String, RemoteNamespaceStatus>,
    deleting: bool,
) -> Plan {
    let ensure = if deleting {
        BTreeMap::new()
    } else {
        desired.clone()
    };
    let remove = current
        .iter()
        .filter_map(|(local, st)| {
            let remote = st.remote_namespace.clone().unwrap_or_else(|| local.clone());
            (ensure.get(local) != Some(&remote)).then(|| (local.clone(), remote))
        })
        .collect();
    Plan { ensure, remove }
}

/// The twin namespace for `local` → `remote`.
pub fn twin_namespace(key: &str, local: &str, remote: &str, cluster: &str) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(remote.to_owned()),
            labels: Some(BTreeMap::from([(
                label::REMOTE_CLUSTER_ID.to_owned(),
                cluster.to_owned(),
            )])),
            annotations: Some(BTreeMap::from([
                (
                    annotation::MANAGED_BY_NAMESPACE_MAP.to_owned(),
                    key.to_owned(),
                ),
                (annotation::ORIGINAL_NAME.to_owned(), local.to_owned()),
            ])),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// The RoleBinding `<tenant ns>` in `remote` granting the consumer's group the VK's role.
pub fn role_binding(key: &str, tenant: &str, remote: &str, cluster: &str) -> RoleBinding {
    RoleBinding {
        metadata: ObjectMeta {
            name: Some(tenant.to_owned()),
            namespace: Some(remote.to_owned()),
            labels: Some(BTreeMap::from([
                (
                    label::APP_MANAGED_BY.to_owned(),
                    label::MANAGED_BY_LIQO.to_owned(),
                ),
                (label::REMOTE_CLUSTER_ID.to_owned(), cluster.to_owned()),
            ])),
            annotations: Some(BTreeMap::from([(
                annotation::MANAGED_BY_NAMESPACE_MAP.to_owned(),
                key.to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".to_owned()),
            kind: "ClusterRole".to_owned(),
            name: name::VIRTUAL_KUBELET_REMOTE_CLUSTER_ROLE.to_owned(),
        },
        subjects: Some(vec![Subject {
            api_group: Some("rbac.authorization.k8s.io".to_owned()),
            kind: "Group".to_owned(),
            name: cluster.to_owned(),
            namespace: None,
        }]),
    }
}

fn entry(remote: &str, phase: MappingPhase) -> RemoteNamespaceStatus {
    RemoteNamespaceStatus {
        remote_namespace: Some(remote.to_owned()),
        phase: Some(phase),
    }
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let replicas = watcher::Config::default().labels(&format!("{}=true", label::REPLICATED));
    let controller = Controller::new(Api::<NamespaceMap>::all(client.clone()), replicas)
        // A twin namespace going away (seconds after its delete) re-reconciles its map.
        .watches(
            Api::<Namespace>::all(client),
            watcher::Config::default(),
            |ns| {
                let key = ns.annotations().get(annotation::MANAGED_BY_NAMESPACE_MAP)?;
                let (nm_ns, nm_name) = key.split_once('/')?;
                Some(ObjectRef::new(nm_name).within(nm_ns))
            },
        );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(map: Arc<NamespaceMap>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(NAME, &*map, error)
}

#[instrument(skip_all, fields(name = %map.name_any(), ns = map.namespace()))]
async fn reconcile(map: Arc<NamespaceMap>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    ensure(&ctx, &map).await
}

async fn ensure(ctx: &Context, map: &NamespaceMap) -> Result<Action, ReconcileError> {
    // 1. Only replicas, which carry the consumer's cluster ID.
    if map.labels().get(label::REPLICATED).map(String::as_str) != Some("true") {
        return Ok(Action::await_change());
    }
    let Some(cluster) = map.labels().get(label::ORIGIN_ID).cloned() else {
        return Err(ReconcileError::Invalid(format!(
            "NamespaceMap {} has no label {}",
            map_key(map),
            label::ORIGIN_ID
        )));
    };
    let deleting = map.meta().deletion_timestamp.is_some();
    if !deleting {
        reconcile::add_finalizer(&ctx.client, map, finalizer::NAMESPACE_MAP).await?;
    }
    // 2. Plan against the current status.
    let key = map_key(map);
    let tenant = map.namespace().unwrap_or_default();
    let current = map
        .status
        .as_ref()
        .and_then(|s| s.current_mapping.clone())
        .unwrap_or_default();
    let desired = map.spec.desired_mapping.clone().unwrap_or_default();
    let plan = plan(&desired, &current, deleting);
    let mut status = current.clone();
    // 3. Removals: delete what is ours, Terminating until gone, then drop the entry.
    for (local, remote) in &plan.remove {
        let gone = remove_twin(ctx, &key, remote).await?;
        if gone {
            status.remove(local);
        } else {
            status.insert(local.clone(), entry(remote, MappingPhase::Terminating));
        }
    }
    // 4. Creations.
    for (local, remote) in &plan.ensure {
        let phase = ensure_twin(ctx, map, &key, &tenant, local, remote, &cluster).await?;
        status.insert(local.clone(), entry(remote, phase));
    }
    // 5. Status, then the finalizer once nothing is left.
    let new_status = NamespaceMapStatus {
        current_mapping: Some(status.clone()),
    };
    reconcile::apply_status(&ctx.client, map, &new_status, field_manager::NAMESPACE_MAP).await?;
    if deleting && status.is_empty() {
        reconcile::remove_finalizer(&ctx.client, map, finalizer::NAMESPACE_MAP).await?;
        return Ok(Action::await_change());
    }
    Ok(Action::requeue(RESYNC))
}

/// Deletes the twin `remote` if it is the map's; true once no namespace of the map is left.
async fn remove_twin(ctx: &Context, key: &str, remote: &str) -> Result<bool, ReconcileError> {
    let namespaces: Api<Namespace> = Api::all(ctx.client.clone());
    let existing = namespaces
        .get_opt(remote)
        .await
        .api(format!("read namespace {remote}"))?;
    if ownership(existing.as_ref(), key) != Ownership::Ours {
        return Ok(true);
    }
    if existing
        .as_ref()
        .is_some_and(|n| n.metadata.deletion_timestamp.is_none())
    {
        match namespaces.delete(remote, &DeleteParams::default()).await {
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(true),
            other => {
                other.api(format!("delete namespace {remote}"))?;
            }
        }
    }
    Ok(false)
}

/// Creates the twin and its RoleBinding, or reports a foreign namespace in the way.
async fn ensure_twin(
    ctx: &Context,
    map: &NamespaceMap,
    key: &str,
    tenant: &str,
    local: &str,
    remote: &str,
    cluster: &str,
) -> Result<MappingPhase, ReconcileError> {
    let namespaces: Api<Namespace> = Api::all(ctx.client.clone());
    let existing = namespaces
        .get_opt(remote)
        .await
        .api(format!("read namespace {remote}"))?;
    if ownership(existing.as_ref(), key) == Ownership::Foreign {
        let note = format!("namespace {remote} exists and is not managed by NamespaceMap {key}");
        tracing::warn!("{note}");
        ctx.event(map, EventType::Warning, "NamespaceConflict", note)
            .await;
        return Ok(MappingPhase::CreationLoopBackOff);
    }
    let fm = field_manager::NAMESPACE_MAP;
    reconcile::apply(
        &ctx.client,
        &twin_namespace(key, local, remote, cluster),
        fm,
    )
    .await?;
    reconcile::apply(&ctx.client, &role_binding(key, tenant, remote, cluster), fm).await?;
    Ok(MappingPhase::Accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(remote: &str, phase: MappingPhase) -> RemoteNamespaceStatus {
        entry(remote, phase)
    }

    #[test]
    fn plan_ensures_desired_and_removes_the_rest() {
        let desired = BTreeMap::from([("a".to_owned(), "a-c".to_owned())]);
        let current = BTreeMap::from([
            ("a".to_owned(), st("a-c", MappingPhase::Accepted)),
            ("b".to_owned(), st("b-c", MappingPhase::Accepted)),
        ]);
        let p = plan(&desired, &current, false);
        assert_eq!(p.ensure, desired);
        assert_eq!(
            p.remove,
            BTreeMap::from([("b".to_owned(), "b-c".to_owned())])
        );
    }

    #[test]
    fn plan_removes_everything_when_deleting() {
        let desired = BTreeMap::from([("a".to_owned(), "a-c".to_owned())]);
        let current = BTreeMap::from([("a".to_owned(), st("a-c", MappingPhase::Accepted))]);
        let p = plan(&desired, &current, true);
        assert!(p.ensure.is_empty());
        assert_eq!(
            p.remove,
            BTreeMap::from([("a".to_owned(), "a-c".to_owned())])
        );
    }

    #[test]
    fn plan_removes_an_entry_whose_remote_name_changed() {
        let desired = BTreeMap::from([("a".to_owned(), "a-new".to_owned())]);
        let current = BTreeMap::from([("a".to_owned(), st("a-old", MappingPhase::Accepted))]);
        let p = plan(&desired, &current, false);
        assert_eq!(
            p.remove,
            BTreeMap::from([("a".to_owned(), "a-old".to_owned())])
        );
    }

    #[test]
    fn ownership_reads_the_annotation() {
        let ours = twin_namespace("t/m", "a", "a-c", "c");
        assert_eq!(ownership(Some(&ours), "t/m"), Ownership::Ours);
        assert_eq!(ownership(Some(&ours), "t/other"), Ownership::Foreign);
        assert_eq!(
            ownership(Some(&Namespace::default()), "t/m"),
            Ownership::Foreign
        );
        assert_eq!(ownership(None, "t/m"), Ownership::Absent);
    }

    #[test]
    fn role_binding_grants_the_consumer_group_the_vk_role() {
        let rb = role_binding("t/m", "t", "a-c", "c");
        assert_eq!(rb.metadata.name.as_deref(), Some("t"));
        assert_eq!(rb.metadata.namespace.as_deref(), Some("a-c"));
        assert_eq!(rb.role_ref.name, name::VIRTUAL_KUBELET_REMOTE_CLUSTER_ROLE);
        let s = &rb.subjects.unwrap()[0];
        assert_eq!((s.kind.as_str(), s.name.as_str()), ("Group", "c"));
    }
}
