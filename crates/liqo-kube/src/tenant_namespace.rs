//! Tenant namespaces: one per remote cluster, found by label, created with a default name.

use std::collections::BTreeMap;

use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{ListParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{label, name};

/// Why a tenant namespace could not be found or made.
#[derive(Debug, thiserror::Error)]
pub enum TenantNamespaceError {
    /// More than one namespace carries the cluster's labels.
    #[error(
        "multiple tenant namespaces found for clusterid {cluster_id}: {}; remove the labels from all but one", names.join(", ")
    )]
    Multiple {
        /// The remote cluster.
        cluster_id: String,
        /// The labelled namespaces.
        names: Vec<String>,
    },
    /// Listing is forbidden and no namespace with the default name and labels exists.
    #[error(
        "namespace access is forbidden to current user and no tenant namespace with default name has been created in advance"
    )]
    Forbidden,
    /// A namespace with the default name exists but is not labelled for the cluster.
    #[error(
        "namespace {name} exists but is not the tenant namespace of cluster {cluster_id}: {}", problems.join(", ")
    )]
    Foreign {
        /// The namespace.
        name: String,
        /// The remote cluster it should belong to.
        cluster_id: String,
        /// Which label is missing or holds which wrong value.
        problems: Vec<String>,
    },
    /// The tenant namespace is being deleted: nothing can be created in it.
    #[error(
        "tenant namespace {0} is being deleted: wait until it is gone, then run the command again"
    )]
    Terminating(String),
    /// The user may not create the missing tenant namespace.
    #[error(
        "the tenant namespace {0} does not exist and the current user may not create namespaces"
    )]
    CannotCreate(String),
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

/// What keeps `ns` from being the tenant namespace of `cluster_id` (pure): one entry per label
/// that is missing or holds another value. Empty when it is the tenant namespace.
pub fn label_problems(ns: &Namespace, cluster_id: &str) -> Vec<String> {
    let labels = ns.labels();
    let mut problems = Vec::new();
    match labels.get(label::REMOTE_CLUSTER_ID) {
        None => problems.push(format!(
            "label {} is missing (expected {cluster_id:?})",
            label::REMOTE_CLUSTER_ID
        )),
        Some(v) if v != cluster_id => problems.push(format!(
            "label {} is {v:?} (expected {cluster_id:?})",
            label::REMOTE_CLUSTER_ID
        )),
        Some(_) => {}
    }
    // Upstream's selector only asks for the label's presence, whatever its value.
    if !labels.contains_key(label::TENANT_NAMESPACE) {
        problems.push(format!(
            "label {} is missing (expected {:?})",
            label::TENANT_NAMESPACE,
            label::TRUE
        ));
    }
    problems
}

fn is_tenant_of(ns: &Namespace, cluster_id: &str) -> bool {
    label_problems(ns, cluster_id).is_empty()
}

fn foreign(ns: &Namespace, cluster_id: &str) -> TenantNamespaceError {
    TenantNamespaceError::Foreign {
        name: ns.name_any(),
        cluster_id: cluster_id.into(),
        problems: label_problems(ns, cluster_id),
    }
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
        Ok(list) if list.items.len() > 1 => Err(TenantNamespaceError::Multiple {
            cluster_id: cluster_id.into(),
            names: list.items.iter().map(ResourceExt::name_any).collect(),
        }),
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

/// What [`ensure`] would find or do, decided without writing.
#[derive(Debug, Clone)]
pub enum Plan {
    /// The tenant namespace exists (found by its labels).
    Existing(Box<Namespace>),
    /// The default name is free and the user may create it.
    Create(String),
}

impl Plan {
    /// The namespace's name, existing or to be.
    pub fn name(&self) -> String {
        match self {
            Plan::Existing(ns) => ns.name_any(),
            Plan::Create(name) => name.clone(),
        }
    }
}

/// Read-only check of the tenant namespace of `cluster_id`, for commands that must refuse
/// before writing anything: duplicates, a foreign namespace holding the default name, a
/// namespace being deleted, or no right to create the missing one.
///
/// # Errors
/// [`TenantNamespaceError`] naming what is wrong.
pub async fn plan(client: &Client, cluster_id: &str) -> Result<Plan, TenantNamespaceError> {
    if let Some(ns) = lookup(client, cluster_id).await? {
        if ns.metadata.deletion_timestamp.is_some() {
            return Err(TenantNamespaceError::Terminating(ns.name_any()));
        }
        return Ok(Plan::Existing(Box::new(ns)));
    }
    let api: Api<Namespace> = Api::all(client.clone());
    let name = default_name(cluster_id);
    match api.get_opt(&name).await {
        // Labelled since the lookup (a concurrent run): it is the tenant namespace.
        Ok(Some(existing)) if is_tenant_of(&existing, cluster_id) => {
            return Ok(Plan::Existing(Box::new(existing)));
        }
        Ok(Some(existing)) => return Err(foreign(&existing, cluster_id)),
        Ok(None) => {}
        // A user that may not read namespaces learns more from the create check below.
        Err(kube::Error::Api(e)) if e.code == 403 => {}
        Err(e) => return Err(TenantNamespaceError::Api("read", cluster_id.into(), e)),
    }
    if may_create_namespaces(client).await == Some(false) {
        return Err(TenantNamespaceError::CannotCreate(name));
    }
    Ok(Plan::Create(name))
}

/// Whether the user may create namespaces (a SelfSubjectAccessReview); `None` when the review
/// itself cannot be made (the create then answers for itself).
async fn may_create_namespaces(client: &Client) -> Option<bool> {
    let review: SelfSubjectAccessReview = serde_json::from_value(serde_json::json!({
        "spec": {"resourceAttributes": {"verb": "create", "resource": "namespaces"}}
    }))
    .ok()?;
    let answer = Api::<SelfSubjectAccessReview>::all(client.clone())
        .create(&PostParams::default(), &review)
        .await
        .ok()?;
    answer.status.map(|s| s.allowed)
}

/// The tenant namespace [`ensure_created`] found or made.
#[derive(Debug, Clone)]
pub struct Ensured {
    /// The namespace.
    pub namespace: Namespace,
    /// Whether this call created it (`false`: it existed, or a concurrent caller made it).
    pub created: bool,
}

/// The tenant namespace of `cluster_id`, created with the default name when missing.
///
/// # Errors
/// As [`ensure_created`].
pub async fn ensure(
    client: &Client,
    cluster_id: &str,
    field_manager: &str,
) -> Result<Namespace, TenantNamespaceError> {
    Ok(ensure_created(client, cluster_id, field_manager)
        .await?
        .namespace)
}

/// The tenant namespace of `cluster_id`, created with the default name when missing, and
/// whether this call created it.
///
/// Create-or-adopt: the create fails with AlreadyExists when another caller (a concurrent
/// `liqoctl`, a controller) made the namespace since the lookup; it is then re-read and adopted
/// if its labels are the tenant's, refused otherwise. An apply would have silently labelled a
/// foreign namespace, a read-then-create would race.
///
/// # Errors
/// As [`lookup`]; [`TenantNamespaceError::Foreign`] when the default name is taken by a
/// namespace without the tenant labels.
pub async fn ensure_created(
    client: &Client,
    cluster_id: &str,
    field_manager: &str,
) -> Result<Ensured, TenantNamespaceError> {
    if let Some(namespace) = lookup(client, cluster_id).await? {
        return Ok(Ensured {
            namespace,
            created: false,
        });
    }
    let api: Api<Namespace> = Api::all(client.clone());
    let params = PostParams {
        field_manager: Some(field_manager.into()),
        ..Default::default()
    };
    match api.create(&params, &render(cluster_id)).await {
        Ok(namespace) => Ok(Ensured {
            namespace,
            created: true,
        }),
        Err(kube::Error::Api(e)) if e.code == 409 => {
            let existing = api
                .get(&default_name(cluster_id))
                .await
                .map_err(|e| TenantNamespaceError::Api("read", cluster_id.into(), e))?;
            if !is_tenant_of(&existing, cluster_id) {
                return Err(foreign(&existing, cluster_id));
            }
            Ok(Ensured {
                namespace: existing,
                created: false,
            })
        }
        Err(e) => Err(TenantNamespaceError::Api("create", cluster_id.into(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(labels: &[(&str, &str)]) -> Namespace {
        let mut ns = render("x");
        ns.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        ns
    }

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

    #[test]
    fn label_problems_name_each_label_and_its_wrong_value() {
        assert_eq!(
            label_problems(&render("other"), "x"),
            ["label liqo.io/remote-cluster-id is \"other\" (expected \"x\")"]
        );
        assert_eq!(
            label_problems(&labelled(&[]), "x"),
            [
                "label liqo.io/remote-cluster-id is missing (expected \"x\")",
                "label liqo.io/tenant-namespace is missing (expected \"true\")"
            ]
        );
        assert_eq!(
            label_problems(&labelled(&[(label::REMOTE_CLUSTER_ID, "x")]), "x"),
            ["label liqo.io/tenant-namespace is missing (expected \"true\")"]
        );
        assert!(label_problems(&render("x"), "x").is_empty());
        let message = foreign(&render("other"), "x").to_string();
        assert_eq!(
            message,
            "namespace liqo-tenant-other exists but is not the tenant namespace of cluster x: label liqo.io/remote-cluster-id is \"other\" (expected \"x\")"
        );
    }

    #[test]
    fn duplicates_are_named() {
        let e = TenantNamespaceError::Multiple {
            cluster_id: "x".into(),
            names: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            e.to_string(),
            "multiple tenant namespaces found for clusterid x: a, b; remove the labels from all but one"
        );
    }
}
