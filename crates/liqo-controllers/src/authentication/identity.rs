//! Identity controller (consumer side): keeps `kubeconfig-<identity>` in step with each
//! Identity (owned by it, so deleting the Identity removes it) and records it in the status.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{Identity, IdentityStatus};
use liqo_api::common::LocalObjectReference;
use liqo_api::consts::field_manager;
use liqo_kube::auth::identity::{render_kubeconfig, render_kubeconfig_secret};
use serde_json::json;
use tracing::instrument;

use crate::context::{Context, KeyError};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::IDENTITY;
const RETRY: Duration = Duration::from_secs(5);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The cluster key is unavailable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The kubeconfig Secret could not be read or written.
    #[error("failed to {0} kubeconfig-{1}")]
    Kubeconfig(&'static str, String, #[source] kube::Error),
    /// The status could not be written.
    #[error("failed to write the Identity status")]
    Status(#[source] kube::Error),
}

impl Error {
    /// The reason of the Warning Event about it. Upstream publishes none; the key reason is
    /// the one upstream's ResourceSlice controller uses for the same failure.
    fn reason(&self) -> &'static str {
        match self {
            Self::Key(_) => "FailedGetLocalClusterKeys",
            Self::Kubeconfig(..) => "KubeconfigEnsureFailed",
            Self::Status(_) => "UpdateFailed",
        }
    }
}

#[instrument(skip_all, fields(name = %identity.name_any(), ns = identity.namespace()))]
async fn reconcile(identity: Arc<Identity>, ctx: Arc<Context>) -> Result<Action, Error> {
    if identity.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    // Without an Event a broken Identity only shows in the controller's log.
    let result = ensure(&identity, &ctx).await;
    if let Err(e) = &result {
        ctx.warn_error(&*identity, e.reason(), e).await;
    }
    result
}

/// Writes the kubeconfig Secret, then the status naming it.
async fn ensure(identity: &Identity, ctx: &Context) -> Result<Action, Error> {
    let name = identity.name_any();
    let ns = identity.namespace().unwrap_or_default();
    let key = ctx.private_key().await?;
    let owner = identity
        .controller_owner_ref(&())
        .expect("invariant: an Identity from the API has a name and uid");
    let secret = render_kubeconfig_secret(
        identity,
        owner,
        render_kubeconfig(&name, &identity.spec, &key),
    );
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &ns);
    let failed = |what: &'static str| {
        let name = name.clone();
        move |e| Error::Kubeconfig(what, name, e)
    };
    let before = secrets
        .get_opt(&secret.name_any())
        .await
        .map_err(failed("read"))?;
    let after = secrets
        .patch(
            &secret.name_any(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&secret),
        )
        .await
        .map_err(failed("apply"))?;
    if before.and_then(|s| s.resource_version()) != after.resource_version() {
        ctx.event(
            &after,
            EventType::Normal,
            "KubeconfigEnsured",
            format!("kubeconfig of Identity {name} written"),
        )
        .await;
    }
    let status = IdentityStatus {
        kubeconfig_secret_ref: Some(LocalObjectReference {
            name: secret.name_any(),
        }),
    };
    if identity.status.as_ref() != Some(&status) {
        let patch = json!({"apiVersion": "authentication.liqo.io/v1beta1", "kind": "Identity", "status": status});
        Api::<Identity>::namespaced(ctx.client.clone(), &ns)
            .patch_status(
                &name,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&patch),
            )
            .await
            .map_err(Error::Status)?;
    }
    Ok(Action::await_change())
}

fn error_policy(_identity: Arc<Identity>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry_after("identity", error, RETRY)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let identities: Api<Identity> = Api::all(ctx.client.clone());
    let secrets: Api<Secret> = Api::all(ctx.client.clone());
    let controller = Controller::new(identities, watcher::Config::default()).owns(
        secrets,
        watcher::Config::default().labels(liqo_api::consts::label::IDENTITY_TYPE),
    );
    ctx.drive(
        "identity",
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}
