//! Identity controller (consumer side): keeps `kubeconfig-<identity>` in step with each
//! Identity (owned by it, so deleting the Identity removes it) and records it in the status.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Secret;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{Identity, IdentityStatus};
use liqo_api::common::LocalObjectReference;
use liqo_api::consts::field_manager;
use liqo_kube::auth::identity::{render_kubeconfig, render_kubeconfig_secret};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::{Context, KeyError, Retry};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::IDENTITY;

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The cluster key is unavailable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The kubeconfig Secret could not be read or written.
    #[error(transparent)]
    Kubeconfig(ReconcileError),
    /// The status could not be written.
    #[error(transparent)]
    Status(ReconcileError),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            // `liqoctl install` has to create the keys.
            Self::Key(_) => false,
            Self::Kubeconfig(e) | Self::Status(e) => e.is_transient(),
        }
    }
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
    let secret = desired_secret(identity, &key);
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &ns);
    let before = secrets
        .get_opt(&secret.name_any())
        .await
        .api(format!("read kubeconfig-{name}"))
        .map_err(Error::Kubeconfig)?;
    // The note names the Secret as `kubeconfig-<identity>`, as it always has.
    let after = reconcile::apply(&ctx.client, &secret, FIELD_MANAGER)
        .await
        .map_err(|e| match e {
            ReconcileError::Api { source, .. } => {
                ReconcileError::api(format!("apply kubeconfig-{name}"), source)
            }
            other => other,
        })
        .map_err(Error::Kubeconfig)?;
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
    reconcile::apply_status(&ctx.client, identity, &status, FIELD_MANAGER)
        .await
        .map_err(Error::Status)?;
    Ok(Action::await_change())
}

/// `kubeconfig-<identity>`, controller-owned by the Identity, for either type: a
/// `ResourceSlice` Identity (`resourceslice-<rs>`, the virtual kubelet's) gets
/// `kubeconfig-resourceslice-<rs>` labelled with the peer and its type (offloading.md §1 #5).
fn desired_secret(identity: &Identity, key: &str) -> Secret {
    let owner = identity
        .controller_owner_ref(&())
        .expect("invariant: an Identity from the API has a name and uid");
    render_kubeconfig_secret(
        identity,
        owner,
        render_kubeconfig(&identity.name_any(), &identity.spec, key),
    )
}

fn error_policy(identity: Arc<Identity>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry("identity", &*identity, error)
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

#[cfg(test)]
mod tests {
    use k8s_openapi::ByteString;
    use liqo_api::authentication::{AuthParams, IdentitySpec, IdentityType};
    use liqo_api::consts::{label, name};

    use super::*;

    #[test]
    fn a_resource_slice_identity_gets_its_own_labelled_owned_kubeconfig() {
        let mut identity = Identity::new(
            "resourceslice-rs1",
            IdentitySpec {
                cluster_id: Some("provider-id".into()),
                type_: Some(IdentityType::ResourceSlice),
                auth_params: Some(AuthParams {
                    ca: Some(ByteString(b"CA".to_vec())),
                    signed_crt: Some(ByteString(b"CRT".to_vec())),
                    api_server: Some("https://203.0.113.7:6443".into()),
                    proxy_url: None,
                    aws_config: None,
                }),
                namespace: Some("liqo-tenant-consumer-id".into()),
            },
        );
        identity.metadata.namespace = Some("liqo-tenant-provider-id".into());
        identity.metadata.uid = Some("uid-1".into());
        let secret = desired_secret(&identity, "KEY");
        assert_eq!(secret.name_any(), "kubeconfig-resourceslice-rs1");
        assert_eq!(
            secret.namespace().as_deref(),
            Some("liqo-tenant-provider-id")
        );
        let labels = secret.labels();
        assert_eq!(labels[label::REMOTE_CLUSTER_ID], "provider-id");
        assert_eq!(labels[label::IDENTITY_TYPE], "ResourceSlice");
        // The tenant-namespace annotation is the control-plane identity's only.
        assert!(
            secret.annotations().is_empty(),
            "{:?}",
            secret.annotations()
        );
        let owners = secret.owner_references();
        assert_eq!(owners.len(), 1);
        assert_eq!(
            (
                owners[0].kind.as_str(),
                owners[0].name.as_str(),
                owners[0].controller
            ),
            ("Identity", "resourceslice-rs1", Some(true))
        );
        let data = secret.data.as_ref().unwrap();
        assert_eq!(data.keys().collect::<Vec<_>>(), [name::KUBECONFIG_KEY]);
    }
}
