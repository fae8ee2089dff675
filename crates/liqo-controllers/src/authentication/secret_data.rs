//! Reading and writing single keys of Secrets the handshake exchanges.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use serde_json::json;

/// The value of `key` in `data` (or `stringData` of an object not yet round-tripped).
pub fn value(secret: &Secret, key: &str) -> Option<Vec<u8>> {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .map(|v| v.0.clone())
        .or_else(|| {
            secret
                .string_data
                .as_ref()?
                .get(key)
                .map(|v| v.clone().into_bytes())
        })
}

/// Sets `data[key] = bytes`, failing with a conflict if the Secret changed since it was read
/// (so two racing reconciles never both write a nonce).
///
/// # Errors
/// The API server's answer (409 when the Secret changed meanwhile).
pub async fn set(
    client: &Client,
    secret: &Secret,
    key: &str,
    bytes: &[u8],
    field_manager: &str,
) -> Result<(), kube::Error> {
    use base64::Engine;
    let api: Api<Secret> = Api::namespaced(client.clone(), &secret.namespace().unwrap_or_default());
    let patch = json!({
        "metadata": {"resourceVersion": secret.resource_version()},
        "data": {key: base64::engine::general_purpose::STANDARD.encode(bytes)},
    });
    api.patch(
        &secret.name_any(),
        &PatchParams {
            field_manager: Some(field_manager.into()),
            ..Default::default()
        },
        &Patch::Merge(&patch),
    )
    .await?;
    Ok(())
}
