//! Provider: the quota creator (offloading.md §4.3, end). Each replicated slice whose
//! resources were granted gets a Quota named and keyed by its certificate's CN, the user the
//! slice's virtual kubelet acts as; the ShadowPod admission webhook enforces it.

use std::sync::Arc;

use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::ResourceSlice;
use liqo_api::consts::{annotation, field_manager, label};
use liqo_api::offloading::{LimitsEnforcement, Quota, QuotaSpec};
use liqo_kube::auth::csr::resource_slice_subject;
use liqo_kube::reconcile::{ReconcileError, apply};
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::RESOURCE_SLICE_QUOTA_CREATOR;
const CONTROLLER: &str = "resourceslice-quotacreator";

/// Whether an annotation value cordons: anything but `false`, `False` or `0` (upstream's rule).
fn cordons(value: &str) -> bool {
    !matches!(value, "false" | "False" | "0")
}

/// The Quota of `slice` from consumer `consumer`, or `None` when its resources are not granted.
///
/// # Errors
/// [`ReconcileError::Invalid`] when the configured enforcement is not Hard, Soft or None.
pub fn render(
    slice: &ResourceSlice,
    consumer: &str,
    enforcement: &str,
) -> Result<Option<Quota>, ReconcileError> {
    if !slice.is_resources_accepted() {
        return Ok(None);
    }
    let enforcement: LimitsEnforcement = enforcement
        .parse()
        .map_err(|e| ReconcileError::Invalid(format!("--default-limits-enforcement: {e}")))?;
    let user = resource_slice_subject(&slice.name_any(), consumer).common_name;
    let cordoned = [annotation::CORDON, annotation::CORDON_TENANT]
        .iter()
        .any(|key| slice.annotations().get(*key).is_some_and(|v| cordons(v)));
    let mut quota = Quota::new(
        &user,
        QuotaSpec {
            user: user.clone(),
            limits_enforcement: Some(enforcement),
            resources: slice
                .status
                .as_ref()
                .and_then(|s| s.resources.clone())
                .unwrap_or_default(),
            cordoned: cordoned.then_some(true),
        },
    );
    quota.metadata.namespace = slice.namespace();
    // Blocking: the replicator deletes the slice in the foreground, so the slice (and with it the
    // consumer's `delete resourceslice --wait`) stays until the Quota is gone.
    quota.metadata.owner_references = slice.controller_owner_ref(&()).map(|mut o| {
        o.block_owner_deletion = Some(true);
        vec![o]
    });
    Ok(Some(quota))
}

#[instrument(skip_all, fields(name = %slice.name_any(), ns = slice.namespace()))]
async fn reconcile(slice: Arc<ResourceSlice>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    if slice.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let consumer = slice
        .spec
        .consumer_cluster_id
        .clone()
        .or_else(|| slice.labels().get(label::ORIGIN_ID).cloned())
        .unwrap_or_default();
    if consumer.is_empty() {
        return Ok(Action::await_change());
    }
    if let Some(quota) = render(
        &slice,
        &consumer,
        &ctx.offloading.default_limits_enforcement,
    )? {
        apply(&ctx.client, &quota, FIELD_MANAGER).await?;
    }
    Ok(Action::await_change())
}

fn error_policy(slice: Arc<ResourceSlice>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(CONTROLLER, &*slice, error)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let slices: Api<ResourceSlice> = Api::all(ctx.client.clone());
    let selector = format!("{}={}", label::REPLICATED, label::TRUE);
    let quotas: Api<Quota> = Api::all(ctx.client.clone());
    let controller = Controller::new(slices, watcher::Config::default().labels(&selector))
        .owns(quotas, watcher::Config::default());
    ctx.drive(
        CONTROLLER,
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use liqo_api::authentication::{
        ResourceSliceCondition, ResourceSliceConditionStatus, ResourceSliceConditionType,
        ResourceSliceStatus,
    };

    use super::*;

    fn slice(status: ResourceSliceConditionStatus, annotations: &[(&str, &str)]) -> ResourceSlice {
        let mut s = ResourceSlice::new("damp-feather", Default::default());
        s.metadata.namespace = Some("liqo-tenant-cool-firefly".into());
        s.metadata.uid = Some("uid-1".into());
        s.metadata.annotations = Some(
            annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        s.status = Some(ResourceSliceStatus {
            conditions: Some(vec![ResourceSliceCondition {
                type_: ResourceSliceConditionType::Resources,
                status,
                last_transition_time: None,
                reason: None,
                message: None,
            }]),
            resources: Some(
                [(
                    "cpu".to_string(),
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity("2".into()),
                )]
                .into(),
            ),
            ..Default::default()
        });
        s
    }

    #[test]
    fn an_accepted_slice_gets_a_quota_named_by_its_cn() {
        let q = render(
            &slice(ResourceSliceConditionStatus::Accepted, &[]),
            "cool-firefly",
            "Soft",
        )
        .unwrap()
        .unwrap();
        // sha256("cool-firefly") starts acd8a9ca302f (the fixtures' Quota).
        assert_eq!(q.name_any(), "damp-feather-acd8a9ca302f");
        assert_eq!(q.spec.user, "damp-feather-acd8a9ca302f");
        assert_eq!(q.spec.limits_enforcement, Some(LimitsEnforcement::Soft));
        assert_eq!(q.spec.resources["cpu"].0, "2");
        assert_eq!(q.spec.cordoned, None);
        let owner = &q.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("ResourceSlice", Some(true))
        );
        assert_eq!(
            owner.block_owner_deletion,
            Some(true),
            "holds a foreground delete"
        );
    }

    #[test]
    fn cordon_annotations_cordon_unless_false() {
        let cordoned = |a: &[(&str, &str)]| {
            render(
                &slice(ResourceSliceConditionStatus::Accepted, a),
                "c",
                "None",
            )
            .unwrap()
            .unwrap()
            .spec
            .cordoned
        };
        assert_eq!(cordoned(&[(annotation::CORDON, "true")]), Some(true));
        assert_eq!(cordoned(&[(annotation::CORDON_TENANT, "yes")]), Some(true));
        assert_eq!(cordoned(&[(annotation::CORDON, "False")]), None);
        assert_eq!(
            cordoned(&[
                (annotation::CORDON, "0"),
                (annotation::CORDON_TENANT, "false")
            ]),
            None
        );
    }

    #[test]
    fn no_quota_without_a_grant_and_bad_enforcement_is_refused() {
        assert!(
            render(
                &slice(ResourceSliceConditionStatus::Denied, &[]),
                "c",
                "None"
            )
            .unwrap()
            .is_none()
        );
        assert!(
            render(
                &slice(ResourceSliceConditionStatus::Accepted, &[]),
                "c",
                "hard"
            )
            .is_err()
        );
    }
}
