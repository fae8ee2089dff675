//! Watch-based waits bounded by a timeout whose error names the awaited condition and the last
//! state seen.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use kube::api::{ApiResource, DeleteParams, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Resource, ResourceExt};
use serde::de::DeserializeOwned;

/// Why a wait ended without its condition.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The condition did not hold in time.
    #[error("timed out after {} waiting for {what}; last state: {last}", crate::duration::approx(*timeout))]
    Timeout {
        /// The awaited condition.
        what: String,
        /// The bound.
        timeout: Duration,
        /// The last observation, described by the caller.
        last: String,
    },
    /// What was observed can never satisfy the condition.
    #[error("{message} (while waiting for {what})")]
    Invalid {
        /// The awaited condition.
        what: String,
        /// Why it cannot hold.
        message: String,
    },
    /// The watch failed.
    #[error("failed to watch while waiting for {what}")]
    Watch {
        /// The awaited condition.
        what: String,
        /// The cause.
        #[source]
        source: watcher::Error,
    },
}

/// Watches the object `name` until `done` holds, for at most `timeout`.
///
/// `describe` renders the last observation for the timeout message (`None` = absent).
///
/// # Errors
/// [`WaitError::Timeout`] with the last state; [`WaitError::Watch`] if the watch breaks for
/// good.
pub async fn object<K>(
    api: Api<K>,
    name: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(Option<&K>) -> bool,
    describe: impl Fn(Option<&K>) -> String,
) -> Result<Option<K>, WaitError>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut stream = watcher::watcher(api.clone(), config)
        .default_backoff()
        .boxed();
    let mut last: Option<K> = None;
    let mut seen = false;
    let watch = async {
        while let Some(event) = stream.next().await {
            match event {
                Ok(Event::Apply(obj) | Event::InitApply(obj)) => last = Some(obj),
                Ok(Event::Delete(_)) => last = None,
                Ok(Event::Init) => continue,
                Ok(Event::InitDone) => seen = true,
                // A user who may get the object but not list or watch it (a peering user on
                // the provider): the watch would be refused forever, so read it instead.
                Err(e) if forbidden(&e) => return poll_object(&api, name, &done, &mut last).await,
                // The watcher retries with backoff; the timeout bounds the whole wait.
                Err(e) => {
                    tracing::debug!(error = %e, what, "watch error, retrying");
                    continue;
                }
            }
            if seen && done(last.as_ref()) {
                return true;
            }
        }
        false
    };
    match tokio::time::timeout(timeout, watch).await {
        Ok(true) => Ok(last),
        Ok(false) | Err(_) => Err(WaitError::Timeout {
            what: what.into(),
            timeout,
            last: describe(last.as_ref()),
        }),
    }
}

/// Whether a watch failed because the user may not list or watch the kind.
fn forbidden(e: &watcher::Error) -> bool {
    match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => s.code == 403,
        watcher::Error::WatchError(s) => s.code == 403,
        _ => false,
    }
}

/// Reads `name` every [`POLL`] until `done` holds, keeping the last observation in `last`; the
/// caller's timeout bounds it. Only for users who may not watch the kind.
async fn poll_object<K>(
    api: &Api<K>,
    name: &str,
    done: &impl Fn(Option<&K>) -> bool,
    last: &mut Option<K>,
) -> bool
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    loop {
        match api.get_opt(name).await {
            Ok(found) => *last = found,
            Err(e) => tracing::debug!(error = %e, name, "read failed, retrying"),
        }
        if done(last.as_ref()) {
            return true;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// How often [`poll_object`] reads: upstream polls every second for every wait.
const POLL: Duration = Duration::from_millis(250);

/// Watches the objects of `api` matching `selector` until `done` holds for the whole set, for
/// at most `timeout`. `done` may fail (e.g. more objects than allowed): the wait stops with
/// that message.
///
/// # Errors
/// [`WaitError::Timeout`] with `describe`'s rendering of the last set; [`WaitError::Invalid`]
/// when `done` rejects the set.
pub async fn list<K>(
    api: Api<K>,
    selector: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(&[K]) -> Result<bool, String>,
    describe: impl Fn(&[K]) -> String,
) -> Result<Vec<K>, WaitError>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    use std::collections::BTreeMap;
    let config = watcher::Config::default().labels(selector);
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let mut objects: BTreeMap<String, K> = BTreeMap::new();
    let mut pending: BTreeMap<String, K> = BTreeMap::new();
    let mut seen = false;
    let key = |o: &K| {
        format!(
            "{}/{}",
            o.meta().namespace.clone().unwrap_or_default(),
            o.meta().name.clone().unwrap_or_default()
        )
    };
    let watch = async {
        while let Some(event) = stream.next().await {
            match event {
                Ok(Event::Init) => pending.clear(),
                Ok(Event::InitApply(obj)) => {
                    pending.insert(key(&obj), obj);
                    continue;
                }
                Ok(Event::InitDone) => {
                    objects = std::mem::take(&mut pending);
                    seen = true;
                }
                Ok(Event::Apply(obj)) => {
                    objects.insert(key(&obj), obj);
                }
                Ok(Event::Delete(obj)) => {
                    objects.remove(&key(&obj));
                }
                Err(e) => {
                    tracing::debug!(error = %e, what, "watch error, retrying");
                    continue;
                }
            }
            if !seen {
                continue;
            }
            let items: Vec<K> = objects.values().cloned().collect();
            match done(&items) {
                Ok(true) => return Ok(items),
                Ok(false) => {}
                Err(message) => return Err(message),
            }
        }
        Err("the watch ended".to_string())
    };
    match tokio::time::timeout(timeout, watch).await {
        Ok(Ok(items)) => Ok(items),
        Ok(Err(message)) => Err(WaitError::Invalid {
            what: what.into(),
            message,
        }),
        Err(_) => Err(WaitError::Timeout {
            what: what.into(),
            timeout,
            last: describe(&objects.values().cloned().collect::<Vec<_>>()),
        }),
    }
}

/// Why [`deleted`] failed.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// The API server refused the delete.
    #[error("failed to delete {kind} {name}")]
    Api {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// The object did not go in time.
    #[error(transparent)]
    Wait(#[from] WaitError),
}

/// Deletes `name` (background propagation) and, with `timeout`, watches until it is gone, naming
/// its pending finalizers if it is not. Returns whether it existed.
///
/// # Errors
/// [`DeleteError::Api`] for any answer but success or NotFound; [`DeleteError::Wait`] when it
/// is still there after `timeout`.
pub async fn deleted<K>(
    api: &Api<K>,
    name: &str,
    timeout: Option<Duration>,
) -> Result<bool, DeleteError>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let kind = K::kind(&()).to_string();
    match api
        .delete(name, &kube::api::DeleteParams::background())
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 404 => return Ok(false),
        Err(source) => {
            return Err(DeleteError::Api {
                kind,
                name: name.into(),
                source,
            });
        }
    }
    if let Some(timeout) = timeout {
        object(
            api.clone(),
            name,
            &format!("{kind} {name} to be deleted"),
            timeout,
            |o| o.is_none(),
            |o| match o.and_then(|o| o.meta().finalizers.clone()) {
                Some(f) if !f.is_empty() => format!("still present, finalizers {f:?}"),
                _ => "still present".into(),
            },
        )
        .await?;
    }
    Ok(true)
}

/// Deletes `name` of kind `K` in `namespace` and, with `timeout`, waits until it and every
/// object of the `kinds` in that namespace that it owns, transitively, are gone; and any
/// orphan among them too ([`orphans_deleted`]). Returns whether it existed.
///
/// The deletion is foreground, so the garbage collector deletes the dependents while the
/// owner still stands. But it waits for a dependent only when the dependent's reference sets
/// `blockOwnerDeletion`, which most writers (kube-rs' `controller_owner_ref` included) leave
/// unset: the dependents are therefore found and awaited here, each by a watch. The tree is
/// read before the delete (while every link still stands) and again after each round, so a
/// dependent created meanwhile (a ReplicaSet's new pod, a late write by a dying process) is
/// awaited too. Kinds the caller may not list (403) or that are not served (404) are skipped.
///
/// # Errors
/// [`DeleteError::Api`] when a delete or list is refused; [`DeleteError::Wait`] naming the
/// first object still present when `timeout` runs out.
pub async fn deleted_with_dependents<K>(
    client: &kube::Client,
    namespace: &str,
    name: &str,
    kinds: &[ApiResource],
    timeout: Option<Duration>,
) -> Result<bool, DeleteError>
where
    K: Resource<DynamicType = (), Scope = kube::core::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    let Some(timeout) = timeout else {
        return deleted(&api, name, None).await;
    };
    let deadline = deadline_after(timeout);
    let kind = K::kind(&()).to_string();
    let api_error = |source| DeleteError::Api {
        kind: kind.clone(),
        name: name.into(),
        source,
    };
    let Some(root) = api.get_opt(name).await.map_err(api_error)? else {
        await_tree(client, namespace, kinds, BTreeSet::new(), deadline).await?;
        return Ok(false);
    };
    let owners: BTreeSet<String> = root.meta().uid.clone().into_iter().collect();
    // Read while every link stands; the owner's deletion would break them.
    let mut early = owners.clone();
    let tree = Tree::read(client, namespace, kinds, &mut early).await?;
    match api.delete(name, &DeleteParams::foreground()).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 404 => {}
        Err(source) => return Err(api_error(source)),
    }
    gone(api, &kind, name, left(deadline)).await?;
    tree.await_gone(client, namespace, deadline).await?;
    await_tree(client, namespace, kinds, early, deadline).await?;
    Ok(true)
}

/// Waits, for at most `timeout`, until no object of the `kinds` in `namespace` is an orphan:
/// one whose owners (all of listed kinds) are gone, which the garbage collector is deleting.
/// What an earlier, unwaited deletion left behind is awaited so.
///
/// # Errors
/// As [`deleted_with_dependents`].
pub async fn orphans_deleted(
    client: &kube::Client,
    namespace: &str,
    kinds: &[ApiResource],
    timeout: Duration,
) -> Result<(), DeleteError> {
    let deadline = deadline_after(timeout);
    await_tree(client, namespace, kinds, BTreeSet::new(), deadline).await
}

/// Reads the tree of `owners` (and the orphans) and awaits it, until a read finds it empty.
async fn await_tree(
    client: &kube::Client,
    namespace: &str,
    kinds: &[ApiResource],
    mut owners: BTreeSet<String>,
    deadline: tokio::time::Instant,
) -> Result<(), DeleteError> {
    loop {
        let tree = Tree::read(client, namespace, kinds, &mut owners).await?;
        if tree.objects.is_empty() {
            return Ok(());
        }
        tree.await_gone(client, namespace, deadline).await?;
    }
}

/// Now + `timeout`, saturating (callers pass `Duration::MAX` for "no bound but the command's").
fn deadline_after(timeout: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

fn left(deadline: tokio::time::Instant) -> Duration {
    deadline.saturating_duration_since(tokio::time::Instant::now())
}

/// Watches until `name` is absent, naming its pending finalizers on timeout.
async fn gone<K>(api: Api<K>, kind: &str, name: &str, timeout: Duration) -> Result<(), WaitError>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    object(
        api,
        name,
        &format!("{kind} {name} to be deleted"),
        timeout,
        |o| o.is_none(),
        |o| match o.map(|o| o.meta().finalizers.clone().unwrap_or_default()) {
            Some(f) if !f.is_empty() => format!("still present, finalizers {f:?}"),
            _ => "still present".into(),
        },
    )
    .await
    .map(drop)
}

/// The objects of some kinds in one namespace that are going with a set of owners.
struct Tree {
    objects: Vec<(ApiResource, String)>,
}

impl Tree {
    /// Lists every kind once and keeps: what `owners` own, transitively (`owners` grows with
    /// their UIDs); orphans, whose every owner reference names a listed kind and a UID not
    /// listed; and the Endpoints of a kept Service (the endpoints controller mirrors a Service
    /// without an owner reference).
    ///
    /// Kinds are listed in reverse order (give owners first): an object listed before its
    /// owner's kind was listed had that owner already, so an owner missing from the lists
    /// was really gone.
    async fn read(
        client: &kube::Client,
        namespace: &str,
        kinds: &[ApiResource],
        owners: &mut BTreeSet<String>,
    ) -> Result<Self, DeleteError> {
        let mut listed = Vec::new();
        for ar in kinds.iter().rev() {
            let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, ar);
            match api.list(&Default::default()).await {
                Ok(list) => listed.extend(list.items.into_iter().map(|o| (ar.clone(), o))),
                Err(kube::Error::Api(e)) if e.code == 403 || e.code == 404 => {
                    tracing::debug!(kind = ar.kind, code = e.code, "not listable, not awaited");
                }
                Err(source) => {
                    return Err(DeleteError::Api {
                        kind: ar.kind.clone(),
                        name: format!("(list in {namespace})"),
                        source,
                    });
                }
            }
        }
        let inside = members(&listed, kinds, owners);
        let objects = listed
            .into_iter()
            .zip(inside)
            .filter(|(_, inside)| *inside)
            .map(|((ar, o), _)| (ar, o.name_any()))
            .collect();
        Ok(Self { objects })
    }

    /// Watches each object until it is gone.
    async fn await_gone(
        &self,
        client: &kube::Client,
        namespace: &str,
        deadline: tokio::time::Instant,
    ) -> Result<(), WaitError> {
        for (ar, name) in &self.objects {
            let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, ar);
            gone(api, &ar.kind, name, left(deadline)).await?;
        }
        Ok(())
    }
}

/// Which of the `listed` objects go with `owners` (see [`Tree::read`]); `owners` grows with
/// their UIDs.
fn members(
    listed: &[(ApiResource, DynamicObject)],
    kinds: &[ApiResource],
    owners: &mut BTreeSet<String>,
) -> Vec<bool> {
    let live: BTreeSet<String> = listed.iter().filter_map(|(_, o)| o.uid()).collect();
    let orphan = |o: &DynamicObject| {
        let refs = o.owner_references();
        !refs.is_empty()
            && refs.iter().all(|r| {
                !live.contains(&r.uid)
                    && kinds
                        .iter()
                        .any(|k| k.kind == r.kind && k.api_version == r.api_version)
            })
    };
    let core = |ar: &ApiResource, kind: &str| ar.kind == kind && ar.group.is_empty();
    let mut inside = vec![false; listed.len()];
    let mut services = BTreeSet::new();
    loop {
        let mut grew = false;
        for (i, (ar, o)) in listed.iter().enumerate() {
            let member = if core(ar, "Endpoints") {
                services.contains(&o.name_any())
            } else {
                orphan(o) || o.owner_references().iter().any(|r| owners.contains(&r.uid))
            };
            if inside[i] || !member {
                continue;
            }
            inside[i] = true;
            grew = true;
            owners.extend(o.uid());
            if core(ar, "Service") {
                services.insert(o.name_any());
            }
        }
        if !grew {
            return inside;
        }
    }
}

impl WaitError {
    /// A timeout whose last state also carries the newest Event about the `kind` named `name`
    /// in `namespace`: controllers and gateways explain what the status has no room for in
    /// Events. (Kinds matter: a Renew and an Identity may share a name.)
    pub async fn with_last_event(
        self,
        client: &kube::Client,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> Self {
        match self {
            Self::Timeout {
                what,
                timeout,
                last,
            } => {
                let event = last_event(client, namespace, kind, name)
                    .await
                    .map(|e| format!("; last Event: {e}"))
                    .unwrap_or_default();
                Self::Timeout {
                    what,
                    timeout,
                    last: format!("{last}{event}"),
                }
            }
            other => other,
        }
    }
}

/// `Type Reason: note` of the newest Event about the `kind` named `name` in `namespace`.
pub async fn last_event(
    client: &kube::Client,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Option<String> {
    use k8s_openapi::api::events::v1::Event;
    let events = Api::<Event>::namespaced(client.clone(), namespace)
        .list(&Default::default())
        .await
        .ok()?;
    let about = events.items.into_iter().filter(|e| {
        e.regarding
            .as_ref()
            .is_some_and(|r| r.name.as_deref() == Some(name) && r.kind.as_deref() == Some(kind))
    });
    let newest = about.max_by_key(|e| {
        e.series
            .as_ref()
            .map(|s| s.last_observed_time.0)
            .or(e.event_time.as_ref().map(|t| t.0))
            .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0))
    })?;
    Some(format!(
        "{} {}: {}",
        newest.type_.unwrap_or_default(),
        newest.reason.unwrap_or_default(),
        newest.note.unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
    use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Node, Pod, Service};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

    use super::*;

    fn ar<K: Resource<DynamicType = ()>>() -> ApiResource {
        ApiResource::erase::<K>(&())
    }

    /// An object of kind `K` named `name` with UID `name`, owned by `owners` (kind, UID).
    fn obj<K: Resource<DynamicType = ()>>(
        name: &str,
        owners: &[(&ApiResource, &str)],
    ) -> (ApiResource, DynamicObject) {
        let kind = ar::<K>();
        let mut o = DynamicObject::new(name, &kind);
        o.metadata.uid = Some(name.into());
        o.metadata.owner_references = Some(
            owners
                .iter()
                .map(|(k, uid)| OwnerReference {
                    api_version: k.api_version.clone(),
                    kind: k.kind.clone(),
                    name: (*uid).into(),
                    uid: (*uid).into(),
                    ..Default::default()
                })
                .collect(),
        );
        (kind, o)
    }

    fn kept(listed: &[(ApiResource, DynamicObject)], inside: &[bool]) -> Vec<String> {
        listed
            .iter()
            .zip(inside)
            .filter(|(_, i)| **i)
            .map(|((_, o), _)| o.name_any())
            .collect()
    }

    #[test]
    fn the_tree_follows_owner_references_down_and_takes_a_services_endpoints() {
        let (dep, rs, svc) = (ar::<Deployment>(), ar::<ReplicaSet>(), ar::<Service>());
        let kinds = [
            dep.clone(),
            rs.clone(),
            ar::<Pod>(),
            svc.clone(),
            ar::<Endpoints>(),
        ];
        let listed = vec![
            obj::<Pod>("pod", &[(&rs, "rs")]),
            obj::<ReplicaSet>("rs", &[(&dep, "deployment")]),
            obj::<Deployment>("deployment", &[(&dep, "root")]),
            obj::<Service>("svc", &[(&dep, "root")]),
            obj::<Endpoints>("svc", &[]),
            obj::<Endpoints>("other", &[]),
            // Someone else's: owned by a live object outside the tree.
            obj::<Pod>("bystander", &[(&rs, "live-rs")]),
            obj::<ReplicaSet>("live-rs", &[]),
        ];
        let mut owners = BTreeSet::from(["root".to_string()]);
        let inside = members(&listed, &kinds, &mut owners);
        assert_eq!(
            kept(&listed, &inside),
            ["pod", "rs", "deployment", "svc", "svc"]
        );
        assert!(owners.contains("rs") && owners.contains("deployment"));
    }

    #[test]
    fn an_orphan_has_every_owner_of_a_listed_kind_and_gone() {
        let (dep, rs) = (ar::<Deployment>(), ar::<ReplicaSet>());
        let kinds = [dep.clone(), rs.clone(), ar::<Pod>(), ar::<ConfigMap>()];
        let node = ar::<Node>();
        let listed = vec![
            // Its ReplicaSet is gone: the garbage collector is deleting it.
            obj::<Pod>("orphan", &[(&rs, "gone-rs")]),
            // Owned by a kind not listed: its owner may well exist.
            obj::<ConfigMap>("node-owned", &[(&node, "node")]),
            // One owner gone, one live: not garbage.
            obj::<Pod>("half", &[(&rs, "gone-rs"), (&rs, "live")]),
            obj::<ReplicaSet>("live", &[]),
            // No owner at all: not garbage either.
            obj::<Pod>("standalone", &[]),
        ];
        let inside = members(&listed, &kinds, &mut BTreeSet::new());
        assert_eq!(kept(&listed, &inside), ["orphan"]);
    }
}
