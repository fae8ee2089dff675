//! The consumer half of certificate renewal (upstream's local renewer, authentication.md §7.8):
//! for each control-plane Identity, keep a Renew beside it, labelled for replication; the CRD
//! replicator carries it to the provider, whose tenant controller writes the current
//! certificate in the replica's status, which the replicator brings back here. A certificate
//! in the local Renew's status that the Identity does not have yet is adopted into it.

use std::sync::Arc;

use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{Identity, IdentityType, Renew, RenewSpec};
use liqo_api::consts::{field_manager, label};
use liqo_kube::reconcile::{ReconcileError, ResultExt, apply, describe};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::RENEW_LOCAL;
const CONTROLLER: &str = "renew-local";

#[instrument(skip_all, fields(name = %identity.name_any(), ns = identity.namespace()))]
async fn reconcile(identity: Arc<Identity>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let control_plane = identity.spec.type_ == Some(IdentityType::ControlPlane);
    let (Some(provider), true, None) = (
        identity.spec.cluster_id.clone(),
        control_plane,
        &identity.metadata.deletion_timestamp,
    ) else {
        return Ok(Action::await_change());
    };
    let result = renew(&identity, &ctx, &provider).await;
    // Without an Event a renewal that cannot happen only shows in the controller's log.
    if let Err((reason, e)) = &result {
        ctx.warn_error(&*identity, reason, e).await;
    }
    result.map_err(|(_, e)| e)
}

/// Keeps the local Renew and adopts the certificate in its status.
async fn renew(
    identity: &Identity,
    ctx: &Context,
    provider: &str,
) -> Result<Action, (&'static str, ReconcileError)> {
    let renew = render_renew(identity, &ctx.cluster_id, provider);
    let renew = apply(&ctx.client, &renew, FIELD_MANAGER)
        .await
        .map_err(|e| ("RenewFailed", e))?;
    let offered = renew.status.and_then(|s| s.auth_params);
    let current = identity
        .spec
        .auth_params
        .as_ref()
        .and_then(|p| p.signed_crt.as_ref());
    let Some(params) =
        offered.filter(|p| p.signed_crt.is_some() && p.signed_crt.as_ref() != current)
    else {
        return Ok(Action::await_change());
    };
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
    .api(format!("update {}", describe(identity)))
    .map_err(|e| ("AuthParamsUpdateFailed", e))?;
    ctx.event(
        identity,
        EventType::Normal,
        "CertificateRenewed",
        "adopted the certificate renewed by the provider".into(),
    )
    .await;
    Ok(Action::await_change())
}

/// The Renew of a control-plane Identity (authentication.md §3.4): beside it, owned by it,
/// labelled for replication to `provider`.
fn render_renew(identity: &Identity, cluster_id: &str, provider: &str) -> Renew {
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
        namespace: identity.namespace(),
        labels: Some(
            [
                (label::REPLICATION.to_string(), label::TRUE.to_string()),
                (label::REMOTE_ID.to_string(), provider.to_string()),
                (label::REMOTE_CLUSTER_ID.to_string(), provider.to_string()),
            ]
            .into(),
        ),
        owner_references: identity.controller_owner_ref(&()).map(|o| vec![o]),
        ..Default::default()
    };
    renew
}

fn error_policy(identity: Arc<Identity>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(CONTROLLER, identity.as_ref(), error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let identities: Api<Identity> = Api::all(ctx.client.clone());
    let renews: Api<Renew> = Api::all(ctx.client.clone());
    // The owned Renew's status (brought back by the replicator) requeues its Identity.
    let controller = Controller::new(identities, watcher::Config::default()).owns(
        renews,
        watcher::Config::default().labels(&format!("{}={}", label::REPLICATION, label::TRUE)),
    );
    ctx.drive(
        CONTROLLER,
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use liqo_api::authentication::IdentitySpec;

    use super::*;

    #[test]
    fn the_renew_sits_beside_its_identity_labelled_for_replication() {
        let mut identity = Identity::new(
            "controlplane-prov",
            IdentitySpec {
                cluster_id: Some("prov".into()),
                type_: Some(IdentityType::ControlPlane),
                ..Default::default()
            },
        );
        identity.metadata.namespace = Some("liqo-tenant-prov".into());
        identity.metadata.uid = Some("uid-1".into());
        let renew = render_renew(&identity, "cons", "prov");
        assert_eq!(
            renew.metadata.namespace.as_deref(),
            Some("liqo-tenant-prov")
        );
        assert_eq!(renew.name_any(), "controlplane-prov");
        let labels = renew.metadata.labels.clone().unwrap();
        assert_eq!(labels["liqo.io/replication"], "true");
        assert_eq!(labels["liqo.io/remoteID"], "prov");
        assert_eq!(labels["liqo.io/remote-cluster-id"], "prov");
        let owner = &renew.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.uid.as_str()),
            ("Identity", "uid-1")
        );
        assert_eq!(owner.controller, Some(true));
        assert_eq!(renew.spec.consumer_cluster_id.as_deref(), Some("cons"));
        assert_eq!(renew.spec.identity_type, Some(IdentityType::ControlPlane));
    }
}
