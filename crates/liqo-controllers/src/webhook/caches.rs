//! What the admission hooks read on every request, watched once: NamespaceOffloadings (pod
//! hook), namespace labels and Quotas (ShadowPod hook). Admission sits on the path of every
//! pod and ShadowPod; reading these live cost two or three requests per admission, which at a
//! burst of a hundred pods is most of the API server's time spent on offloading.
//!
//! A cache only answers what it has: before its first list, and for an object it does not
//! hold (just created, say), the hook reads it live, so a fresh object is never missed.

use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::core::PartialObjectMeta;
use kube::runtime::reflector::store::Writer;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::name;
use liqo_api::offloading::{NamespaceOffloading, Quota};

/// The watched objects, shared by every admission.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // stores and a client: nothing worth printing
pub struct Caches {
    client: Client,
    offloadings: Store<NamespaceOffloading>,
    namespaces: Store<PartialObjectMeta<Namespace>>,
    quotas: Store<Quota>,
}

impl Caches {
    /// Starts the watches; they run until the returned task is aborted.
    pub fn start(client: Client) -> (Self, tokio::task::JoinHandle<()>) {
        let (offloadings, offloadings_w) = reflector::store();
        let (namespaces, namespaces_w) = reflector::store();
        let (quotas, quotas_w) = reflector::store();
        let watches = [
            reflect(Api::all(client.clone()), offloadings_w),
            reflect(Api::all(client.clone()), namespaces_w),
            reflect(Api::all(client.clone()), quotas_w),
        ];
        let task = tokio::spawn(async move {
            futures::future::join_all(watches).await;
        });
        let caches = Self {
            client,
            offloadings,
            namespaces,
            quotas,
        };
        (caches, task)
    }

    /// The client the hooks read live with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The NamespaceOffloading of `namespace`, if any.
    ///
    /// # Errors
    /// The live read failed.
    pub async fn offloading(
        &self,
        namespace: &str,
    ) -> Result<Option<NamespaceOffloading>, kube::Error> {
        let key = ObjectRef::new(name::NAMESPACE_OFFLOADING).within(namespace);
        if let Some(cached) = self.offloadings.get(&key) {
            return Ok(Some((*cached).clone()));
        }
        Api::<NamespaceOffloading>::namespaced(self.client.clone(), namespace)
            .get_opt(name::NAMESPACE_OFFLOADING)
            .await
    }

    /// Label `key` of namespace `namespace` (`None`: no such label, or no such namespace).
    ///
    /// # Errors
    /// The live read failed.
    pub async fn namespace_label(
        &self,
        namespace: &str,
        key: &str,
    ) -> Result<Option<String>, kube::Error> {
        if let Some(cached) = self.namespaces.get(&ObjectRef::new(namespace)) {
            return Ok(cached.labels().get(key).cloned());
        }
        let live = Api::<Namespace>::all(self.client.clone())
            .get_opt(namespace)
            .await?;
        Ok(live.and_then(|n| n.labels().get(key).cloned()))
    }

    /// The Quota of `user`, if any.
    ///
    /// # Errors
    /// The live list failed.
    pub async fn quota_of(&self, user: &str) -> Result<Option<Quota>, kube::Error> {
        let mine = |q: &Quota| q.spec.user == user;
        if let Some(cached) = self.quotas.state().into_iter().find(|q| mine(q)) {
            return Ok(Some((*cached).clone()));
        }
        let live = Api::<Quota>::all(self.client.clone())
            .list(&ListParams::default())
            .await?;
        Ok(live.items.into_iter().find(mine))
    }
}

/// Keeps `writer`'s store in step with every object of `api` (namespaces: metadata only).
fn reflect<K>(api: Api<K>, writer: Writer<K>) -> futures::future::BoxFuture<'static, ()>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    use futures::{FutureExt, StreamExt};
    watcher(api, watcher::Config::default())
        .default_backoff()
        .reflect(writer)
        .for_each(|_| async {})
        .boxed()
}
