//! What every reconciler shares: the object bound, finalizers, server-side apply with a field
//! manager (skipped when nothing would change), and an error type whose
//! [`is_transient`](ReconcileError::is_transient) drives the retry backoff.

mod apply;
mod backoff;
mod error;
mod finalizer;

pub use apply::{apply, apply_status, status_differs};
pub use backoff::Backoff;
pub use error::{ReconcileError, ResultExt, transient_kube};
pub use finalizer::{add_finalizer, has_finalizer, remove_finalizer};

use k8s_openapi::NamespaceResourceScope;
use kube::Resource;
use kube::api::{ApiResource, DynamicObject};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Any typed object a reconciler reads and writes.
pub trait Object:
    Resource<DynamicType = ()>
    + Clone
    + Serialize
    + DeserializeOwned
    + std::fmt::Debug
    + Send
    + Sync
    + 'static
{
}
impl<K> Object for K where
    K: Resource<DynamicType = ()>
        + Clone
        + Serialize
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static
{
}

/// A namespaced [`Object`] (most Liqo kinds: they live in tenant namespaces).
pub trait NamespacedObject: Object + Resource<Scope = NamespaceResourceScope> {}
impl<K> NamespacedObject for K where K: Object + Resource<Scope = NamespaceResourceScope> {}

/// An untyped API of `object`'s own kind, in its namespace (cluster-wide when it has none):
/// one code path for namespaced and cluster-scoped kinds.
fn api_for<K: Object>(client: &kube::Client, object: &K) -> kube::Api<DynamicObject> {
    let resource = ApiResource::erase::<K>(&());
    match object.meta().namespace.as_deref() {
        Some(ns) => kube::Api::namespaced_with(client.clone(), ns, &resource),
        None => kube::Api::all_with(client.clone(), &resource),
    }
}

/// `object` read back as its typed kind.
fn typed<K: Object>(object: DynamicObject) -> Result<K, ReconcileError> {
    let kind = K::kind(&()).into_owned();
    object.try_parse::<K>().map_err(|e| {
        ReconcileError::Invalid(format!(
            "the API server returned a {kind} that does not parse: {e}"
        ))
    })
}

/// `Kind namespace/name` (or `Kind name`) for messages.
pub fn describe<K: Object>(object: &K) -> String {
    let meta = object.meta();
    let name = meta.name.as_deref().unwrap_or_default();
    match meta.namespace.as_deref() {
        Some(ns) => format!("{} {ns}/{name}", K::kind(&())),
        None => format!("{} {name}", K::kind(&())),
    }
}
