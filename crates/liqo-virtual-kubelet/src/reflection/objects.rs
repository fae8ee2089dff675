//! Reflection of the objects pods read by name (spec offloading.md §6.1 step 5): ConfigMaps and
//! Secrets of each accepted namespace are copied into its twin, kept in step, and removed with
//! the original. A copy is marked `liqo.io/managed-by=reflection`; an object of the same name
//! that someone else made on the provider is never overwritten or deleted.
//!
//! Not reflected: `kube-root-ca.crt` (the provider keeps its own in every namespace) and
//! ServiceAccount-token Secrets (legacy long-lived tokens stay local; an offloaded pod gets its
//! own bound token through `pods::token`).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::DeleteParams;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::{field_manager, label};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use super::mapping::Mappings;
use super::queue::{Key, Queue};
use crate::remote::Remote;

/// The ConfigMap every namespace gets from Kubernetes (on both clusters).
const ROOT_CA: &str = "kube-root-ca.crt";
const SA_TOKEN_TYPE: &str = "kubernetes.io/service-account-token";

/// A kind copied as is into the twin namespace.
pub trait Copied:
    Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
    + Clone
    + std::fmt::Debug
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The kind, for logs.
    const KIND: &'static str;
    /// Whether this object is reflected at all.
    fn reflected(&self) -> bool;
    /// The copy's payload (everything but metadata).
    fn payload(&self) -> Self;
}

impl Copied for ConfigMap {
    const KIND: &'static str = "ConfigMap";
    fn reflected(&self) -> bool {
        self.metadata.name.as_deref() != Some(ROOT_CA)
    }
    fn payload(&self) -> Self {
        Self {
            data: self.data.clone(),
            binary_data: self.binary_data.clone(),
            immutable: self.immutable,
            ..Self::default()
        }
    }
}

impl Copied for Secret {
    const KIND: &'static str = "Secret";
    fn reflected(&self) -> bool {
        self.type_.as_deref() != Some(SA_TOKEN_TYPE)
    }
    fn payload(&self) -> Self {
        Self {
            data: self.data.clone(),
            type_: self.type_.clone(),
            immutable: self.immutable,
            ..Self::default()
        }
    }
}

/// The copy of `local` for remote namespace `remote_ns`: its labels and annotations plus the
/// reflection mark.
pub fn remote_copy<K: Copied>(local: &K, remote_ns: &str) -> K {
    let mut copy = local.payload();
    let mut labels: BTreeMap<String, String> = local.labels().clone();
    labels.insert(
        label::MANAGED_BY.into(),
        label::MANAGED_BY_REFLECTION.into(),
    );
    let annotations = local.annotations().clone();
    *copy.meta_mut() = ObjectMeta {
        name: local.meta().name.clone(),
        namespace: Some(remote_ns.to_owned()),
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..ObjectMeta::default()
    };
    copy
}

fn is_copy<K: Resource>(object: &K) -> bool {
    object.labels().get(label::MANAGED_BY).map(String::as_str) == Some(label::MANAGED_BY_REFLECTION)
}

struct Watched<K: Copied> {
    store: Store<K>,
    task: tokio::task::JoinHandle<()>,
}

impl<K: Copied> Drop for Watched<K> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies one kind: local caches per accepted namespace, a queue of local keys.
pub struct CopyReflector<K: Copied> {
    local: Client,
    remote: Remote,
    mappings: watch::Receiver<Mappings>,
    queue: Queue,
    watched: RwLock<HashMap<String, Watched<K>>>,
}

impl<K: Copied> std::fmt::Debug for CopyReflector<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyReflector")
            .field("kind", &K::KIND)
            .finish_non_exhaustive()
    }
}

impl<K> CopyReflector<K>
where
    K: Copied + Send + Sync + 'static,
{
    /// A reflector following `mappings`.
    pub fn new(local: Client, remote: Remote, mappings: watch::Receiver<Mappings>) -> Arc<Self> {
        Arc::new(Self {
            local,
            remote,
            mappings,
            queue: Queue::default(),
            watched: RwLock::new(HashMap::new()),
        })
    }

    /// The cached local object `ns/name`, if that namespace is watched and its cache has it
    /// (whether or not the object is reflected).
    pub fn cached(&self, ns: &str, name: &str) -> Option<Arc<K>> {
        self.read()
            .get(ns)?
            .store
            .get(&ObjectRef::new(name).within(ns))
    }

    /// Runs `workers` workers and follows the mappings until dropped.
    pub async fn run(self: Arc<Self>, workers: usize) {
        let this = self.clone();
        let work = self.queue.run(workers, move |key| {
            let this = this.clone();
            async move { this.reconcile(&key).await }
        });
        let follow = async {
            let mut mappings = self.mappings.clone();
            loop {
                let current = mappings.borrow_and_update().clone();
                self.sync(&current);
                if mappings.changed().await.is_err() {
                    return;
                }
            }
        };
        tokio::join!(work, follow);
    }

    /// Watches the local namespaces of `mappings`: started ones list and queue everything,
    /// stopped ones are dropped (their twins go with the provider's namespace).
    fn sync(&self, mappings: &Mappings) {
        let mut watched = self.write();
        watched.retain(|ns, _| mappings.contains_key(ns));
        for ns in mappings.keys() {
            if watched.contains_key(ns) {
                continue;
            }
            let (store, writer) = reflector::store();
            let api = Api::<K>::namespaced(self.local.clone(), ns);
            let task = tokio::spawn(feed(api, writer, self.queue.clone()));
            watched.insert(ns.clone(), Watched { store, task });
        }
    }

    /// Brings the twin's copy of `key` in step with the local object.
    async fn reconcile(&self, key: &Key) -> Result<(), String> {
        let Some(remote_ns) = self.mappings.borrow().get(&key.ns).cloned() else {
            return Ok(());
        };
        let local = {
            let watched = self.read();
            let Some(w) = watched.get(&key.ns) else {
                return Ok(());
            };
            w.store.get(&ObjectRef::new(&key.name).within(&key.ns))
        };
        let api: Api<K> = Api::namespaced(self.remote.client(), &remote_ns);
        match local {
            Some(object) if object.reflected() && object.meta().deletion_timestamp.is_none() => {
                let existing = api
                    .get_opt(&key.name)
                    .await
                    .map_err(|e| fail("read", &remote_ns, key, &e))?;
                if existing.as_ref().is_some_and(|o| !is_copy(o)) {
                    tracing::warn!(kind = K::KIND, key = %key, remote = %remote_ns,
                        "not reflected: the provider has an object of that name not made by reflection");
                    return Ok(());
                }
                liqo_kube::reconcile::apply(
                    &self.remote.client(),
                    &remote_copy(&*object, &remote_ns),
                    field_manager::VIRTUAL_KUBELET,
                )
                .await
                .map(|_| ())
                .map_err(|e| super::render(&e))
            }
            _ => {
                let existing = api
                    .get_opt(&key.name)
                    .await
                    .map_err(|e| fail("read", &remote_ns, key, &e))?;
                if existing.as_ref().is_some_and(is_copy) {
                    match api.delete(&key.name, &DeleteParams::default()).await {
                        Ok(_) => {}
                        Err(kube::Error::Api(s)) if s.code == 404 => {}
                        Err(e) => return Err(fail("delete", &remote_ns, key, &e)),
                    }
                }
                Ok(())
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Watched<K>>> {
        self.watched
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Watched<K>>> {
        self.watched
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn fail(verb: &str, remote_ns: &str, key: &Key, e: &kube::Error) -> String {
    format!(
        "failed to {verb} the copy of {key} in {remote_ns}: {}",
        liqo_kube::api_error::render(e)
    )
}

/// Caches one local namespace's objects and queues each change.
async fn feed<K>(api: Api<K>, writer: reflector::store::Writer<K>, queue: Queue)
where
    K: Copied + Send + Sync + 'static,
{
    let stream = reflector::reflector(
        writer,
        watcher::watcher(api, watcher::Config::default()).default_backoff(),
    );
    let mut stream = std::pin::pin!(stream);
    let mut relist = super::relist::Relist::default();
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                let key_of =
                    |o: &K| Some(Key::new(o.namespace().unwrap_or_default(), o.name_any()));
                relist
                    .keys(&event, key_of)
                    .into_iter()
                    .for_each(|k| queue.add(k));
            }
            Err(e) => tracing::debug!(kind = K::KIND, error = %e, "local watch error, retrying"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_copy_keeps_data_and_metadata_and_is_marked() {
        let cm: ConfigMap = serde_json::from_value(json!({
            "metadata": {"name": "demo", "namespace": "demo", "uid": "u", "resourceVersion": "7",
                "labels": {"app": "web"}, "annotations": {"note": "x"}},
            "data": {"message": "hello"},
        }))
        .unwrap();
        let copy = remote_copy(&cm, "demo-c");
        assert_eq!(copy.metadata.namespace.as_deref(), Some("demo-c"));
        assert_eq!(copy.metadata.uid, None);
        assert_eq!(copy.metadata.resource_version, None);
        assert_eq!(copy.labels()["app"], "web");
        assert!(is_copy(&copy));
        assert_eq!(copy.data.unwrap()["message"], "hello");
    }

    #[test]
    fn root_ca_and_service_account_tokens_are_not_reflected() {
        let root: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": ROOT_CA}})).unwrap();
        assert!(!root.reflected());
        let token: Secret =
            serde_json::from_value(json!({"metadata": {"name": "t"}, "type": SA_TOKEN_TYPE}))
                .unwrap();
        assert!(!token.reflected());
        let opaque: Secret =
            serde_json::from_value(json!({"metadata": {"name": "s"}, "type": "Opaque"})).unwrap();
        assert!(opaque.reflected());
        assert_eq!(remote_copy(&opaque, "r").type_.as_deref(), Some("Opaque"));
    }
}
