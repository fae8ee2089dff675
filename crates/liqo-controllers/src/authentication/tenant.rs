//! Tenant controller (provider side): checks the consumer's handshake, issues its control-plane
//! certificate, binds its roles and fills the Tenant status; on deletion removes the
//! cluster-wide bindings (the namespaced ones go with the Tenant by owner reference).

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{
    AuthParams, AuthzPolicy, IdentityType, Renew, ResourceSlice, Tenant, TenantCondition,
};
use liqo_api::consts::{annotation, field_manager, finalizer, label, name};
use liqo_kube::auth::certificate::{Issued, Reuse};
use liqo_kube::auth::renewal::renewal_delay;
use liqo_kube::auth::tenant::{HandshakeError, verify_tenant};
use liqo_kube::auth::{bindings, certificate};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt, transient_kube};
use liqo_kube::tenant_namespace;
use serde_json::{Value, json};
use tracing::instrument;

use crate::authentication::tenant_secret::namespace_error_is_transient;
use crate::context::{Context, Retry};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::TENANT;
/// The shortest wait before a certificate renewal is checked again.
const MIN_RENEWAL_CHECK: Duration = Duration::from_secs(5);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The consumer's nonce is missing.
    #[error("no nonce for cluster {0} in its tenant namespace")]
    NonceNotFound(String),
    /// The tenant namespace could not be resolved.
    #[error(transparent)]
    TenantNamespace(#[from] tenant_namespace::TenantNamespaceError),
    /// The certificate could not be issued.
    #[error(transparent)]
    Certificate(#[from] certificate::CertificateError),
    /// A required ClusterRole is not installed.
    #[error(
        "required ClusterRole resources with app.kubernetes.io/name={0:?} not found: reinstall with `liqoctl install`"
    )]
    MissingRoles(&'static str),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        use certificate::CertificateError as Cert;
        match self {
            Self::Reconcile(e) => e.is_transient(),
            // The consumer's handshake comes by itself.
            Self::NonceNotFound(_) => true,
            Self::TenantNamespace(e) => namespace_error_is_transient(e),
            Self::Certificate(Cert::Api(_, e)) => transient_kube(e),
            Self::Certificate(Cert::Wait(_)) => true,
            Self::Certificate(Cert::CsrMismatch) | Self::MissingRoles(_) => false,
        }
    }
}

#[instrument(skip_all, fields(name = %tenant.name_any(), ns = tenant.namespace()))]
async fn reconcile(tenant: Arc<Tenant>, ctx: Arc<Context>) -> Result<Action, Error> {
    let consumer = tenant.spec.cluster_id.clone().unwrap_or_default();
    let namespaced_roles = roles(&ctx, label::APP_NAME_REMOTE_CONTROLPLANE).await?;
    let clusterwide_roles = roles(&ctx, label::APP_NAME_VIRTUAL_KUBELET_REMOTE_CLUSTERWIDE).await?;
    if tenant.metadata.deletion_timestamp.is_some() {
        unbind_clusterwide(&ctx, &clusterwide_roles, &consumer).await?;
        reconcile::remove_finalizer(&ctx.client, &*tenant, finalizer::TENANT).await?;
        return Ok(Action::await_change());
    }
    if reconcile::add_finalizer(&ctx.client, &*tenant, finalizer::TENANT).await? {
        return Ok(Action::await_change());
    }
    let tenant_ns = tenant_namespace::ensure(&ctx.client, &consumer, FIELD_MANAGER)
        .await?
        .name_any();
    let cordoned = tenant.spec.tenant_condition == Some(TenantCondition::Cordoned);
    cordon_slices(&ctx, &tenant_ns, &consumer, cordoned).await?;
    let policy = tenant.spec.authz_policy.unwrap_or_default();
    let mut status = tenant.status.clone().unwrap_or_default();
    let mut next_renewal = None;
    status.tenant_namespace = Some(tenant_ns.clone());
    if policy == AuthzPolicy::KeysExchange {
        // Upstream accepts a Tenant anywhere and its nonce from any namespace; here both must
        // be in the consumer's tenant namespace.
        if tenant.namespace().as_deref() != Some(tenant_ns.as_str()) {
            let note =
                format!("Tenant must be in the tenant namespace {tenant_ns} of cluster {consumer}");
            ctx.event(&*tenant, EventType::Warning, "WrongNamespace", note)
                .await;
            return Ok(Action::await_change());
        }
        let nonce = nonce(&ctx, &tenant_ns, &consumer).await?;
        if let Err(e) = verify_tenant(&tenant, &nonce) {
            let reason = match e {
                HandshakeError::Csr(_) => "InvalidCSR",
                _ => "SignatureVerificationFailed",
            };
            tracing::warn!(consumer, error = %e, "tenant refused");
            ctx.event(&*tenant, EventType::Warning, reason, e.to_string())
                .await;
            return Ok(Action::await_change());
        }
        let now = k8s_openapi::jiff::Timestamp::now().as_second();
        let cert = certify(&ctx, &tenant, &tenant_ns, &consumer, now).await?;
        next_renewal = renewal_delay(&cert, now);
        status.auth_params =
            Some(super::auth_params(&ctx, cert, tenant.spec.proxy_url.clone()).await?);
        let owner = tenant.controller_owner_ref(&());
        for role in &namespaced_roles {
            let binding = bindings::render_role_binding(role, &tenant_ns, &consumer, owner.clone());
            reconcile::apply(&ctx.client, &binding, FIELD_MANAGER).await?;
        }
    }
    for role in &clusterwide_roles {
        let binding = bindings::render_cluster_role_binding(role, &consumer);
        reconcile::apply(&ctx.client, &binding, FIELD_MANAGER).await?;
    }
    if let Some(params) = &status.auth_params {
        mirror_into_renews(&ctx, &tenant_ns, &consumer, params).await?;
    }
    if reconcile::apply_status(&ctx.client, &*tenant, &status, FIELD_MANAGER).await? {
        ctx.event(
            &*tenant,
            EventType::Normal,
            "Reconciled",
            format!("Tenant of cluster {consumer} authenticated"),
        )
        .await;
    }
    Ok(match next_renewal {
        Some(delay) => Action::requeue(delay.max(MIN_RENEWAL_CHECK)),
        None => Action::await_change(),
    })
}

/// The consumer's certificate for the Tenant's (verified) CSR: cached, renewed at two thirds
/// of its lifetime (authentication.md §5.5), or re-issued when the cache holds another CSR.
/// A failure is also a Warning Event, which the CLI's timeout shows.
async fn certify(
    ctx: &Context,
    tenant: &Tenant,
    tenant_ns: &str,
    consumer: &str,
    now: i64,
) -> Result<Vec<u8>, Error> {
    let csr = tenant.spec.csr.clone().map(|c| c.0).unwrap_or_default();
    let current = tenant
        .status
        .as_ref()
        .and_then(|s| s.auth_params.as_ref()?.signed_crt.as_ref());
    let renew = current.is_some_and(|c| renewal_delay(&c.0, now).is_none_or(|d| d.is_zero()));
    // verify_tenant checked this CSR against the Tenant's key (and its self-signature), so a
    // cache holding another CSR of the same consumer is stale, not a threat: re-issue.
    // Upstream refuses it forever ("the stored and the provided CSR do not match").
    let reuse = if renew {
        Reuse::Renew
    } else {
        Reuse::ReplaceStale
    };
    let issued = certificate::ensure(
        &ctx.client,
        tenant_ns,
        name::REMOTE_CERTIFICATE_SECRET,
        consumer,
        &csr,
        FIELD_MANAGER,
        reuse,
    )
    .await;
    match issued {
        Ok((cert, how)) => {
            announce(ctx, tenant, consumer, how, renew).await;
            Ok(cert)
        }
        Err(e) => {
            // Upstream's reason for the same failure.
            let note = format!(
                "certificate of cluster {consumer} not issued: {}",
                crate::context::error_chain(&e)
            );
            ctx.event(tenant, EventType::Warning, "AuthParamsFailed", note)
                .await;
            Err(e.into())
        }
    }
}

/// The Normal Event for a certificate issued in place of another one.
async fn announce(ctx: &Context, tenant: &Tenant, consumer: &str, issued: Issued, renew: bool) {
    let (reason, note) = match issued {
        Issued::New if renew => (
            "CertificateRenewed",
            format!("certificate of cluster {consumer} renewed"),
        ),
        Issued::ReplacedStale => (
            "CertificateReissued",
            format!(
                "the cached certificate of cluster {consumer} was issued for other CSR bytes (another client, or an older one): issued one for the Tenant's CSR"
            ),
        ),
        Issued::Cached | Issued::New => return,
    };
    ctx.event(tenant, EventType::Normal, reason, note).await;
}

fn error_policy(tenant: Arc<Tenant>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry("tenant", &*tenant, error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let tenants: Api<Tenant> = Api::all(ctx.client.clone());
    // A consumer's Renew (created through its identity) asks for the current certificate.
    let renews: Api<Renew> = Api::all(ctx.client.clone());
    let controller = Controller::new(tenants, watcher::Config::default()).watches(
        renews,
        watcher::Config::default(),
        |renew| {
            let consumer = renew.spec.consumer_cluster_id.clone()?;
            Some(ObjectRef::<Tenant>::new(&consumer).within(&renew.namespace()?))
        },
    );
    // A slice replica of a cordoned consumer is annotated as soon as it appears.
    let slices: Api<ResourceSlice> = Api::all(ctx.client.clone());
    let replicas = watcher::Config::default().labels(&format!("{}=true", label::REPLICATED));
    let controller = controller.watches(slices, replicas, |slice| {
        let consumer = slice.labels().get(label::ORIGIN_ID)?;
        Some(ObjectRef::<Tenant>::new(consumer).within(&slice.namespace()?))
    });
    ctx.drive(
        "tenant",
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}

async fn roles(ctx: &Context, app_name: &'static str) -> Result<Vec<String>, Error> {
    let api: Api<ClusterRole> = Api::all(ctx.client.clone());
    let list = api
        .list(&ListParams::default().labels(&format!("{}={app_name}", label::APP_NAME)))
        .await
        .api("list ClusterRoles")?;
    if list.items.is_empty() {
        return Err(Error::MissingRoles(app_name));
    }
    Ok(list.items.iter().map(ResourceExt::name_any).collect())
}

/// The nonce this provider issued to `consumer`, from its tenant namespace only.
async fn nonce(ctx: &Context, tenant_ns: &str, consumer: &str) -> Result<Vec<u8>, Error> {
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), tenant_ns);
    let selector = format!("{}={consumer},{}", label::REMOTE_CLUSTER_ID, label::NONCE);
    let list = api
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list nonce Secrets")?;
    let nonce = match list.items.as_slice() {
        [secret] => secret
            .data
            .as_ref()
            .and_then(|d| d.get(name::NONCE_KEY))
            .map(|n| n.0.clone()),
        _ => None,
    };
    nonce
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::NonceNotFound(consumer.into()))
}

async fn unbind_clusterwide(ctx: &Context, roles: &[String], consumer: &str) -> Result<(), Error> {
    let api: Api<ClusterRoleBinding> = Api::all(ctx.client.clone());
    for role in roles {
        match api
            .delete(
                &bindings::cluster_role_binding_name(role, consumer),
                &Default::default(),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(ReconcileError::api("delete a ClusterRoleBinding", e).into()),
        }
    }
    Ok(())
}

/// The provider half of certificate renewal (upstream's remote renewer): every control-plane
/// Renew of the consumer in its tenant namespace carries the Tenant's current auth params, so
/// the consumer picks a renewed certificate up through its own identity.
async fn mirror_into_renews(
    ctx: &Context,
    tenant_ns: &str,
    consumer: &str,
    params: &AuthParams,
) -> Result<(), Error> {
    let api: Api<Renew> = Api::namespaced(ctx.client.clone(), tenant_ns);
    let renews = api.list(&ListParams::default()).await.api("list Renews")?;
    for renew in renews.items {
        let ours = renew.spec.consumer_cluster_id.as_deref() == Some(consumer)
            && renew
                .spec
                .identity_type
                .unwrap_or(IdentityType::ControlPlane)
                == IdentityType::ControlPlane;
        let current = renew
            .status
            .as_ref()
            .and_then(|s| s.auth_params.as_ref())
            .and_then(|p| p.signed_crt.as_ref());
        if !ours || current == params.signed_crt.as_ref() {
            continue;
        }
        // Only the auth params: the rest of the Renew status is not this controller's.
        let status = json!({"authParams": params});
        reconcile::apply_status(&ctx.client, &renew, &status, FIELD_MANAGER).await?;
    }
    Ok(())
}

/// offloading.md §8.8: while the Tenant is Cordoned, every slice replica of the consumer in its
/// tenant namespace carries `liqo.io/cordon-tenant=true` (the Quota creator turns it into a
/// cordoned Quota); otherwise none does. A merge patch of that one annotation: the replica's
/// spec and status belong to the replicator and the remote slice controller.
async fn cordon_slices(
    ctx: &Context,
    tenant_ns: &str,
    consumer: &str,
    cordoned: bool,
) -> Result<(), Error> {
    let api: Api<ResourceSlice> = Api::namespaced(ctx.client.clone(), tenant_ns);
    let selector = format!("{}=true,{}={consumer}", label::REPLICATED, label::ORIGIN_ID);
    let slices = api
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the consumer's ResourceSlices")?;
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    for slice in slices.items {
        let current = slice.annotations().get(annotation::CORDON_TENANT);
        let value = match (cordoned, current.map(String::as_str)) {
            (true, Some("true")) | (false, None) => continue,
            (true, _) => json!("true"),
            (false, Some(_)) => Value::Null,
        };
        let patch = json!({"metadata": {"annotations": {annotation::CORDON_TENANT: value}}});
        match api
            .patch(&slice.name_any(), &params, &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {}
            // Deleted meanwhile: nothing left to annotate.
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(ReconcileError::api("annotate a ResourceSlice", e).into()),
        }
    }
    Ok(())
}
