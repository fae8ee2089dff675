//! Provider ShadowPod controller (spec offloading.md §7 step 9): each ShadowPod gets the Pod of
//! the same name, with its labels (plus `liqo.io/managed-by=shadowpod`), annotations and spec,
//! controlled by the ShadowPod so the garbage collector removes the Pod with it. The Pod's
//! phase is mirrored into the ShadowPod's status. A Pod deleted by someone else comes back,
//! unless the ShadowPod already ended (`Succeeded`/`Failed`): a completed pod is never re-run
//! (liqo#1804).

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::{ShadowPod, ShadowPodPhase};
use liqo_kube::reconcile::{ReconcileError, ResultExt};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "shadowpod";
const FIELD_MANAGER: &str = "shadowpod-controller";
const RESYNC: Duration = Duration::from_secs(300);
/// Reason of the Warning on a ShadowPod whose name is taken by a Pod it does not own.
pub const POD_NAME_TAKEN: &str = "PodNameTaken";
/// Retry of a ShadowPod whose name is taken by a Pod it does not own.
const FOREIGN_POD_RETRY: Duration = Duration::from_secs(30);

/// The Pod `shadow` asks for: same name and namespace, its labels plus
/// `liqo.io/managed-by=shadowpod`, its annotations and spec, controlled by the ShadowPod.
pub fn render_pod(shadow: &ShadowPod) -> Pod {
    let mut pod = Pod::default();
    pod.metadata.name = Some(shadow.name_any());
    pod.metadata.namespace = shadow.namespace();
    let mut labels = shadow.labels().clone();
    labels.insert(
        label::MANAGED_BY.to_owned(),
        label::MANAGED_BY_SHADOWPOD.to_owned(),
    );
    pod.metadata.labels = Some(labels);
    if !shadow.annotations().is_empty() {
        pod.metadata.annotations = Some(shadow.annotations().clone());
    }
    pod.metadata.owner_references = shadow.controller_owner_ref(&()).map(|o| vec![o]);
    pod.spec = shadow.spec.pod.clone();
    pod
}

/// Whether `pod` is controlled by `shadow` (same UID), so this controller may manage it.
pub fn owned_by(pod: &Pod, shadow: &ShadowPod) -> bool {
    let Some(uid) = shadow.meta().uid.as_deref() else {
        return false;
    };
    pod.owner_references()
        .iter()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}

/// The ShadowPod's current phase (`Unknown` without a status).
fn phase(shadow: &ShadowPod) -> ShadowPodPhase {
    shadow.status.as_ref().map(|s| s.phase).unwrap_or_default()
}

/// Runs the controller until the stream ends. The Pods it owns come from one watch whose
/// store every reconcile reads: no read per reconcile (a ShadowPod is reconciled about seven
/// times on its way to Running).
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let (pods, writer) = reflector::store();
    let owned = watcher(
        Api::<Pod>::all(client.clone()),
        watcher::Config::default().labels(&format!(
            "{}={}",
            label::MANAGED_BY,
            label::MANAGED_BY_SHADOWPOD
        )),
    )
    .default_backoff()
    .reflect(writer)
    .touched_objects();
    let controller = Controller::new(Api::<ShadowPod>::all(client), watcher::Config::default())
        .owns_stream(owned);
    let reconcile = move |shadow: Arc<ShadowPod>, ctx: Arc<Context>| {
        let pods = pods.clone();
        async move { ensure(&ctx, &pods, &shadow).await }
    };
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(shadow: Arc<ShadowPod>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(NAME, &*shadow, error)
}

#[instrument(skip_all, fields(name = %shadow.name_any(), ns = shadow.namespace()))]
async fn ensure(
    ctx: &Context,
    pods: &Store<Pod>,
    shadow: &ShadowPod,
) -> Result<Action, ReconcileError> {
    // 1. Going away (GC takes the Pod) or ended for good: nothing to do, ever.
    if shadow.meta().deletion_timestamp.is_some() || phase(shadow).is_terminal() {
        return Ok(Action::await_change());
    }
    let ns = shadow.namespace().unwrap_or_default();
    let name = shadow.name_any();
    let cached = pods.get(&ObjectRef::new(&name).within(&ns));
    let pod = match cached {
        Some(pod) => pod,
        // 2. No Pod of ours seen (never created, deleted by someone, or not in the store
        //    yet): create it. Creating, not applying, never takes over a Pod of the same
        //    name that is not ours (the store holds only ours).
        None => match create(ctx, shadow).await? {
            Some(pod) => Arc::new(pod),
            None => return Ok(Action::requeue(RESYNC)),
        },
    };
    // 3. The name is taken by a Pod that is not ours: leave it be.
    if !owned_by(&pod, shadow) {
        let note = format!(
            "Pod {ns}/{name} exists and is not controlled by this ShadowPod: left untouched, \
             retried in {}s",
            FOREIGN_POD_RETRY.as_secs()
        );
        tracing::warn!(pod = %format!("{ns}/{name}"), "{note}");
        ctx.event(shadow, EventType::Warning, POD_NAME_TAKEN, note)
            .await;
        return Ok(Action::requeue(FOREIGN_POD_RETRY));
    }
    // 4. Ours: mirror its phase.
    let observed =
        ShadowPodPhase::from_pod_phase(pod.status.as_ref().and_then(|s| s.phase.as_deref()));
    mirror_phase(ctx, shadow, observed).await?;
    Ok(Action::requeue(RESYNC))
}

/// Creates the Pod of `shadow`: `None` when created, else the Pod that already has the name
/// (ours, newer than the store, or someone else's).
async fn create(ctx: &Context, shadow: &ShadowPod) -> Result<Option<Pod>, ReconcileError> {
    let ns = shadow.namespace().unwrap_or_default();
    let name = shadow.name_any();
    let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let params = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..PostParams::default()
    };
    match api.create(&params, &render_pod(shadow)).await {
        Ok(_) => {
            tracing::info!(pod = %format!("{ns}/{name}"), "Pod created");
            Ok(None)
        }
        Err(kube::Error::Api(status)) if status.code == 409 => api
            .get_opt(&name)
            .await
            .api(format!("read Pod {ns}/{name}")),
        Err(e) => Err(e).api(format!("create Pod {ns}/{name}")),
    }
}

/// Writes `observed` into the ShadowPod's status (merge patch) when it changed.
async fn mirror_phase(
    ctx: &Context,
    shadow: &ShadowPod,
    observed: ShadowPodPhase,
) -> Result<(), ReconcileError> {
    if shadow.status.as_ref().map(|s| s.phase) == Some(observed) {
        return Ok(());
    }
    let ns = shadow.namespace().unwrap_or_default();
    let name = shadow.name_any();
    Api::<ShadowPod>::namespaced(ctx.client.clone(), &ns)
        .patch_status(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": observed}})),
        )
        .await
        .api(format!("write the status of ShadowPod {ns}/{name}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::core::v1::{Container, PodSpec, PodStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
    use liqo_api::offloading::{ShadowPodSpec, ShadowPodStatus};

    use super::*;

    fn shadow() -> ShadowPod {
        let spec = PodSpec {
            containers: vec![Container {
                name: "c".into(),
                image: Some("img".into()),
                ..Container::default()
            }],
            restart_policy: Some("Never".into()),
            ..PodSpec::default()
        };
        let mut s = ShadowPod::new("web", ShadowPodSpec { pod: Some(spec) });
        s.metadata.namespace = Some("twin".into());
        s.metadata.uid = Some("uid-1".into());
        s.metadata.labels = Some(BTreeMap::from([("app".into(), "web".into())]));
        s.metadata.annotations = Some(BTreeMap::from([("a".into(), "b".into())]));
        s
    }

    #[test]
    fn pod_copies_name_labels_annotations_and_spec() {
        let s = shadow();
        let pod = render_pod(&s);
        assert_eq!(pod.metadata.name.as_deref(), Some("web"));
        assert_eq!(pod.metadata.namespace.as_deref(), Some("twin"));
        let labels = pod.metadata.labels.unwrap();
        assert_eq!(labels["app"], "web");
        assert_eq!(labels[label::MANAGED_BY], label::MANAGED_BY_SHADOWPOD);
        assert_eq!(pod.metadata.annotations.unwrap()["a"], "b");
        assert_eq!(pod.spec, s.spec.pod);
    }

    #[test]
    fn pod_is_controlled_by_the_shadow_pod() {
        let s = shadow();
        let pod = render_pod(&s);
        let owners = pod.metadata.owner_references.clone().unwrap();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].kind, "ShadowPod");
        assert_eq!(owners[0].api_version, "offloading.liqo.io/v1beta1");
        assert_eq!(owners[0].name, "web");
        assert_eq!(owners[0].uid, "uid-1");
        assert_eq!(owners[0].controller, Some(true));
        assert!(owned_by(&pod, &s));
    }

    #[test]
    fn a_pod_of_another_owner_is_not_ours() {
        let s = shadow();
        let mut pod = render_pod(&s);
        pod.metadata.owner_references = Some(vec![OwnerReference {
            uid: "other".into(),
            controller: Some(true),
            ..OwnerReference::default()
        }]);
        assert!(!owned_by(&pod, &s));
        pod.metadata.owner_references = None;
        assert!(!owned_by(&pod, &s));
        // A non-controller reference to the ShadowPod does not make it ours either.
        let mut weak = render_pod(&s).metadata.owner_references.unwrap();
        weak[0].controller = Some(false);
        pod.metadata.owner_references = Some(weak);
        assert!(!owned_by(&pod, &s));
    }

    #[test]
    fn a_pod_status_is_not_rendered() {
        let mut s = shadow();
        s.status = Some(ShadowPodStatus {
            phase: ShadowPodPhase::Running,
        });
        let pod = render_pod(&s);
        assert_eq!(pod.status, None::<PodStatus>);
        assert_eq!(phase(&s), ShadowPodPhase::Running);
        s.status = None;
        assert_eq!(phase(&s), ShadowPodPhase::Unknown);
    }
}
