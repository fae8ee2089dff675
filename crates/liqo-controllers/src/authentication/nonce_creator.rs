//! Nonce creator (provider side): fills `data.nonce` of the `liqo.io/nonce` Secrets in tenant
//! namespaces with a fresh random nonce, once; a nonce is never rotated.

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
use crate::context::{Context, Retry};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::NONCE_CREATOR;
/// How often a Secret is looked at again while its tenant namespace is missing.
const RETRY: Duration = Duration::from_secs(5);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The tenant namespace lookup failed.
    #[error(transparent)]
    TenantNamespace(#[from] TenantNamespaceError),
    /// No random bytes.
    #[error(transparent)]
    Nonce(#[from] CryptoError),
    /// Writing the nonce failed (a conflict means a racing reconcile won).
    #[error("failed to write the nonce")]
    Write(#[source] kube::Error),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::TenantNamespace(e) => tenant_secret::namespace_error_is_transient(e),
            Self::Nonce(_) => true,
            Self::Write(e) => transient_kube(e),
        }
    }
}

#[instrument(skip_all, fields(name = %kube::ResourceExt::name_any(&*secret), ns = secret.metadata.namespace))]
async fn reconcile(secret: Arc<Secret>, ctx: Arc<Context>) -> Result<Action, Error> {
    if secret_data::value(&secret, name::NONCE_KEY).is_some() {
        return Ok(Action::await_change());
    }
    let cluster_id = match tenant_secret::check(&ctx, &secret, "MissingClusterID").await? {
        Verdict::Valid(cluster_id) => cluster_id,
        Verdict::Invalid => return Ok(Action::await_change()),
        Verdict::NoTenantNamespace => return Ok(Action::requeue(RETRY)),
    };
    let nonce = crypto::generate_nonce()?;
    secret_data::set(
        &ctx.client,
        &secret,
        name::NONCE_KEY,
        nonce.as_bytes(),
        FIELD_MANAGER,
    )
    .await
    .map_err(Error::Write)?;
    tracing::info!(cluster_id, "nonce generated");
    ctx.event(
        &*secret,
        EventType::Normal,
        "NonceGenerated",
        format!("nonce generated for cluster {cluster_id}"),
    )
    .await;
    Ok(Action::await_change())
}

fn error_policy(secret: Arc<Secret>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry("nonce-creator", &*secret, error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let secrets: Api<Secret> = Api::all(ctx.client.clone());
    ctx.drive(
        "nonce-creator",
        Controller::new(secrets, watcher::Config::default().labels(label::NONCE)).run(
            reconcile,
            error_policy,
            ctx.clone(),
        ),
    )
    .await;
}
