//! Objects of any kind written as JSON (`serde_json::json!`) and sent through the dynamic API.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, PostParams};
use kube::{Api, Client};
use serde_json::{Value, json};

/// The API of `object`, from its apiVersion, kind and namespace.
pub fn api_for(client: &Client, object: &Value) -> Api<DynamicObject> {
    let api_version = object["apiVersion"].as_str().expect("apiVersion");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = object["kind"].as_str().expect("kind");
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    match object["metadata"]["namespace"].as_str() {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// Creates `object`; returns it as the API server stored it.
pub async fn create(client: &Client, object: &Value) -> Result<Value, String> {
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let what = format!("{} {name}", object["kind"].as_str().unwrap_or_default());
    let dynamic: DynamicObject = serde_json::from_value(object.clone()).expect("an object");
    let created = api_for(client, object)
        .create(&PostParams::default(), &dynamic)
        .await
        .map_err(|e| format!("failed to create {what}: {e}"))?;
    Ok(serde_json::to_value(created).expect("JSON"))
}

/// Reads `object` back by kind, namespace and name.
pub async fn read(client: &Client, object: &Value) -> Result<Value, String> {
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let read = api_for(client, object)
        .get(name)
        .await
        .map_err(|e| format!("failed to read back {name}: {e}"))?;
    Ok(serde_json::to_value(read).expect("JSON"))
}

/// Base64, as Secret data holds it.
pub fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// A Namespace with `labels`.
pub fn namespace(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

/// A tenant namespace of `cluster_id`, as the tenant-namespace helper labels it.
pub fn tenant_namespace(name: &str, cluster_id: &str) -> Value {
    namespace(
        name,
        json!({"liqo.io/remote-cluster-id": cluster_id, "liqo.io/tenant-namespace": "true"}),
    )
}

/// A Secret with `labels` and (base64) `data`.
pub fn secret(ns: &str, name: &str, labels: Value, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": ns, "labels": labels}, "data": data})
}
