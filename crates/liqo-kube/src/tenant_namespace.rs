//! Tenant namespaces: one per remote cluster, found by label, created with a default name.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{label, name};

/// Why a tenant namespace could not be found or made.
#[derive(Debug, thiserror::Error)]
pub enum TenantNamespaceError {
    /// More than one namespace carries the cluster's labels.
    #[error("multiple tenant namespaces found for clusterid {0}")]
    Multiple(String),
    /// Listing is forbidden and no namespace with the default name and labels exists.
    #[error(
        "namespace access is forbidden to current user and no tenant namespace with default name has been created in advance"
    )]
    Forbidden,
    /// A namespace with the default name exists without the tenant labels.
    #[error(
        "namespace {0} exists but is not a tenant namespace (it lacks the liqo.io/tenant-namespace and liqo.io/remote-cluster-id labels)"
    )]
    Unlabelled(String),
    /// The API server refused.
    #[error("failed to {0} the tenant namespace for cluster {1}")]
    Api(&'static str, String, #[source] kube::Error),
}

/// `liqo-tenant-<cluster id>`.
pub fn default_name(cluster_id: &str) -> String {
    format!("{}{cluster_id}", name::TENANT_NAMESPACE_PREFIX)
}

/// The label selector of the tenant namespace of `cluster_id`.
pub fn selector(cluster_id: &str) -> String {
    format!(
        "{}={cluster_id},{}",
        label::REMOTE_CLUSTER_ID,
        label::TENANT_NAMESPACE
    )
}

/// A new tenant namespace (pure): default name, tenant labels, privileged pod security (the
/// gateway runs in it).
pub fn render(cluster_id: &str) -> Namespace {
    let labels = BTreeMap::from([
        (label::REMOTE_CLUSTER_ID.to_string(), cluster_id.to_string()),
        (label::TENANT_NAMESPACE.to_string(), label::TRUE.to_string()),
        (
            label::POD_SECURITY_AUDIT.to_string(),
            label::PRIVILEGED.to_string(),
        ),
        (
            label::POD_SECURITY_ENFORCE.to_string(),
            label::PRIVILEGED.to_string(),
        ),
        (
            label::POD_SECURITY_WARN.to_string(),
            label::PRIVILEGED.to_string(),
        ),
    ]);
    Namespace {
        metadata: ObjectMeta {
            name: Some(default_name(cluster_id)),
            labels: Some(labels),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn is_tenant_of(ns: &Namespace, cluster_id: &str) -> bool {
    let labels = ns.labels();
    labels.get(label::REMOTE_CLUSTER_ID).map(String::as_str) == Some(cluster_id)
        && labels.contains_key(label::TENANT_NAMESPACE)
}

/// The tenant namespace of `cluster_id`, if any. When listing namespaces is forbidden (a
/// peering user), falls back to reading the default name.
///
/// # Errors
/// [`TenantNamespaceError`] for duplicates, a forbidden fallback or API failures.
pub async fn lookup(
    client: &Client,
    cluster_id: &str,
) -> Result<Option<Namespace>, TenantNamespaceError> {
    let api: Api<Namespace> = Api::all(client.clone());
    match api
        .list(&ListParams::default().labels(&selector(cluster_id)))
        .await
    {
        Ok(list) if list.items.len() > 1 => Err(TenantNamespaceError::Multiple(cluster_id.into())),
        Ok(list) => Ok(list.items.into_iter().next()),
        Err(kube::Error::Api(e)) if e.code == 403 => {
            match api.get_opt(&default_name(cluster_id)).await {
                Ok(Some(ns)) if is_tenant_of(&ns, cluster_id) => Ok(Some(ns)),
                _ => Err(TenantNamespaceError::Forbidden),
            }
        }
        Err(e) => Err(TenantNamespaceError::Api("list", cluster_id.into(), e)),
    }
}

/// The tenant namespace of `cluster_id`, created with the default name when missing.
///
/// # Errors
/// As [`lookup`], or when the default name is taken by an unlabelled namespace.
pub async fn ensure(
    client: &Client,
    cluster_id: &str,
    field_manager: &str,
) -> Result<Namespace, TenantNamespaceError> {
    if let Some(ns) = lookup(client, cluster_id).await? {
        return Ok(ns);
    }
    let api: Api<Namespace> = Api::all(client.clone());
    let name = default_name(cluster_id);
    if let Some(existing) = api
        .get_opt(&name)
        .await
        .map_err(|e| TenantNamespaceError::Api("read", cluster_id.into(), e))?
    {
        return Err(TenantNamespaceError::Unlabelled(existing.name_any()));
    }
    api.patch(
        &name,
        &PatchParams::apply(field_manager),
        &Patch::Apply(&render(cluster_id)),
    )
    .await
    .map_err(|e| TenantNamespaceError::Api("create", cluster_id.into(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_namespace_is_found_by_the_selector_labels() {
        let ns = render("cool-firefly");
        assert_eq!(ns.name_any(), "liqo-tenant-cool-firefly");
        assert!(is_tenant_of(&ns, "cool-firefly"));
        assert!(!is_tenant_of(&ns, "other"));
        assert_eq!(
            selector("x"),
            "liqo.io/remote-cluster-id=x,liqo.io/tenant-namespace"
        );
    }
}
