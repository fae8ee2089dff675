//! ServiceAccount tokens of offloaded pods (spec offloading.md §7 step 7, "API-server access"):
//! a local pod that mounts the projected `kube-api-access-*` volume gets, in its twin
//! namespace, a Secret with a token of its consumer ServiceAccount bound to the local pod
//! (TokenRequest API), the consumer's CA and the consumer namespace; the remote pod mounts it
//! in place of the projected volume (translate.rs). A timer queues the pod at 80 % of the
//! token's lifetime, and the reconcile asks for a new one; the Secret goes with the pod. Tokens
//! are never logged.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use k8s_openapi::ByteString;
use k8s_openapi::api::authentication::v1::{BoundObjectReference, TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{DeleteParams, PostParams};
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{field_manager, label};
use liqo_api::offloading::ShadowPod;

use super::translate::{self, CA_KEY, NAMESPACE_KEY, Offload, ROOT_CA_CONFIGMAP, TOKEN_KEY};
use super::{PodReflector, RemoteSide, Result};
use crate::reflection::queue::{Key, Queue};

/// The lifetime asked for; the API server may grant another (its expiration is used).
pub const TOKEN_SECONDS: i64 = 3600;
/// A token is asked for again once this share of its lifetime passed.
const REFRESH_PERCENT: i64 = 80;
/// `liqo.io/managed-by` of the token Secrets.
pub const MANAGED_BY_TOKEN: &str = "serviceaccount-token";
/// Label naming the local pod (set when the name fits a label value).
pub const POD_LABEL: &str = "offloading.liqo.io/pod-name";
/// Annotations of the token Secret: the local pod (any length) and its UID, when the token
/// was issued and when it expires.
pub const POD_ANNOTATION: &str = "offloading.liqo.io/pod-name";
const POD_UID_ANNOTATION: &str = "offloading.liqo.io/pod-uid";
const ISSUED_ANNOTATION: &str = "offloading.liqo.io/token-issued";
const EXPIRES_ANNOTATION: &str = "offloading.liqo.io/token-expiration";
/// Longest label value.
const MAX_LABEL_VALUE: usize = 63;

/// A token issued for one local pod, with what the Secret carries beside it.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// UID of the local pod the token is bound to.
    pub pod_uid: String,
    /// The token.
    pub token: String,
    /// The consumer's CA bundle.
    pub ca: Vec<u8>,
    /// When it was issued.
    pub issued: Timestamp,
    /// When it expires.
    pub expires: Timestamp,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("Issued")
            .field("pod_uid", &self.pod_uid)
            .field("issued", &self.issued)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

impl Issued {
    /// When to ask for the next token: at [`REFRESH_PERCENT`] of the lifetime.
    pub fn refresh_at(&self) -> Timestamp {
        let life = self.expires.duration_since(self.issued).as_secs().max(0);
        let early = SignedDuration::from_secs(life.saturating_mul(REFRESH_PERCENT) / 100);
        self.issued.checked_add(early).unwrap_or(self.issued)
    }
}

/// Whether `secret` is a token Secret of the virtual kubelets.
pub fn is_token_secret(secret: &Secret) -> bool {
    secret.labels().get(label::MANAGED_BY).map(String::as_str) == Some(MANAGED_BY_TOKEN)
}

/// The local pod of token Secret `secret`.
pub fn pod_of(secret: &Secret) -> Option<String> {
    secret.annotations().get(POD_ANNOTATION).cloned()
}

/// The token `secret` holds, if it is complete.
pub fn issued_in(secret: &Secret) -> Option<Issued> {
    let data = secret.data.as_ref()?;
    let annotations = secret.annotations();
    let time = |k: &str| annotations.get(k)?.parse::<Timestamp>().ok();
    Some(Issued {
        pod_uid: annotations.get(POD_UID_ANNOTATION)?.clone(),
        token: String::from_utf8(data.get(TOKEN_KEY)?.0.clone()).ok()?,
        ca: data.get(CA_KEY)?.0.clone(),
        issued: time(ISSUED_ANNOTATION)?,
        expires: time(EXPIRES_ANNOTATION)?,
    })
}

/// The token to keep for local pod `uid` at `now`: the one `secret` holds while it is bound to
/// that pod and not due for refresh.
pub fn still_valid(secret: Option<&Secret>, uid: &str, now: Timestamp) -> Option<Issued> {
    issued_in(secret?).filter(|i| i.pod_uid == uid && now < i.refresh_at())
}

/// The token Secret of local pod `pod` in remote namespace `remote_ns`, owned by its ShadowPod
/// `owner` when that exists (the provider's garbage collector then removes it too).
pub fn render_secret(
    pod: &Pod,
    remote_ns: &str,
    offload: &Offload,
    issued: &Issued,
    owner: Option<&ShadowPod>,
) -> Secret {
    let name = pod.name_any();
    let mut labels = BTreeMap::from([
        (label::MANAGED_BY.to_owned(), MANAGED_BY_TOKEN.to_owned()),
        (
            label::OFFLOADING_NODENAME.to_owned(),
            offload.node_name.clone(),
        ),
        (
            label::OFFLOADING_ORIGIN.to_owned(),
            offload.home_cluster_id.clone(),
        ),
        (
            label::OFFLOADING_DESTINATION.to_owned(),
            offload.foreign_cluster_id.clone(),
        ),
    ]);
    if name.len() <= MAX_LABEL_VALUE {
        labels.insert(POD_LABEL.to_owned(), name.clone());
    }
    let annotations = BTreeMap::from([
        (POD_ANNOTATION.to_owned(), name.clone()),
        (POD_UID_ANNOTATION.to_owned(), issued.pod_uid.clone()),
        (ISSUED_ANNOTATION.to_owned(), issued.issued.to_string()),
        (EXPIRES_ANNOTATION.to_owned(), issued.expires.to_string()),
    ]);
    let owner_references = owner.and_then(|s| {
        Some(vec![OwnerReference {
            api_version: ShadowPod::api_version(&()).into_owned(),
            kind: ShadowPod::kind(&()).into_owned(),
            name: s.name_any(),
            uid: s.uid()?,
            ..OwnerReference::default()
        }])
    });
    let data = BTreeMap::from([
        (
            TOKEN_KEY.to_owned(),
            ByteString(issued.token.clone().into_bytes()),
        ),
        (CA_KEY.to_owned(), ByteString(issued.ca.clone())),
        (
            NAMESPACE_KEY.to_owned(),
            ByteString(pod.namespace().unwrap_or_default().into_bytes()),
        ),
    ]);
    Secret {
        metadata: ObjectMeta {
            name: Some(translate::token_secret_name(&name)),
            namespace: Some(remote_ns.to_owned()),
            labels: Some(labels),
            annotations: Some(annotations),
            owner_references,
            ..ObjectMeta::default()
        },
        data: Some(data),
        type_: Some("Opaque".into()),
        ..Secret::default()
    }
}

/// Whether `current` lacks anything of `desired` (data, owner, our labels and annotations).
fn differs(current: &Secret, desired: &Secret) -> bool {
    let subset = |want: &BTreeMap<String, String>, have: &BTreeMap<String, String>| {
        want.iter().any(|(k, v)| have.get(k) != Some(v))
    };
    subset(desired.labels(), current.labels())
        || subset(desired.annotations(), current.annotations())
        || current.data != desired.data
        || desired
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|o| !current.owner_references().contains(o))
}

/// The refresh timers, one per local pod with a token.
#[derive(Debug, Default)]
pub struct Timers {
    inner: Mutex<HashMap<Key, (Timestamp, tokio::task::AbortHandle)>>,
    /// The token last written for each pod: the twin's cache may not show it yet when the pod
    /// is reconciled again, and asking for another one then is a wasted round trip.
    issued: Mutex<HashMap<Key, Issued>>,
}

impl Timers {
    /// Remembers `issued` as the token written for `key`.
    fn remember(&self, key: Key, issued: Issued) {
        self.issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, issued);
    }

    /// The token written for `key`, while it is bound to `uid` and not due for refresh.
    fn remembered(&self, key: &Key, uid: &str, now: Timestamp) -> Option<Issued> {
        self.issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .filter(|i| i.pod_uid == uid && now < i.refresh_at())
            .cloned()
    }

    /// Queues `key` on `queue` at `at` (replacing another time set for it).
    fn schedule(&self, key: Key, at: Timestamp, queue: &Queue) {
        let mut timers = self.lock();
        if timers.get(&key).is_some_and(|(t, _)| *t == at) {
            return;
        }
        // A time already past queues at once.
        let wait =
            std::time::Duration::try_from(Timestamp::now().duration_until(at)).unwrap_or_default();
        let (queue, queued) = (queue.clone(), key.clone());
        let task = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            queue.add(queued);
        });
        if let Some((_, old)) = timers.insert(key, (at, task.abort_handle())) {
            old.abort();
        }
    }

    /// Stops the timer of `key`.
    pub fn cancel(&self, key: &Key) {
        if let Some((_, task)) = self.lock().remove(key) {
            task.abort();
        }
        self.issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Key, (Timestamp, tokio::task::AbortHandle)>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The token Secret of live local pod `pod` in step: written before its ShadowPod, with the
/// token still valid or a new one, and its refresh timer set.
///
/// # Errors
/// A failed token request or write (the pod is retried).
pub(super) async fn ensure(r: &PodReflector, pod: &Pod, remote: &RemoteSide<'_>) -> Result {
    let key = Key::new(pod.namespace().unwrap_or_default(), pod.name_any());
    if translate::token_volume(pod, &r.offload).is_none() {
        r.timers.cancel(&key);
        return Ok(());
    }
    let existing = remote.token.as_deref();
    let uid = pod.uid().unwrap_or_default();
    let now = Timestamp::now();
    let issued =
        match still_valid(existing, &uid, now).or_else(|| r.timers.remembered(&key, &uid, now)) {
            Some(kept) => kept,
            None => request(r, pod, &uid).await?,
        };
    let owner = remote
        .shadow
        .filter(|s| s.metadata.deletion_timestamp.is_none());
    let desired = render_secret(pod, remote.ns, &r.offload, &issued, owner);
    if existing.is_none_or(|s| differs(s, &desired)) {
        liqo_kube::reconcile::apply(&r.remote.client(), &desired, field_manager::VIRTUAL_KUBELET)
            .await
            .map_err(|e| crate::reflection::render(&e))?;
        tracing::info!(pod = %key, remote = %remote.ns, expires = %issued.expires,
            "service account token reflected");
    }
    r.timers
        .schedule(key.clone(), issued.refresh_at(), &r.queue);
    r.timers.remember(key, issued);
    Ok(())
}

/// A token for `pod`'s ServiceAccount bound to the pod, with the consumer's CA.
async fn request(r: &PodReflector, pod: &Pod, uid: &str) -> Result<Issued> {
    let ns = pod.namespace().unwrap_or_default();
    let sa = pod
        .spec
        .as_ref()
        .and_then(|s| s.service_account_name.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into());
    let request = TokenRequest {
        spec: Some(TokenRequestSpec {
            expiration_seconds: Some(TOKEN_SECONDS),
            bound_object_ref: Some(BoundObjectReference {
                api_version: Some("v1".into()),
                kind: Some("Pod".into()),
                name: Some(pod.name_any()),
                uid: Some(uid.to_owned()),
            }),
            ..TokenRequestSpec::default()
        }),
        ..TokenRequest::default()
    };
    let issued = Timestamp::now();
    let token = async {
        Api::<ServiceAccount>::namespaced(r.local.clone(), &ns)
            .create_token_request(&sa, &PostParams::default(), &request)
            .await
            .map_err(|e| {
                format!(
                    "failed to request a token of ServiceAccount {ns}/{sa}: {}",
                    liqo_kube::api_error::render(&e)
                )
            })?
            .status
            .ok_or_else(|| format!("the token request of ServiceAccount {ns}/{sa} got no status"))
    };
    let (status, ca) = tokio::try_join!(token, root_ca(r, &ns))?;
    let fallback = issued
        .checked_add(SignedDuration::from_secs(TOKEN_SECONDS))
        .unwrap_or(issued);
    let token = status
        .token
        .ok_or_else(|| format!("the token request of ServiceAccount {ns}/{sa} got no token"))?;
    // The API server may grant another lifetime than asked; without one, the one asked for.
    let expires = status
        .expiration_timestamp
        .map(|t| t.0)
        .filter(|t| *t > issued)
        .unwrap_or(fallback);
    Ok(Issued {
        pod_uid: uid.to_owned(),
        token,
        ca: ca.into_bytes(),
        issued,
        expires,
    })
}

/// Deletes the token Secret of the local pod `key` (gone or going) and its timer.
///
/// # Errors
/// A failed deletion (the pod is retried).
/// The consumer's CA bundle of namespace `ns`: from the ConfigMap reflector's cache, else read.
async fn root_ca(r: &PodReflector, ns: &str) -> Result<String> {
    let cached = r
        .configmaps
        .cached(ns, ROOT_CA_CONFIGMAP)
        .and_then(|c| c.data.as_ref()?.get(CA_KEY).cloned());
    if let Some(ca) = cached {
        return Ok(ca);
    }
    Api::<ConfigMap>::namespaced(r.local.clone(), ns)
        .get(ROOT_CA_CONFIGMAP)
        .await
        .map_err(|e| {
            format!(
                "failed to read ConfigMap {ns}/{ROOT_CA_CONFIGMAP}: {}",
                liqo_kube::api_error::render(&e)
            )
        })?
        .data
        .and_then(|mut d| d.remove(CA_KEY))
        .ok_or_else(|| format!("ConfigMap {ns}/{ROOT_CA_CONFIGMAP} has no {CA_KEY}"))
}

pub(super) async fn delete(r: &PodReflector, key: &Key, remote: &RemoteSide<'_>) -> Result {
    r.timers.cancel(key);
    let Some(secret) = remote.token.as_deref() else {
        return Ok(());
    };
    if secret.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let api: Api<Secret> = Api::namespaced(r.remote.client(), remote.ns);
    match api
        .delete(&secret.name_any(), &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(format!(
            "failed to delete the token Secret {}/{}: {}",
            remote.ns,
            secret.name_any(),
            liqo_kube::api_error::render(&e)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": "demo", "uid": "u1"},
            "spec": {"containers": [{"name": "main"}]},
        }))
        .unwrap()
    }

    fn issued(at: i64, life: i64) -> Issued {
        Issued {
            pod_uid: "u1".into(),
            token: "secret-token".into(),
            ca: b"CA".to_vec(),
            issued: Timestamp::from_second(at).unwrap(),
            expires: Timestamp::from_second(at + life).unwrap(),
        }
    }

    fn offload() -> Offload {
        Offload {
            node_name: "liqo-p".into(),
            home_cluster_id: "c".into(),
            foreign_cluster_id: "p".into(),
            ..Offload::default()
        }
    }

    #[test]
    fn the_secret_holds_token_ca_and_namespace_and_round_trips() {
        let i = issued(1000, 3600);
        let secret = render_secret(&pod(), "demo-c", &offload(), &i, None);
        assert_eq!(secret.metadata.name.as_deref(), Some("web-1-sa-token"));
        assert_eq!(secret.metadata.namespace.as_deref(), Some("demo-c"));
        assert!(is_token_secret(&secret));
        assert_eq!(pod_of(&secret).as_deref(), Some("web-1"));
        assert_eq!(secret.labels()[POD_LABEL], "web-1");
        assert_eq!(secret.labels()[label::OFFLOADING_NODENAME], "liqo-p");
        let data = secret.data.clone().unwrap();
        assert_eq!(data[NAMESPACE_KEY].0, b"demo");
        assert_eq!(secret.metadata.owner_references, None);
        assert_eq!(issued_in(&secret), Some(i));
        assert!(!format!("{:?}", issued(0, 1)).contains("secret-token"));
    }

    #[test]
    fn the_secret_is_owned_by_the_shadow_pod_when_it_exists() {
        let shadow: ShadowPod = serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": "demo-c", "uid": "s1"},
            "spec": {},
        }))
        .unwrap();
        let secret = render_secret(&pod(), "demo-c", &offload(), &issued(0, 60), Some(&shadow));
        let owner = &secret.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.uid.as_str()),
            ("ShadowPod", "s1")
        );
        assert_eq!(owner.block_owner_deletion, None);
    }

    #[test]
    fn a_token_is_kept_until_80_percent_of_its_life_and_only_for_its_pod() {
        let secret = render_secret(&pod(), "demo-c", &offload(), &issued(1000, 3600), None);
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        assert_eq!(issued(1000, 3600).refresh_at(), at(1000 + 2880));
        assert!(still_valid(Some(&secret), "u1", at(1000 + 2879)).is_some());
        assert!(still_valid(Some(&secret), "u1", at(1000 + 2880)).is_none());
        assert!(
            still_valid(Some(&secret), "u2", at(1001)).is_none(),
            "a re-created pod"
        );
        assert!(still_valid(None, "u1", at(1001)).is_none());
    }

    #[test]
    fn a_changed_token_or_owner_is_written_again() {
        let a = render_secret(&pod(), "demo-c", &offload(), &issued(0, 60), None);
        assert!(!differs(&a, &a));
        let b = render_secret(&pod(), "demo-c", &offload(), &issued(10, 60), None);
        assert!(differs(&a, &b));
    }

    #[test]
    fn a_written_token_is_kept_until_its_refresh_or_its_pod_goes() {
        let at = |s| Timestamp::from_second(s).unwrap();
        let (timers, key) = (Timers::default(), Key::new("demo", "web-1"));
        assert!(timers.remembered(&key, "u1", at(1001)).is_none());
        timers.remember(key.clone(), issued(1000, 3600));
        assert_eq!(
            timers.remembered(&key, "u1", at(1001)),
            Some(issued(1000, 3600))
        );
        assert!(
            timers.remembered(&key, "u1", at(1000 + 2880)).is_none(),
            "due"
        );
        assert!(
            timers.remembered(&key, "u2", at(1001)).is_none(),
            "another pod"
        );
        timers.cancel(&key);
        assert!(
            timers.remembered(&key, "u1", at(1001)).is_none(),
            "forgotten"
        );
    }

    #[tokio::test]
    async fn a_refresh_timer_queues_its_pod_once_at_its_time() {
        let (queue, timers) = (Queue::default(), Timers::default());
        let soon = Timestamp::now()
            .checked_add(SignedDuration::from_millis(100))
            .unwrap();
        let later = soon.checked_add(SignedDuration::from_secs(3600)).unwrap();
        timers.schedule(Key::new("demo", "late"), later, &queue);
        timers.schedule(Key::new("demo", "web-1"), later, &queue);
        // Rescheduled sooner (a new token): the earlier timer is replaced, not added to.
        timers.schedule(Key::new("demo", "web-1"), soon, &queue);
        timers.cancel(&Key::new("demo", "late"));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let runner = queue.clone();
        let task = tokio::spawn(async move {
            runner
                .run(1, move |key| {
                    let tx = tx.clone();
                    async move {
                        let _ = tx.send(key);
                        Ok(())
                    }
                })
                .await;
        });
        let first = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await;
        assert_eq!(first.unwrap(), Some(Key::new("demo", "web-1")));
        let more = tokio::time::timeout(std::time::Duration::from_millis(300), rx.recv()).await;
        assert!(more.is_err(), "nothing else queued: {more:?}");
        task.abort();
    }

    #[test]
    fn long_pod_names_fit_the_secret_name_and_skip_the_label() {
        let mut long = pod();
        long.metadata.name = Some("a".repeat(250));
        let secret = render_secret(&long, "demo-c", &offload(), &issued(0, 60), None);
        assert!(secret.metadata.name.as_ref().unwrap().len() <= 253);
        assert!(!secret.labels().contains_key(POD_LABEL));
        assert_eq!(pod_of(&secret).unwrap().len(), 250);
    }
}
