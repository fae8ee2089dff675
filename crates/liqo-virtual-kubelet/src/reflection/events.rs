//! Events of offloaded pods: what the provider says about a remote pod (scheduled, pulled,
//! probe failures, back-offs) is published on the local pod of the same name, the note
//! prefixed with `[provider <cluster id>]`. The virtual kubelet may read Events only in the
//! twin namespaces, so there is one watch per twin, started and stopped with the mappings.
//!
//! A copy is named after the remote Event's uid: a relist, or a restarted virtual kubelet,
//! finds it already there (409) instead of publishing it twice; a repeated remote Event (its
//! series count grows) bumps the copy's series. The seen-set only saves those requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::events::v1::{Event, EventSeries};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher::{self, Event as Watched};
use kube::{Api, Client, Resource, ResourceExt};
use serde_json::json;
use tokio::sync::watch;

use super::mapping::Mappings;
use super::pods::translate::Offload;
use crate::remote::Remote;

/// Older remote Events are not copied (a relist after start would flood the pods otherwise).
const MAX_AGE: SignedDuration = SignedDuration::from_hours(1);
/// The API server's limit on an Event's note.
const NOTE_LIMIT: usize = 1024;
/// The API server's limit on reason and action.
const REASON_LIMIT: usize = 128;
/// The longest object name.
const NAME_LIMIT: usize = 253;
/// The seen-set is pruned of entries older than [`MAX_AGE`] past this size, cleared past
/// [`SEEN_MAX`] (the copies' names still prevent duplicates).
const SEEN_PRUNE_AT: usize = 1024;
const SEEN_MAX: usize = 8192;
/// The copies' reporter, as for the reflector's own Events.
const REPORTING_CONTROLLER: &str = "virtual-kubelet";

/// Copies the provider's Events of offloaded pods onto the local pods.
pub struct EventReflector {
    local: Client,
    remote: Remote,
    /// Local pods bound to the virtual node.
    local_pods: Store<Pod>,
    node: String,
    provider: String,
    /// Remote Event uid → the series count last copied, and when it was observed.
    seen: Mutex<HashMap<String, (i32, Timestamp)>>,
}

impl std::fmt::Debug for EventReflector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventReflector")
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

/// One twin's watch, aborted when dropped.
struct TwinWatch {
    local_ns: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TwinWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl EventReflector {
    /// A reflector for the pods of `local_pods` (bound to `offload.node_name`).
    pub fn new(
        local: Client,
        remote: Remote,
        local_pods: Store<Pod>,
        offload: &Offload,
    ) -> Arc<Self> {
        Arc::new(Self {
            local,
            remote,
            local_pods,
            node: offload.node_name.clone(),
            provider: offload.foreign_cluster_id.clone(),
            seen: Mutex::new(HashMap::new()),
        })
    }

    /// Follows `mappings` (one watch per twin namespace) until dropped.
    pub async fn run(self: Arc<Self>, mut mappings: watch::Receiver<Mappings>) {
        // Before the local cache listed, every Event would look like one of a foreign pod.
        if self.local_pods.wait_until_ready().await.is_err() {
            return;
        }
        let mut watched: HashMap<String, TwinWatch> = HashMap::new();
        loop {
            let current = mappings.borrow_and_update().clone();
            watched.retain(|remote_ns, w| current.get(&w.local_ns) == Some(remote_ns));
            for (local_ns, remote_ns) in &current {
                if watched.contains_key(remote_ns) {
                    continue;
                }
                let task =
                    tokio::spawn(self.clone().watch_twin(local_ns.clone(), remote_ns.clone()));
                let local_ns = local_ns.clone();
                watched.insert(remote_ns.clone(), TwinWatch { local_ns, task });
            }
            if mappings.changed().await.is_err() {
                return;
            }
        }
    }

    async fn watch_twin(self: Arc<Self>, local_ns: String, remote_ns: String) {
        let api = Api::<Event>::namespaced(self.remote.client(), &remote_ns);
        let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            match event {
                Ok(Watched::Apply(e) | Watched::InitApply(e)) => self.copy(&local_ns, &e).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::debug!(remote = %remote_ns, error = %e, "remote event watch error, retrying");
                }
            }
        }
    }

    /// Publishes `remote` on its local pod, once per series count.
    async fn copy(&self, local_ns: &str, remote: &Event) {
        let Some(pod_name) = regarding_pod(remote) else {
            return;
        };
        let Some(pod) = self
            .local_pods
            .get(&ObjectRef::new(pod_name).within(local_ns))
        else {
            return;
        };
        let now = Timestamp::now();
        if !wanted(remote, &pod, &self.node, now) {
            return;
        }
        let (uid, count) = (remote.uid().unwrap_or_default(), count(remote));
        let copied = self.seen_count(&uid);
        if copied.is_some_and(|c| c >= count) {
            return;
        }
        let copy = local_copy(remote, &pod, &self.provider, &self.node, now);
        let result = if copied.is_some() {
            self.bump(&copy).await
        } else {
            self.create(&copy).await
        };
        match result {
            Ok(()) => self.mark_seen(uid, count, now),
            Err(e) => {
                tracing::debug!(pod = %pod_name, ns = %local_ns, error = %liqo_kube::api_error::render(&e),
                "provider event not copied")
            }
        }
    }

    /// Creates `copy`; one already there (copied before a restart) gets its series bumped.
    async fn create(&self, copy: &Event) -> Result<(), kube::Error> {
        let api = self.api(copy);
        match api.create(&PostParams::default(), copy).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 409 && copy.series.is_some() => {
                self.bump(copy).await
            }
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The copy's series follows the remote one (re-created if the copy expired meanwhile).
    async fn bump(&self, copy: &Event) -> Result<(), kube::Error> {
        let Some(series) = &copy.series else {
            return Ok(());
        };
        let patch = json!({"series": series});
        let api = self.api(copy);
        match api
            .patch(
                &copy.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => {
                api.create(&PostParams::default(), copy).await.map(|_| ())
            }
            Err(e) => Err(e),
        }
    }

    fn api(&self, copy: &Event) -> Api<Event> {
        Api::namespaced(self.local.clone(), &copy.namespace().unwrap_or_default())
    }

    fn seen_count(&self, uid: &str) -> Option<i32> {
        self.seen_set().get(uid).map(|(c, _)| *c)
    }

    fn mark_seen(&self, uid: String, count: i32, now: Timestamp) {
        let mut seen = self.seen_set();
        if seen.len() >= SEEN_PRUNE_AT {
            seen.retain(|_, (_, at)| *at + MAX_AGE > now);
        }
        if seen.len() >= SEEN_MAX {
            seen.clear();
        }
        seen.insert(uid, (count, now));
    }

    fn seen_set(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i32, Timestamp)>> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The name of the Pod `event` is about, if it is about a Pod.
pub fn regarding_pod(event: &Event) -> Option<&str> {
    let r = event.regarding.as_ref()?;
    let core = matches!(r.api_version.as_deref(), None | Some("" | "v1"));
    (core && r.kind.as_deref() == Some("Pod"))
        .then_some(r.name.as_deref())
        .flatten()
}

/// How many times the remote Event happened (new-style series, or the legacy count).
pub fn count(event: &Event) -> i32 {
    event
        .series
        .as_ref()
        .map(|s| s.count)
        .or(event.deprecated_count)
        .unwrap_or(1)
        .max(1)
}

/// When the remote Event last happened.
pub fn last_seen(event: &Event) -> Option<Timestamp> {
    event
        .series
        .as_ref()
        .map(|s| s.last_observed_time.0)
        .or(event.deprecated_last_timestamp.as_ref().map(|t| t.0))
        .or(event.event_time.as_ref().map(|t| t.0))
        .or(event.deprecated_first_timestamp.as_ref().map(|t| t.0))
        .or(event.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// Whether remote `event` is copied onto `local`: the pod is bound to this virtual `node`, the
/// Event is Normal or Warning, recent (within [`MAX_AGE`] of `now`) and not older than the
/// local pod (a re-created pod of the same name does not inherit its predecessor's Events).
pub fn wanted(event: &Event, local: &Pod, node: &str, now: Timestamp) -> bool {
    let bound = local.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node);
    let typed = matches!(event.type_.as_deref(), Some("Normal" | "Warning"));
    let Some(at) = last_seen(event) else {
        return false;
    };
    let after_pod = local
        .metadata
        .creation_timestamp
        .as_ref()
        .is_none_or(|c| at >= c.0);
    bound && typed && at + MAX_AGE > now && after_pod
}

/// The note of the copy: the provider's, prefixed, within the API server's limit.
pub fn note(provider: &str, remote_note: Option<&str>) -> String {
    let text = format!("[provider {provider}] {}", remote_note.unwrap_or_default());
    truncate(text.trim_end(), NOTE_LIMIT).to_owned()
}

/// The copy's name: the local pod's, then the remote Event's uid (deterministic, so a copy is
/// never made twice).
pub fn copy_name(pod: &str, remote_uid: &str) -> String {
    let room = NAME_LIMIT - remote_uid.len() - 1;
    let prefix = truncate(pod, room).trim_end_matches(['.', '-']);
    format!("{prefix}.{remote_uid}")
}

/// The copy of remote `event` on local pod `local`.
pub fn local_copy(event: &Event, local: &Pod, provider: &str, node: &str, now: Timestamp) -> Event {
    let reason = event
        .reason
        .as_deref()
        .filter(|r| !r.is_empty())
        .unwrap_or("ProviderEvent");
    let reason = truncate(reason, REASON_LIMIT).to_owned();
    // The legacy core Events (the kubelet's) have no action; events.k8s.io requires one.
    let action = event
        .action
        .as_deref()
        .filter(|a| !a.is_empty())
        .map_or_else(|| reason.clone(), |a| truncate(a, REASON_LIMIT).to_owned());
    let count = count(event);
    Event {
        metadata: ObjectMeta {
            name: Some(copy_name(
                &local.name_any(),
                &event.uid().unwrap_or_default(),
            )),
            namespace: local.namespace(),
            ..ObjectMeta::default()
        },
        event_time: Some(MicroTime(now)),
        regarding: Some(local.object_ref(&())),
        reason: Some(reason),
        action: Some(action),
        note: Some(note(provider, event.note.as_deref())),
        type_: event.type_.clone(),
        reporting_controller: Some(REPORTING_CONTROLLER.into()),
        reporting_instance: Some(truncate(node, REASON_LIMIT).to_owned()),
        series: (count >= 2).then_some(EventSeries {
            count,
            last_observed_time: MicroTime(now),
        }),
        ..Event::default()
    }
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: &str = "2026-12-03T10:00:00Z";

    fn now() -> Timestamp {
        NOW.parse().unwrap()
    }

    fn scheduled(at: &str) -> Event {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1.abc", "namespace": "demo-c", "uid": "e-uid"},
            "eventTime": at,
            "reason": "Scheduled", "action": "Binding", "type": "Normal",
            "note": "Successfully assigned demo-c/web-1 to node-p",
            "reportingController": "default-scheduler", "reportingInstance": "s",
            "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "web-1", "namespace": "demo-c"},
        }))
        .unwrap()
    }

    fn pod(node: &str, created: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": "demo", "uid": "p-uid",
                "creationTimestamp": created},
            "spec": {"nodeName": node, "containers": []},
        }))
        .unwrap()
    }

    #[test]
    fn a_recent_event_of_a_bound_pod_is_copied() {
        let e = scheduled("2026-12-03T09:59:00.000000Z");
        assert_eq!(regarding_pod(&e), Some("web-1"));
        assert!(wanted(&e, &pod("vk", "2026-12-03T09:58:00Z"), "vk", now()));
    }

    #[test]
    fn events_of_other_nodes_kinds_old_or_before_the_pod_are_not() {
        let e = scheduled("2026-12-03T09:59:00.000000Z");
        assert!(!wanted(
            &e,
            &pod("other-vk", "2026-12-03T09:58:00Z"),
            "vk",
            now()
        ));
        let old = scheduled("2026-12-03T08:59:00.000000Z");
        assert!(!wanted(
            &old,
            &pod("vk", "2026-12-03T08:00:00Z"),
            "vk",
            now()
        ));
        // A pod re-created under the same name after the Event.
        assert!(!wanted(&e, &pod("vk", "2026-12-03T09:59:30Z"), "vk", now()));
        let mut deployment = scheduled("2026-12-03T09:59:00.000000Z");
        deployment.regarding.as_mut().unwrap().kind = Some("Deployment".into());
        assert_eq!(regarding_pod(&deployment), None);
        let mut other_group = scheduled("2026-12-03T09:59:00.000000Z");
        other_group.regarding.as_mut().unwrap().api_version = Some("example.io/v1".into());
        assert_eq!(regarding_pod(&other_group), None);
    }

    #[test]
    fn a_legacy_event_counts_and_dates_from_its_deprecated_fields() {
        let e: Event = serde_json::from_value(json!({
            "metadata": {"name": "x", "creationTimestamp": "2026-12-03T09:00:00Z"},
            "deprecatedCount": 4, "deprecatedLastTimestamp": "2026-12-03T09:58:00Z",
            "reason": "BackOff", "type": "Warning",
        }))
        .unwrap();
        assert_eq!(count(&e), 4);
        assert_eq!(last_seen(&e), Some("2026-12-03T09:58:00Z".parse().unwrap()));
        assert_eq!(count(&scheduled(NOW)), 1);
    }

    #[test]
    fn the_copy_is_on_the_local_pod_with_the_provider_named() {
        let e = scheduled("2026-12-03T09:59:00.000000Z");
        let local = pod("vk", "2026-12-03T09:58:00Z");
        let copy = local_copy(&e, &local, "prov-id", "vk", now());
        assert_eq!(copy.metadata.namespace.as_deref(), Some("demo"));
        assert_eq!(copy.metadata.name.as_deref(), Some("web-1.e-uid"));
        let regarding = copy.regarding.unwrap();
        assert_eq!(regarding.uid.as_deref(), Some("p-uid"));
        assert_eq!(regarding.namespace.as_deref(), Some("demo"));
        assert_eq!(copy.reason.as_deref(), Some("Scheduled"));
        assert_eq!(copy.action.as_deref(), Some("Binding"));
        assert_eq!(copy.type_.as_deref(), Some("Normal"));
        assert_eq!(
            copy.note.as_deref(),
            Some("[provider prov-id] Successfully assigned demo-c/web-1 to node-p")
        );
        assert_eq!(copy.reporting_instance.as_deref(), Some("vk"));
        assert!(copy.series.is_none());
    }

    #[test]
    fn a_repeated_legacy_event_gets_a_series_and_an_action() {
        let mut e = scheduled("2026-12-03T09:59:00.000000Z");
        e.action = None;
        e.reason = Some("BackOff".into());
        e.deprecated_count = Some(3);
        let copy = local_copy(&e, &pod("vk", "2026-12-03T09:58:00Z"), "p", "vk", now());
        assert_eq!(copy.action.as_deref(), Some("BackOff"));
        assert_eq!(copy.series.unwrap().count, 3);
    }

    #[test]
    fn long_notes_and_names_stay_within_the_api_limits() {
        let long = "é".repeat(NOTE_LIMIT);
        let n = note("p", Some(&long));
        assert!(n.len() <= NOTE_LIMIT && n.starts_with("[provider p] é"));
        assert_eq!(note("p", None), "[provider p]");
        let name = copy_name(&format!("{}-x", "a".repeat(NAME_LIMIT)), "e-uid");
        assert!(
            name.len() <= NAME_LIMIT && name.ends_with("a.e-uid"),
            "{name}"
        );
    }
}
