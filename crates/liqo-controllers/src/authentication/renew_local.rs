//! The consumer half of certificate renewal (upstream's local renewer): through each
//! control-plane identity, keep a Renew in the provider's tenant namespace and adopt the
//! certificate the provider puts in its status.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, IdentityType, Renew, RenewSpec};
use liqo_api::consts::{field_manager, label, name};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::RENEW_LOCAL;
const RETRY: Duration = Duration::from_secs(5);
/// How often the provider's answer is read: the Renew lives in the other cluster, which this
/// controller does not watch.
const RESYNC: Duration = Duration::from_secs(10);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The Identity's kubeconfig Secret could not be read.
    #[error("failed to read the kubeconfig Secret {0}")]
    ReadKubeconfig(String, #[source] kube::Error),
    /// The identity's kubeconfig is unusable.
    #[error("the kubeconfig of Identity {0} is unusable: {1}")]
    Kubeconfig(String, String),
    /// The provider could not be reached through the identity.
    #[error("failed to {0} in the provider cluster")]
    Remote(&'static str, #[source] kube::Error),
    /// The renewed certificate could not be copied into the Identity.
    #[error("failed to update the Identity")]
    UpdateIdentity(#[source] kube::Error),
}

impl Error {
    /// The reason of the Warning Event about it (upstream names only the last one).
    fn reason(&self) -> &'static str {
        match self {
            Self::ReadKubeconfig(..) | Self::Kubeconfig(..) => "KubeconfigUnusable",
            Self::Remote(..) => "RenewFailed",
            Self::UpdateIdentity(_) => "AuthParamsUpdateFailed",
        }
    }
}

#[instrument(skip_all, fields(name = %identity.name_any(), ns = identity.namespace()))]
async fn reconcile(identity: Arc<Identity>, ctx: Arc<Context>) -> Result<Action, Error> {
    let control_plane = identity.spec.type_ == Some(IdentityType::ControlPlane);
    let (Some(provider_ns), true, None) = (
        identity.spec.namespace.clone(),
        control_plane,
        &identity.metadata.deletion_timestamp,
    ) else {
        return Ok(Action::await_change());
    };
    // Without an Event a renewal that cannot happen only shows in the controller's log.
    let result = renew(&identity, &ctx, &provider_ns).await;
    if let Err(e) = &result {
        ctx.warn_error(&*identity, e.reason(), e).await;
    }
    result
}

/// Keeps the Renew in the provider and adopts the certificate in its status.
async fn renew(identity: &Identity, ctx: &Context, provider_ns: &str) -> Result<Action, Error> {
    let Some(remote) = provider_client(ctx, identity).await? else {
        return Ok(Action::await_change());
    };
    let renews: Api<Renew> = Api::namespaced(remote, provider_ns);
    let renew = render_renew(identity, &ctx.cluster_id, provider_ns);
    let applied = renews
        .patch(
            &identity.name_any(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&renew),
        )
        .await
        .map_err(|e| Error::Remote("apply the Renew", e))?;
    let offered = applied.status.and_then(|s| s.auth_params);
    let current = identity
        .spec
        .auth_params
        .as_ref()
        .and_then(|p| p.signed_crt.as_ref());
    if let Some(params) =
        offered.filter(|p| p.signed_crt.is_some() && p.signed_crt.as_ref() != current)
    {
        let patch = json!({"spec": {"authParams": params}});
        Api::<Identity>::namespaced(
            ctx.client.clone(),
            &identity.namespace().unwrap_or_default(),
        )
        .patch(
            &identity.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .map_err(Error::UpdateIdentity)?;
        ctx.event(
            identity,
            EventType::Normal,
            "CertificateRenewed",
            "adopted the certificate renewed by the provider".into(),
        )
        .await;
    }
    Ok(Action::requeue(RESYNC))
}

/// The Renew of a control-plane Identity in the provider's tenant namespace.
fn render_renew(identity: &Identity, cluster_id: &str, provider_ns: &str) -> Renew {
    let mut renew = Renew::new(
        &identity.name_any(),
        RenewSpec {
            consumer_cluster_id: Some(cluster_id.to_string()),
            identity_type: Some(IdentityType::ControlPlane),
            ..Default::default()
        },
    );
    renew.metadata = ObjectMeta {
        name: Some(identity.name_any()),
        namespace: Some(provider_ns.to_string()),
        labels: Some(
            [
                (label::REPLICATED.to_string(), label::TRUE.to_string()),
                (label::ORIGIN_ID.to_string(), cluster_id.to_string()),
                (label::REMOTE_CLUSTER_ID.to_string(), cluster_id.to_string()),
            ]
            .into(),
        ),
        ..Default::default()
    };
    renew
}

/// A client of the provider acting as this cluster, from the identity's kubeconfig Secret.
async fn provider_client(ctx: &Context, identity: &Identity) -> Result<Option<Client>, Error> {
    let Some(secret_name) = identity
        .status
        .as_ref()
        .and_then(|s| s.kubeconfig_secret_ref.as_ref())
        .map(|r| r.name.clone())
    else {
        return Ok(None);
    };
    let secret = Api::<Secret>::namespaced(
        ctx.client.clone(),
        &identity.namespace().unwrap_or_default(),
    )
    .get(&secret_name)
    .await
    .map_err(|e| Error::ReadKubeconfig(secret_name.clone(), e))?;
    let text = secret.data.and_then(|d| {
        d.get(name::KUBECONFIG_KEY)
            .map(|k| String::from_utf8_lossy(&k.0).into_owned())
    });
    let bad = |e: String| Error::Kubeconfig(identity.name_any(), e);
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&text.unwrap_or_default())
        .map_err(|e| bad(e.to_string()))?;
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .map_err(|e| bad(e.to_string()))?;
    Client::try_from(config)
        .map(Some)
        .map_err(|e| bad(e.to_string()))
}

fn error_policy(_identity: Arc<Identity>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry_after("renew-local", error, RETRY)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let identities: Api<Identity> = Api::all(ctx.client.clone());
    let controller = Controller::new(identities, watcher::Config::default());
    ctx.drive(
        "renew-local",
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}
