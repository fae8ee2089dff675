//! The checks both nonce controllers make: the Secret names its remote cluster and sits in
//! that cluster's tenant namespace.

use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::runtime::events::EventType;
use liqo_api::consts::label;
use liqo_kube::tenant_namespace::{self, TenantNamespaceError};

use crate::context::Context;

/// The outcome of the checks.
#[derive(Debug)]
pub enum Verdict {
    /// The Secret belongs to the tenant namespace of this remote cluster.
    Valid(String),
    /// Not actionable until the Secret changes (an Event says why).
    Invalid,
    /// The cluster has no tenant namespace yet (an Event says so): retry, as upstream does,
    /// since labelling a namespace later does not touch the Secret.
    NoTenantNamespace,
}

/// Checks `secret`; `missing_id_reason` is the Event reason when the cluster ID label is absent.
///
/// # Errors
/// When the tenant namespace cannot be looked up (transient).
pub async fn check(
    ctx: &Context,
    secret: &Secret,
    missing_id_reason: &str,
) -> Result<Verdict, TenantNamespaceError> {
    let Some(cluster_id) = secret.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
        let note = format!("Secret lacks the {} label", label::REMOTE_CLUSTER_ID);
        ctx.event(secret, EventType::Warning, missing_id_reason, note)
            .await;
        return Ok(Verdict::Invalid);
    };
    let tenant = match tenant_namespace::lookup(&ctx.client, &cluster_id).await {
        Ok(Some(ns)) => ns.name_any(),
        Ok(None) => {
            let note = format!("no tenant namespace for cluster {cluster_id}");
            ctx.event(secret, EventType::Warning, "TenantNamespaceNotFound", note)
                .await;
            return Ok(Verdict::NoTenantNamespace);
        }
        Err(e) => {
            // With its cause: a failed lookup says why the API server refused it.
            ctx.warn_error(secret, "TenantNamespaceNotFound", &e).await;
            return Err(e);
        }
    };
    // Upstream looks nonces up in any namespace; only the tenant namespace counts here.
    if secret.namespace().as_deref() != Some(tenant.as_str()) {
        let note =
            format!("Secret must be in the tenant namespace {tenant} of cluster {cluster_id}");
        ctx.event(secret, EventType::Warning, "WrongNamespace", note)
            .await;
        return Ok(Verdict::Invalid);
    }
    Ok(Verdict::Valid(cluster_id))
}

/// Whether a retry soon may resolve `error`: API trouble and a namespace being deleted do;
/// a conflicting or foreign namespace needs an administrator.
pub fn namespace_error_is_transient(error: &TenantNamespaceError) -> bool {
    match error {
        TenantNamespaceError::Terminating(_) => true,
        TenantNamespaceError::Api(_, _, e) => liqo_kube::reconcile::transient_kube(e),
        _ => false,
    }
}
