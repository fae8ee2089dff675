//! Provider ShadowEndpointSlice controller (spec offloading.md §6.1 step 5): each
//! ShadowEndpointSlice a consumer's virtual kubelet writes gets the EndpointSlice of the same
//! name, with the template's address type, endpoints and ports and the ShadowEndpointSlice's
//! labels (the reflected Service's `kubernetes.io/service-name` among them), controlled by the
//! ShadowEndpointSlice so the garbage collector removes it with it.
//!
//! The slice is marked `endpointslice.kubernetes.io/managed-by` with this controller's value:
//! Kubernetes' EndpointSlice controller deletes slices carrying its own value for Services
//! without a selector, which reflected Services are.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::offloading::ShadowEndpointSlice;
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "shadowendpointslice";
const FIELD_MANAGER: &str = "shadowendpointslice-controller";
/// Label naming who manages an EndpointSlice.
pub const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// [`MANAGED_BY`] of the slices this controller makes (upstream Liqo's value).
pub const MANAGED_BY_VALUE: &str = "shadowendpointslice-controller.liqo.io";
const DEFAULT_ADDRESS_TYPE: &str = "IPv4";
const RESYNC: Duration = Duration::from_secs(300);
/// Retry of a ShadowEndpointSlice whose name is taken by a slice it does not own.
const FOREIGN_RETRY: Duration = Duration::from_secs(30);

/// The EndpointSlice `shadow` asks for: same name and namespace, its labels plus
/// [`MANAGED_BY`], the template's contents, controlled by the ShadowEndpointSlice.
pub fn render_slice(shadow: &ShadowEndpointSlice) -> EndpointSlice {
    let template = shadow.spec.template.clone().unwrap_or_default();
    let mut labels = shadow.labels().clone();
    labels.insert(MANAGED_BY.to_owned(), MANAGED_BY_VALUE.to_owned());
    let mut slice = EndpointSlice {
        address_type: template
            .address_type
            .unwrap_or_else(|| DEFAULT_ADDRESS_TYPE.to_owned()),
        // Always written: an empty list is a Service with no endpoints, not a missing field.
        endpoints: Some(template.endpoints.unwrap_or_default()),
        ports: template.ports,
        ..EndpointSlice::default()
    };
    slice.metadata.name = Some(shadow.name_any());
    slice.metadata.namespace = shadow.namespace();
    slice.metadata.labels = Some(labels);
    slice.metadata.owner_references = shadow.controller_owner_ref(&()).map(|o| vec![o]);
    slice
}

/// Whether `slice` is controlled by `shadow` (same UID), so this controller may manage it.
pub fn owned_by(slice: &EndpointSlice, shadow: &ShadowEndpointSlice) -> bool {
    let Some(uid) = shadow.meta().uid.as_deref() else {
        return false;
    };
    slice
        .owner_references()
        .iter()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let controller = Controller::new(
        Api::<ShadowEndpointSlice>::all(client.clone()),
        watcher::Config::default(),
    )
    .owns(
        Api::<EndpointSlice>::all(client),
        watcher::Config::default().labels(&format!("{MANAGED_BY}={MANAGED_BY_VALUE}")),
    );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(
    shadow: Arc<ShadowEndpointSlice>,
    error: &ReconcileError,
    ctx: Arc<Context>,
) -> Action {
    ctx.retry(NAME, &*shadow, error)
}

#[instrument(skip_all, fields(name = %shadow.name_any(), ns = shadow.namespace()))]
async fn reconcile(
    shadow: Arc<ShadowEndpointSlice>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    // 1. Going away: the garbage collector takes the slice.
    if shadow.meta().deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = shadow.namespace().unwrap_or_default();
    let name = shadow.name_any();
    let existing = Api::<EndpointSlice>::namespaced(ctx.client.clone(), &ns)
        .get_opt(&name)
        .await
        .api(format!("read EndpointSlice {ns}/{name}"))?;
    // 2. The name is taken by a slice that is not ours: leave it be.
    if existing.as_ref().is_some_and(|s| !owned_by(s, &shadow)) {
        tracing::warn!(
            slice = %format!("{ns}/{name}"),
            "an EndpointSlice of the same name exists and is not controlled by the ShadowEndpointSlice; left untouched"
        );
        return Ok(Action::requeue(FOREIGN_RETRY));
    }
    // 3. Missing or ours: make it say what the template says.
    reconcile::apply(&ctx.client, &render_slice(&shadow), FIELD_MANAGER).await?;
    Ok(Action::requeue(RESYNC))
}

#[cfg(test)]
mod tests {
    use liqo_api::offloading::{EndpointSliceTemplate, ShadowEndpointSliceSpec};
    use serde_json::json;

    use super::*;

    fn shadow() -> ShadowEndpointSlice {
        let template: EndpointSliceTemplate = serde_json::from_value(json!({
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.244.0.5"], "conditions": {"ready": true}}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }))
        .unwrap();
        let mut s = ShadowEndpointSlice::new(
            "web-abc",
            ShadowEndpointSliceSpec {
                template: Some(template),
            },
        );
        s.metadata.namespace = Some("twin".into());
        s.metadata.uid = Some("uid-1".into());
        s.metadata.labels = Some(
            [
                ("kubernetes.io/service-name".to_owned(), "web".to_owned()),
                ("liqo.io/managed-by".to_owned(), "reflection".to_owned()),
            ]
            .into(),
        );
        s
    }

    #[test]
    fn the_slice_carries_the_template_and_the_labels() {
        let s = shadow();
        let slice = render_slice(&s);
        assert_eq!(slice.metadata.name.as_deref(), Some("web-abc"));
        assert_eq!(slice.metadata.namespace.as_deref(), Some("twin"));
        let labels = slice.metadata.labels.clone().unwrap();
        assert_eq!(labels["kubernetes.io/service-name"], "web");
        assert_eq!(labels[MANAGED_BY], MANAGED_BY_VALUE);
        assert_ne!(labels[MANAGED_BY], "endpointslice-controller.k8s.io");
        assert_eq!(slice.address_type, "IPv4");
        let endpoints = slice.endpoints.clone().unwrap();
        assert_eq!(endpoints[0].addresses, ["10.244.0.5"]);
        assert_eq!(slice.ports.as_ref().unwrap()[0].port, Some(8080));
        let owners = slice.metadata.owner_references.clone().unwrap();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].kind, "ShadowEndpointSlice");
        assert_eq!(owners[0].uid, "uid-1");
        assert_eq!(owners[0].controller, Some(true));
        assert!(owned_by(&slice, &s));
    }

    #[test]
    fn an_empty_template_renders_an_empty_slice() {
        let mut s = shadow();
        s.spec.template = None;
        let slice = render_slice(&s);
        assert_eq!(slice.address_type, "IPv4");
        assert_eq!(slice.endpoints, Some(vec![]));
        assert_eq!(slice.ports, None);
    }

    #[test]
    fn a_slice_of_another_owner_is_not_ours() {
        let s = shadow();
        let mut slice = render_slice(&s);
        slice.metadata.owner_references = None;
        assert!(!owned_by(&slice, &s));
        let mut weak = render_slice(&s).metadata.owner_references.unwrap();
        weak[0].controller = Some(false);
        slice.metadata.owner_references = Some(weak);
        assert!(!owned_by(&slice, &s));
    }
}
