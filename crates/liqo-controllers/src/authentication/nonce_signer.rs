//! Nonce signer (consumer side): signs `data.nonce` of the `liqo.io/signed-nonce` Secrets in
//! tenant namespaces with this cluster's key into `data.signedNonce`.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use liqo_api::consts::{field_manager, label, name};
use liqo_kube::crypto::{self, CryptoError};
use liqo_kube::reconcile::transient_kube;
use liqo_kube::tenant_namespace::TenantNamespaceError;
use tracing::instrument;

use crate::authentication::secret_data;
use crate::authentication::tenant_secret::{self, Verdict};
use crate::context::{Context, KeyError, Retry};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::NONCE_SIGNER;
/// How often a Secret is looked at again while its tenant namespace is missing.
const RETRY: Duration = Duration::from_secs(5);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The tenant namespace lookup failed.
    #[error(transparent)]
    TenantNamespace(#[from] TenantNamespaceError),
    /// The cluster key is unavailable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The cluster key cannot sign.
    #[error("failed to sign the nonce")]
    Sign(#[source] CryptoError),
    /// Writing the signature failed.
    #[error("failed to write the signed nonce")]
    Write(#[source] kube::Error),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::TenantNamespace(e) => tenant_secret::namespace_error_is_transient(e),
            // `liqoctl install` has to fix the cluster key.
            Self::Key(_) | Self::Sign(_) => false,
            Self::Write(e) => transient_kube(e),
        }
    }
}

#[instrument(skip_all, fields(name = %kube::ResourceExt::name_any(&*secret), ns = secret.metadata.namespace))]
async fn reconcile(secret: Arc<Secret>, ctx: Arc<Context>) -> Result<Action, Error> {
    let cluster_id = match tenant_secret::check(&ctx, &secret, "MissingRemoteClusterID").await? {
        Verdict::Valid(cluster_id) => cluster_id,
        Verdict::Invalid => return Ok(Action::await_change()),
        Verdict::NoTenantNamespace => return Ok(Action::requeue(RETRY)),
    };
    let Some(nonce) = secret_data::value(&secret, name::NONCE_KEY).filter(|n| !n.is_empty()) else {
        let note = format!("Secret has no {} to sign yet", name::NONCE_KEY);
        ctx.event(&*secret, EventType::Warning, "NonceMissing", note)
            .await;
        return Ok(Action::await_change());
    };
    let key = ctx.private_key().await?;
    let signature = crypto::sign(&key, &nonce).map_err(Error::Sign)?;
    if secret_data::value(&secret, name::SIGNED_NONCE_KEY).as_deref() == Some(signature.as_slice())
    {
        return Ok(Action::await_change());
    }
    secret_data::set(
        &ctx.client,
        &secret,
        name::SIGNED_NONCE_KEY,
        &signature,
        FIELD_MANAGER,
    )
    .await
    .map_err(Error::Write)?;
    tracing::info!(cluster_id, "nonce signed");
    ctx.event(
        &*secret,
        EventType::Normal,
        "NonceSigned",
        format!("nonce of cluster {cluster_id} signed"),
    )
    .await;
    Ok(Action::await_change())
}

fn error_policy(secret: Arc<Secret>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry("nonce-signer", &*secret, error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let secrets: Api<Secret> = Api::all(ctx.client.clone());
    let config = watcher::Config::default().labels(label::SIGNED_NONCE);
    ctx.drive(
        "nonce-signer",
        Controller::new(secrets, config).run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}
