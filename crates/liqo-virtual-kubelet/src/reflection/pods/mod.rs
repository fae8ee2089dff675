//! Pod reflection (spec offloading.md §7 steps 7, 10, 11): a local pod bound to the virtual
//! node becomes a ShadowPod in its twin namespace; the remote pod's status comes back; a
//! deletion on either side ends both.

pub mod anti_affinity;
pub mod token;
pub mod translate;

use std::sync::Arc;

use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::api::{DeleteParams, Patch, PatchParams, Preconditions};
use kube::runtime::events::{Event, EventType, Recorder};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::{field_manager, label};
use liqo_api::offloading::ShadowPod;
use liqo_kube::reconcile::ReconcileError;
use serde_json::json;
use tokio::sync::watch;

use self::translate::{Offload, RESTARTS_ANNOTATION, StatusView};
use super::mapping::{IpTranslation, Mappings};
use super::objects::CopyReflector;
use super::queue::{Key, Queue};
use super::remote::Twins;
use crate::remote::Remote;

/// Everything a pod reconcile reads.
pub struct PodReflector {
    /// The consumer.
    pub local: Client,
    /// The provider.
    pub remote: Remote,
    /// Local pods bound to the virtual node.
    pub local_pods: Store<Pod>,
    /// The accepted namespaces.
    pub mappings: watch::Receiver<Mappings>,
    /// The twins' caches.
    pub twins: Twins,
    /// Who offloads where, and the VirtualNode's patch.
    pub offload: Offload,
    /// Provider pod IPs in the consumer's view.
    pub ips: IpTranslation,
    /// The local pods' `hostIP`.
    pub host_ip: String,
    /// Events on local pods.
    pub events: Recorder,
    /// The pod queue (token refreshes are queued on it).
    pub queue: Queue,
    /// When each pod's ServiceAccount token is refreshed.
    pub timers: token::Timers,
    /// The local ConfigMaps of the accepted namespaces (the token Secrets' CA comes from there).
    pub configmaps: Arc<CopyReflector<ConfigMap>>,
}

impl std::fmt::Debug for PodReflector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PodReflector")
            .field("node", &self.offload.node_name)
            .finish_non_exhaustive()
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// Brings local pod `key` and its remote twin in step.
///
/// # Errors
/// A refused or failed API request (the key is retried).
pub async fn reconcile(r: &PodReflector, key: Key) -> Result {
    let local = r.local_pods.get(&ObjectRef::new(&key.name).within(&key.ns));
    let remote_ns = r.mappings.borrow().get(&key.ns).cloned();
    let Some(remote_ns) = remote_ns else {
        // Not (or no longer) offloaded: nothing remote to wait for on deletion (the twin
        // namespace, with the token Secret, goes on the provider).
        r.timers.cancel(&key);
        return match local {
            Some(pod) if pod.metadata.deletion_timestamp.is_some() => delete_local(r, &pod).await,
            _ => Ok(()),
        };
    };
    // Until the twin's caches listed, absence there means nothing: the twin re-queues.
    let Some(twin) = r.twins.get(&remote_ns) else {
        return Ok(());
    };
    let shadow = twin.shadow(&remote_ns, &key.name);
    let remote = RemoteSide {
        ns: &remote_ns,
        shadow: shadow.as_deref(),
        pod: twin.pod(&remote_ns, &key.name),
        token: twin.token(&remote_ns, &translate::token_secret_name(&key.name)),
    };
    match local {
        None => {
            token::delete(r, &key, &remote).await?;
            delete_shadow(r, &remote).await
        }
        Some(pod) if pod.metadata.deletion_timestamp.is_some() => {
            finish_deletion(r, &pod, &remote).await
        }
        Some(pod) => sync(r, &pod, &remote).await,
    }
}

/// The remote side of one local pod, read once per reconcile from the twin's caches.
struct RemoteSide<'a> {
    ns: &'a str,
    shadow: Option<&'a ShadowPod>,
    pod: Option<Arc<Pod>>,
    /// The pod's ServiceAccount-token Secret.
    token: Option<Arc<Secret>>,
}

/// A live local pod: labelled as offloaded, its ShadowPod up to date, its status mirrored.
async fn sync(r: &PodReflector, pod: &Pod, remote: &RemoteSide<'_>) -> Result {
    let remote_ns = remote.ns;
    let name = pod.name_any();
    // 1. Mark the local pod (the pod-status controller selects on it); a local write, made
    //    while the remote side is brought in step (neither waits for the other).
    let mark = async {
        if pod.labels().get(label::SHADOW_POD).map(String::as_str) == Some(label::TRUE) {
            return Ok(());
        }
        patch_metadata(r, pod, json!({"labels": {label::SHADOW_POD: label::TRUE}})).await
    };
    // 2. The ShadowPod, unless the provider is unreachable (§7 step 10).
    let unavailable = pod
        .labels()
        .get(label::REMOTE_UNAVAILABLE)
        .map(String::as_str)
        == Some(label::TRUE);
    let shadow = remote.shadow;
    let offload = async {
        let desired = translate::shadow_pod(pod, remote_ns, &r.offload);
        let deleting = shadow
            .as_ref()
            .is_some_and(|s| s.metadata.deletion_timestamp.is_some());
        if unavailable || deleting {
            return Ok(());
        }
        // The token Secret first: the remote pod mounts it from its start.
        token::ensure(r, pod, remote).await?;
        if shadow.is_some_and(|s| !differs(s, &desired)) {
            return Ok(());
        }
        if let Err(e) = liqo_kube::reconcile::apply(
            &r.remote.client(),
            &desired,
            field_manager::VIRTUAL_KUBELET,
        )
        .await
        {
            // A refusal of the provider's admission (quota, origin) is the user's business:
            // said on the local pod, which stays Pending while it is retried.
            if matches!(e.status_code(), Some(400..=499)) {
                refused(r, pod, &e).await;
            }
            return Err(super::render(&e));
        }
        Ok(())
    };
    let (marked, offloaded) = tokio::join!(mark, offload);
    marked?;
    offloaded?;
    // 3. The status, from the remote pod (or the ended ShadowPod it left).
    let status = match (remote.pod.as_deref(), shadow) {
        (Some(remote_pod), _) => {
            let Some(remote_status) = remote_pod.status.as_ref() else {
                return Ok(());
            };
            let uid = remote_pod.uid().unwrap_or_default();
            let previous = translate::recorded_restarts(pod);
            let restarts = translate::restarts(
                previous.as_ref(),
                &uid,
                pod.spec.as_ref(),
                pod.status.as_ref(),
            );
            if previous.as_ref() != Some(&restarts) {
                tracing::info!(pod = %Key::new(pod.namespace().unwrap_or_default(), &name), remote_uid = %uid,
                    previous = ?previous.as_ref().map(|p| &p.uid), base = ?restarts.base, "remote pod changed");
                let record = serde_json::to_string(&restarts).map_err(|e| e.to_string())?;
                patch_metadata(
                    r,
                    pod,
                    json!({"annotations": {RESTARTS_ANNOTATION: record}}),
                )
                .await?;
            }
            let view = StatusView {
                ips: &r.ips,
                host_ip: &r.host_ip,
                unavailable,
            };
            translate::local_status(remote_status, pod.status.as_ref(), &restarts, view)
        }
        (None, Some(s)) if s.status.as_ref().is_some_and(|st| st.phase.is_terminal()) => {
            let phase = s.status.as_ref().map(|st| st.phase).unwrap_or_default();
            translate::terminated_status(pod.status.as_ref(), phase)
        }
        _ => return Ok(()),
    };
    liqo_kube::reconcile::apply_status(&r.local, pod, &status, field_manager::VIRTUAL_KUBELET)
        .await
        .map(|_| ())
        .or_else(ignore_gone)
}

/// A Warning Event on `pod` saying the provider refused its ShadowPod, and why.
async fn refused(r: &PodReflector, pod: &Pod, e: &ReconcileError) {
    let why = match e {
        ReconcileError::Api {
            source: kube::Error::Api(status),
            ..
        } => status.message.clone(),
        other => other.to_string(),
    };
    let event = Event {
        type_: EventType::Warning,
        reason: "OffloadingRefused".into(),
        note: Some(format!("the provider refused the pod: {why}")),
        action: "Offload".into(),
        secondary: None,
    };
    if let Err(e) = r.events.publish(&event, &pod.object_ref(&())).await {
        tracing::debug!(error = %e, "event not recorded");
    }
}

/// Whether `current` lacks any label, annotation or spec of `desired` (what the provider's
/// webhooks add, such as the creator-user label, is not ours to compare).
fn differs(current: &ShadowPod, desired: &ShadowPod) -> bool {
    let subset = |want: Option<&std::collections::BTreeMap<String, String>>,
                  have: &std::collections::BTreeMap<String, String>| {
        want.into_iter()
            .flatten()
            .any(|(k, v)| have.get(k) != Some(v))
    };
    subset(desired.metadata.labels.as_ref(), current.labels())
        || subset(desired.metadata.annotations.as_ref(), current.annotations())
        || current.spec != desired.spec
}

/// A deleting local pod: its ShadowPod goes (garbage collection takes the remote pod); once
/// both are gone, the local pod is removed for good.
async fn finish_deletion(r: &PodReflector, pod: &Pod, remote: &RemoteSide<'_>) -> Result {
    let key = Key::new(pod.namespace().unwrap_or_default(), pod.name_any());
    token::delete(r, &key, remote).await?;
    if remote.shadow.is_some() {
        return delete_shadow(r, remote).await;
    }
    if remote.pod.is_some() {
        return Ok(()); // the remote pod's deletion re-queues this pod
    }
    delete_local(r, pod).await
}

async fn delete_shadow(r: &PodReflector, remote: &RemoteSide<'_>) -> Result {
    let remote_ns = remote.ns;
    let Some(shadow) = remote.shadow else {
        return Ok(());
    };
    if shadow.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let api: Api<ShadowPod> = Api::namespaced(r.remote.client(), remote_ns);
    match api
        .delete(&shadow.name_any(), &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => ignore_gone_kube(
            e,
            &format!("delete ShadowPod {remote_ns}/{}", shadow.name_any()),
        ),
    }
}

/// Removes the local pod with grace 0, as a kubelet does once its containers stopped.
async fn delete_local(r: &PodReflector, pod: &Pod) -> Result {
    let api: Api<Pod> = Api::namespaced(r.local.clone(), &pod.namespace().unwrap_or_default());
    let params = DeleteParams {
        grace_period_seconds: Some(0),
        preconditions: Some(Preconditions {
            uid: pod.uid(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api.delete(&pod.name_any(), &params).await {
        Ok(_) => Ok(()),
        Err(e) => ignore_gone_kube(
            e,
            &format!(
                "delete pod {}",
                Key::new(pod.namespace().unwrap_or_default(), pod.name_any())
            ),
        ),
    }
}

async fn patch_metadata(r: &PodReflector, pod: &Pod, metadata: serde_json::Value) -> Result {
    let api: Api<Pod> = Api::namespaced(r.local.clone(), &pod.namespace().unwrap_or_default());
    match api
        .patch(
            &pod.name_any(),
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": metadata})),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => ignore_gone_kube(e, &format!("label pod {}", pod.name_any())),
    }
}

fn ignore_gone(e: ReconcileError) -> Result {
    if e.status_code() == Some(404) {
        Ok(())
    } else {
        Err(super::render(&e))
    }
}

fn ignore_gone_kube(e: kube::Error, what: &str) -> Result {
    match e {
        kube::Error::Api(s) if s.code == 404 || s.code == 409 => Ok(()),
        e => Err(format!(
            "failed to {what}: {}",
            liqo_kube::api_error::render(&e)
        )),
    }
}

/// Shared with the reflection's run loop.
pub type Shared = Arc<PodReflector>;
