//! Consumer: the identity creator (offloading.md §4.4). A local slice the provider
//! authenticated gets Identity `resourceslice-<rs>` carrying the credentials from its status
//! (the identity controller turns it into the kubeconfig Secret its virtual kubelet uses); a
//! slice whose authentication was denied loses it.

use std::collections::BTreeMap;
use std::sync::Arc;

use kube::api::DeleteParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{
    Identity, IdentitySpec, IdentityType, ResourceSlice, ResourceSliceConditionStatus,
    ResourceSliceConditionType,
};
use liqo_api::consts::{field_manager, label, name};
use liqo_kube::reconcile::{ReconcileError, ResultExt, apply};
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::IDENTITY_CREATOR;
const CONTROLLER: &str = "identity-creator";

/// `resourceslice-<rs>`.
pub fn identity_name(slice: &str) -> String {
    format!("{}{slice}", name::RESOURCE_SLICE_IDENTITY_PREFIX)
}

/// The Identity of an authenticated `slice`, or `None` while the provider ID or the
/// credentials are missing.
pub fn render(slice: &ResourceSlice) -> Option<Identity> {
    let provider = slice
        .spec
        .provider_cluster_id
        .clone()
        .filter(|p| !p.is_empty())?;
    let auth_params = slice.status.as_ref()?.auth_params.clone()?;
    let mut identity = Identity::new(
        &identity_name(&slice.name_any()),
        IdentitySpec {
            cluster_id: Some(provider.clone()),
            type_: Some(IdentityType::ResourceSlice),
            auth_params: Some(auth_params),
            namespace: None,
        },
    );
    identity.metadata.namespace = slice.namespace();
    identity.metadata.labels = Some(BTreeMap::from([
        (label::REMOTE_CLUSTER_ID.to_string(), provider),
        (label::RESOURCE_SLICE_NAME.to_string(), slice.name_any()),
    ]));
    identity.metadata.owner_references = slice.controller_owner_ref(&()).map(|o| vec![o]);
    Some(identity)
}

#[instrument(skip_all, fields(name = %slice.name_any(), ns = slice.namespace()))]
async fn reconcile(slice: Arc<ResourceSlice>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    if slice.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = slice.namespace().unwrap_or_default();
    let api: Api<Identity> = Api::namespaced(ctx.client.clone(), &ns);
    let identity = identity_name(&slice.name_any());
    match slice.condition_status(ResourceSliceConditionType::Authentication) {
        None => {}
        Some(ResourceSliceConditionStatus::Denied) => {
            let deleted = api
                .delete(&identity, &DeleteParams::background())
                .await
                .map(|_| true)
                .or_else(|e| match e {
                    kube::Error::Api(s) if s.code == 404 => Ok(false),
                    e => Err(e),
                })
                .api(format!("delete Identity {ns}/{identity}"))?;
            if deleted {
                let note =
                    format!("Identity {identity} deleted: the provider denied the authentication");
                ctx.event(&*slice, EventType::Normal, "IdentityDeleted", note)
                    .await;
            }
        }
        Some(ResourceSliceConditionStatus::Accepted) => {
            let Some(desired) = render(&slice) else {
                // The provider ID and the credentials come with later slice changes.
                return Ok(Action::await_change());
            };
            let before = api
                .get_opt(&identity)
                .await
                .api(format!("read Identity {ns}/{identity}"))?;
            let after = apply(&ctx.client, &desired, FIELD_MANAGER).await?;
            if before.and_then(|i| i.resource_version()) != after.resource_version() {
                let note = format!("Identity {identity} ensured");
                ctx.event(&*slice, EventType::Normal, "IdentityEnsured", note)
                    .await;
            }
        }
    }
    Ok(Action::await_change())
}

fn error_policy(slice: Arc<ResourceSlice>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(CONTROLLER, &*slice, error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let slices: Api<ResourceSlice> = Api::all(ctx.client.clone());
    let selector = format!("{}={}", label::REPLICATION, label::TRUE);
    let identities: Api<Identity> = Api::all(ctx.client.clone());
    let controller = Controller::new(slices, watcher::Config::default().labels(&selector)).owns(
        identities,
        watcher::Config::default().labels(label::RESOURCE_SLICE_NAME),
    );
    ctx.drive(
        CONTROLLER,
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use k8s_openapi::ByteString;
    use liqo_api::authentication::{AuthParams, ResourceSliceSpec, ResourceSliceStatus};

    use super::*;

    const PROVIDER: &str = "damp-feather";

    fn slice() -> ResourceSlice {
        let mut slice = ResourceSlice::new(
            PROVIDER,
            ResourceSliceSpec {
                provider_cluster_id: Some(PROVIDER.into()),
                ..Default::default()
            },
        );
        slice.metadata.namespace = Some("liqo-tenant-damp-feather".into());
        slice.metadata.uid = Some("uid-1".into());
        slice.status = Some(ResourceSliceStatus {
            auth_params: Some(AuthParams {
                signed_crt: Some(ByteString(b"CRT".to_vec())),
                api_server: Some("https://203.0.113.7:6443".into()),
                ..Default::default()
            }),
            ..Default::default()
        });
        slice
    }

    #[test]
    fn the_identity_of_a_slice_names_the_provider_and_the_slice() {
        let slice = slice();
        let identity = render(&slice).unwrap();
        assert_eq!(identity.name_any(), "resourceslice-damp-feather");
        assert_eq!(
            identity.namespace().as_deref(),
            Some("liqo-tenant-damp-feather")
        );
        assert_eq!(identity.spec.type_, Some(IdentityType::ResourceSlice));
        assert_eq!(identity.spec.cluster_id.as_deref(), Some(PROVIDER));
        assert_eq!(
            identity.spec.auth_params,
            slice.status.as_ref().unwrap().auth_params
        );
        assert_eq!(identity.spec.namespace, None);
        let labels = identity.labels();
        assert_eq!(labels[label::REMOTE_CLUSTER_ID], PROVIDER);
        assert_eq!(labels[label::RESOURCE_SLICE_NAME], PROVIDER);
        let owner = &identity.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("ResourceSlice", Some(true))
        );
    }

    #[test]
    fn no_identity_without_provider_or_credentials() {
        let mut no_provider = slice();
        no_provider.spec.provider_cluster_id = None;
        assert!(render(&no_provider).is_none());
        let mut no_params = slice();
        no_params.status.as_mut().unwrap().auth_params = None;
        assert!(render(&no_params).is_none());
    }
}
