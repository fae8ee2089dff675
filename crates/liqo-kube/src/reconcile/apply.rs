//! Server-side apply with a field manager. A whole-object apply that changes nothing is a no-op
//! on the API server (no write, same resourceVersion); a status apply is skipped here when the
//! status already equals the one read, which saves the request.

use kube::api::{Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::json;

use super::{Object, ReconcileError, api_for, describe, typed};

/// Applies `desired` (forced: this controller owns the fields it sets) and returns the result.
///
/// # Errors
/// The API refusal, naming the object.
pub async fn apply<K: Object>(
    client: &Client,
    desired: &K,
    field_manager: &str,
) -> Result<K, ReconcileError> {
    let mut body = serde_json::to_value(desired)
        .map_err(|e| ReconcileError::Invalid(format!("{}: {e}", describe(desired))))?;
    body["apiVersion"] = K::api_version(&()).into();
    body["kind"] = K::kind(&()).into();
    // The apply carries only what this writer owns: never a stale resourceVersion or managedFields.
    if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("resourceVersion");
        meta.remove("managedFields");
        meta.remove("uid");
        meta.remove("creationTimestamp");
    }
    if let Some(object) = body.as_object_mut() {
        object.remove("status");
    }
    api_for(client, desired)
        .patch(
            &desired.name_any(),
            &PatchParams::apply(field_manager).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| ReconcileError::api(format!("apply {}", describe(desired)), e))
        .and_then(typed)
}

/// Whether `current`'s status (as JSON) differs from `desired`.
pub fn status_differs<K: Object, S: Serialize>(current: &K, desired: &S) -> bool {
    let current = serde_json::to_value(current)
        .ok()
        .and_then(|v| v.get("status").cloned())
        .unwrap_or(serde_json::Value::Null);
    let desired = serde_json::to_value(desired).unwrap_or(serde_json::Value::Null);
    current != desired
}

/// Applies `status` to `current`'s status subresource unless it already has exactly that
/// status; `Ok(true)` when a write was made.
///
/// # Errors
/// The API refusal, naming the object (404 when it was deleted meanwhile).
pub async fn apply_status<K: Object, S: Serialize>(
    client: &Client,
    current: &K,
    status: &S,
    field_manager: &str,
) -> Result<bool, ReconcileError> {
    if !status_differs(current, status) {
        return Ok(false);
    }
    // Named: without a name, an apply to the status of an object that is gone is answered
    // 400 ("name must be provided") instead of the 404 that says it was deleted meanwhile.
    let mut metadata = json!({"name": current.name_any()});
    if let Some(ns) = current.namespace() {
        metadata["namespace"] = ns.into();
    }
    let body = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "metadata": metadata,
        "status": status,
    });
    api_for(client, current)
        .patch_status(
            &current.name_any(),
            &PatchParams::apply(field_manager).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| {
            ReconcileError::api(format!("write the status of {}", describe(current)), e)
        })?;
    Ok(true)
}
