//! Finalizers: added before the first write outside the cluster, removed as the last step of
//! the cleanup. Both are merge patches pinned to the resourceVersion that was read, so a
//! concurrent change makes them fail (409, transient) instead of dropping someone's finalizer.

use kube::api::{Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde_json::json;

use super::{Object, ReconcileError, api_for, describe};

/// Whether `object` carries `finalizer`.
pub fn has_finalizer<K: Object>(object: &K, finalizer: &str) -> bool {
    object.finalizers().iter().any(|f| f == finalizer)
}

/// Adds `finalizer` to `object`; `Ok(true)` when it was added, `Ok(false)` when already there.
///
/// # Errors
/// The API refusal (a 409 when the object changed since it was read).
pub async fn add_finalizer<K: Object>(
    client: &Client,
    object: &K,
    finalizer: &str,
) -> Result<bool, ReconcileError> {
    if has_finalizer(object, finalizer) {
        return Ok(false);
    }
    let mut finalizers = object.finalizers().to_vec();
    finalizers.push(finalizer.to_owned());
    patch(client, object, finalizers, "add the finalizer to").await?;
    Ok(true)
}

/// Removes `finalizer` from `object`; a vanished object is fine.
///
/// # Errors
/// The API refusal (a 409 when the object changed since it was read).
pub async fn remove_finalizer<K: Object>(
    client: &Client,
    object: &K,
    finalizer: &str,
) -> Result<(), ReconcileError> {
    if !has_finalizer(object, finalizer) {
        return Ok(());
    }
    let finalizers: Vec<String> = object
        .finalizers()
        .iter()
        .filter(|f| *f != finalizer)
        .cloned()
        .collect();
    match patch(client, object, finalizers, "remove the finalizer from").await {
        Err(e) if e.status_code() == Some(404) => Ok(()),
        other => other,
    }
}

async fn patch<K: Object>(
    client: &Client,
    object: &K,
    finalizers: Vec<String>,
    what: &str,
) -> Result<(), ReconcileError> {
    let body = json!({"metadata": {
        "finalizers": finalizers,
        "resourceVersion": object.resource_version(),
    }});
    api_for(client, object)
        .patch(
            &object.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&body),
        )
        .await
        .map_err(|e| ReconcileError::api(format!("{what} {}", describe(object)), e))?;
    Ok(())
}
