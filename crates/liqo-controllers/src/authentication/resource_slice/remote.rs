//! Provider: the remote ResourceSlice controller (offloading.md §4.3). For each slice a
//! consumer replicated into its tenant namespace: check the CSR against the consumer's Tenant
//! and issue the slice's client certificate (`Authentication`), then grant resources, classes
//! and labels by the Tenant's state (`Resources`), and write it all into `/status`.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::ListParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::authentication::{
    ResourceSlice, ResourceSliceCondition, ResourceSliceConditionStatus as Status,
    ResourceSliceConditionType as Type, ResourceSliceStatus, Tenant,
};
use liqo_api::common::{IngressType, LoadBalancerType};
use liqo_api::consts::{field_manager, label};
use liqo_kube::auth::certificate::{self, Reuse};
use liqo_kube::auth::renewal::renewal_delay;
use liqo_kube::auth::resource_slice::check_csr;
use liqo_kube::offloading::resource_slice::is_builtin_class;
use liqo_kube::reconcile::{ReconcileError, ResultExt, apply_status};
use liqo_kube::tenant_namespace;
use tracing::instrument;

use super::status::{self, Verdict};
use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::RESOURCE_SLICE_REMOTE;
const CONTROLLER: &str = "resourceslice-remote";
/// Prefix of the certificate cache Secret of a slice (`liqo-remote-certificate-<rs>`).
const CERTIFICATE_CACHE_PREFIX: &str = "liqo-remote-certificate-";
/// The shortest timed requeue for a renewal (a certificate already due is renewed by the
/// next pass, not in a tight loop).
const MIN_RENEWAL_REQUEUE: Duration = Duration::from_secs(5);

#[instrument(skip_all, fields(name = %slice.name_any(), ns = slice.namespace()))]
async fn reconcile(slice: Arc<ResourceSlice>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    if slice.metadata.deletion_timestamp.is_some() || slice.spec.csr.is_none() {
        return Ok(Action::await_change());
    }
    // Step 1.
    let Some(consumer) = slice
        .spec
        .consumer_cluster_id
        .clone()
        .filter(|c| !c.is_empty())
    else {
        let note =
            "spec.consumerClusterID is empty: the consumer has not reconciled this ResourceSlice"
                .to_string();
        ctx.event(&*slice, EventType::Warning, "RemoteCertificateFailed", note)
            .await;
        return Ok(Action::await_change());
    };
    // Step 2: only the consumer's own tenant namespace counts; anything else is not ours.
    let ns = slice.namespace().unwrap_or_default();
    let tenant_ns = tenant_namespace::lookup(&ctx.client, &consumer)
        .await
        .map_err(|e| ReconcileError::Other(e.into()))?;
    if tenant_ns.as_ref().map(ResourceExt::name_any).as_deref() != Some(ns.as_str()) {
        return Ok(Action::await_change());
    }
    // Step 3.
    let Some(tenant) = tenant_of(&ctx, &ns, &consumer).await? else {
        let note = format!("no Tenant for cluster {consumer} in namespace {ns}");
        ctx.event(&*slice, EventType::Warning, "TenantNotFound", note.clone())
            .await;
        return Err(ReconcileError::Waiting(note));
    };
    let mut desired = slice.status.clone().unwrap_or_default();
    let mut conditions = desired.conditions.take().unwrap_or_default();
    let now = Time(Timestamp::now());
    let outcome = answer(
        &ctx,
        &slice,
        &tenant,
        &consumer,
        &mut desired,
        &mut conditions,
        &now,
    )
    .await;
    desired.conditions = Some(conditions);
    // Step 7: whatever was decided is written, also when a step failed after the Tenant was found.
    let written = apply_status(&ctx.client, &*slice, &desired, FIELD_MANAGER).await?;
    if written {
        let note = format!("ResourceSlice of cluster {consumer} reconciled");
        ctx.event(&*slice, EventType::Normal, "Reconciled", note)
            .await;
    }
    outcome
}

/// Steps 4–6: fills `status` and `conditions`; the Action says when to come back.
async fn answer(
    ctx: &Context,
    slice: &ResourceSlice,
    tenant: &Tenant,
    consumer: &str,
    status: &mut ResourceSliceStatus,
    conditions: &mut Vec<ResourceSliceCondition>,
    now: &Time,
) -> Result<Action, ReconcileError> {
    // Step 4.
    if let Some(why) = namespace_problem(ctx, slice, consumer).await? {
        ctx.event(slice, EventType::Warning, "InvalidNamespace", why)
            .await;
        let denied = status::AUTH_DENIED;
        status::set_condition(
            conditions,
            Type::Authentication,
            Status::Denied,
            denied,
            now,
        );
        return Ok(Action::await_change());
    }
    // Step 5.
    let authenticated = authenticate(ctx, slice, tenant, consumer, status, conditions, now).await?;
    // Step 6.
    let class = slice.spec.class.as_deref().unwrap_or_default();
    let has_resources = conditions.iter().any(|c| c.type_ == Type::Resources);
    let verdict = status::verdict(
        tenant.spec.tenant_condition.unwrap_or_default(),
        is_builtin_class(class),
        ctx.offloading.default_class_enabled,
        has_resources,
    );
    let verdict = status::unless_unauthenticated(authenticated != Auth::Denied, verdict);
    match verdict {
        Verdict::Grant => {
            grant(ctx, slice, status).await?;
            status::set_condition(
                conditions,
                Type::Resources,
                Status::Accepted,
                status::RESOURCES_ACCEPTED,
                now,
            );
        }
        Verdict::Deny(reason, message) => {
            status::set_condition(
                conditions,
                Type::Resources,
                Status::Denied,
                (reason, message),
                now,
            );
        }
        Verdict::Untouched => {}
    }
    Ok(match authenticated {
        Auth::Denied => Action::await_change(),
        Auth::Accepted(Some(renew_in)) => Action::requeue(renew_in.max(MIN_RENEWAL_REQUEUE)),
        // An unreadable certificate is renewed by the next pass.
        Auth::Accepted(None) => Action::requeue(MIN_RENEWAL_REQUEUE),
    })
}

/// The outcome of step 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// The CSR was refused.
    Denied,
    /// Certified; renew in this long (`None`: the certificate does not parse).
    Accepted(Option<Duration>),
}

/// Step 5: checks the CSR against the Tenant and certifies it; sets `Authentication` and
/// `authParams`. A signing failure is `Authentication=Denied` and an error (retried).
async fn authenticate(
    ctx: &Context,
    slice: &ResourceSlice,
    tenant: &Tenant,
    consumer: &str,
    status: &mut ResourceSliceStatus,
    conditions: &mut Vec<ResourceSliceCondition>,
    now: &Time,
) -> Result<Auth, ReconcileError> {
    let csr = slice
        .spec
        .csr
        .as_ref()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let deny = |conditions: &mut Vec<_>| {
        status::set_condition(
            conditions,
            Type::Authentication,
            Status::Denied,
            status::AUTH_DENIED,
            now,
        );
    };
    if let Err(e) = check_csr(&csr, &slice.name_any(), consumer, tenant) {
        ctx.event(slice, EventType::Warning, "InvalidCSR", e.to_string())
            .await;
        deny(conditions);
        return Ok(Auth::Denied);
    }
    let cert = match certify(ctx, slice, consumer, &csr).await {
        Ok(cert) => cert,
        Err(e) => {
            ctx.warn_error(slice, "AuthParamsFailed", &e).await;
            deny(conditions);
            return Err(e);
        }
    };
    let renew_in = renewal_delay(&cert, Timestamp::now().as_second());
    status.auth_params =
        Some(crate::authentication::auth_params(ctx, cert, tenant.spec.proxy_url.clone()).await?);
    status::set_condition(
        conditions,
        Type::Authentication,
        Status::Accepted,
        status::AUTH_ACCEPTED,
        now,
    );
    Ok(Auth::Accepted(renew_in))
}

/// Why the slice's namespace is not the consumer's tenant namespace (labels checked on the
/// object itself, so `liqo.io/tenant-namespace=false` is refused), if it is not.
async fn namespace_problem(
    ctx: &Context,
    slice: &ResourceSlice,
    consumer: &str,
) -> Result<Option<String>, ReconcileError> {
    let ns = slice.namespace().unwrap_or_default();
    let namespace = Api::<Namespace>::all(ctx.client.clone())
        .get(&ns)
        .await
        .api(format!("read Namespace {ns}"))?;
    let labels = namespace.labels();
    let tenant = labels.get(label::TENANT_NAMESPACE).map(String::as_str);
    if tenant.is_none() || tenant == Some(label::FALSE) {
        return Ok(Some(format!("namespace {ns} is not a tenant namespace")));
    }
    if labels.get(label::REMOTE_CLUSTER_ID).map(String::as_str) != Some(consumer) {
        return Ok(Some(format!(
            "namespace {ns} is not the tenant namespace of cluster {consumer}"
        )));
    }
    Ok(None)
}

/// The consumer's Tenant in its tenant namespace.
async fn tenant_of(
    ctx: &Context,
    ns: &str,
    consumer: &str,
) -> Result<Option<Tenant>, ReconcileError> {
    let tenants = Api::<Tenant>::namespaced(ctx.client.clone(), ns)
        .list(&ListParams::default())
        .await
        .api(format!("list the Tenants in {ns}"))?;
    Ok(tenants
        .items
        .into_iter()
        .find(|t| t.spec.cluster_id.as_deref() == Some(consumer)))
}

/// The slice's certificate: from the cache Secret `liqo-remote-certificate-<rs>` while it is
/// for this CSR and not due for renewal (two thirds of its lifetime), else newly issued.
async fn certify(
    ctx: &Context,
    slice: &ResourceSlice,
    consumer: &str,
    csr: &[u8],
) -> Result<Vec<u8>, ReconcileError> {
    let now = Timestamp::now().as_second();
    let current = slice
        .status
        .as_ref()
        .and_then(|s| s.auth_params.as_ref()?.signed_crt.as_ref());
    let due = current.is_some_and(|c| renewal_delay(&c.0, now).is_none_or(|d| d.is_zero()));
    // check_csr verified this CSR against the Tenant's key: a cache of other CSR bytes for
    // the same slice name is stale (the consumer re-created the slice), not a threat.
    let reuse = if due {
        Reuse::Renew
    } else {
        Reuse::ReplaceStale
    };
    let ns = slice.namespace().unwrap_or_default();
    let cache = format!("{CERTIFICATE_CACHE_PREFIX}{}", slice.name_any());
    let (cert, _) = certificate::ensure(
        &ctx.client,
        &ns,
        &cache,
        consumer,
        csr,
        FIELD_MANAGER,
        reuse,
    )
    .await
    .map_err(|e| ReconcileError::Other(e.into()))?;
    Ok(cert)
}

/// Fills what an accepted built-in slice is given.
async fn grant(
    ctx: &Context,
    slice: &ResourceSlice,
    status: &mut ResourceSliceStatus,
) -> Result<(), ReconcileError> {
    let settings = &ctx.offloading;
    let requested = slice.spec.resources.clone().unwrap_or_default();
    status.resources = Some(status::granted(
        &settings.default_node_resources,
        &requested,
    ));
    let classes = if settings.storage_enabled {
        storage_classes(ctx).await?
    } else {
        Vec::new()
    };
    status.storage_classes = Some(status::storage_classes(
        settings.storage_enabled,
        &classes,
        settings.real_storage_class.as_deref(),
    ));
    status.ingress_classes = Some(
        first_is_default(&settings.ingress_classes)
            .map(|(name, default)| IngressType {
                ingress_class_name: name,
                default,
            })
            .collect(),
    );
    status.load_balancer_classes = Some(
        first_is_default(&settings.load_balancer_classes)
            .map(|(name, default)| LoadBalancerType {
                load_balancer_class_name: name,
                default,
            })
            .collect(),
    );
    status.node_labels = Some(settings.cluster_labels.clone());
    Ok(())
}

/// `(name, default)` pairs: the first class is the default.
fn first_is_default(classes: &[String]) -> impl Iterator<Item = (String, Option<bool>)> + '_ {
    classes
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), (i == 0).then_some(true)))
}

/// Every StorageClass with whether it is the cluster default.
async fn storage_classes(ctx: &Context) -> Result<Vec<(String, bool)>, ReconcileError> {
    const DEFAULT: &str = "storageclass.kubernetes.io/is-default-class";
    let list = Api::<StorageClass>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await
        .api("list the StorageClasses")?;
    Ok(list
        .items
        .iter()
        .map(|sc| {
            let default = sc.annotations().get(DEFAULT).is_some_and(|v| v == "true");
            (sc.name_any(), default)
        })
        .collect())
}

fn error_policy(slice: Arc<ResourceSlice>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(CONTROLLER, &*slice, error)
}

/// The slices replicated from `consumer` (label `liqo.io/originID`), for re-enqueueing.
fn slices_of(
    store: &kube::runtime::reflector::Store<ResourceSlice>,
    consumer: &str,
) -> Vec<ObjectRef<ResourceSlice>> {
    store
        .state()
        .iter()
        .filter(|s| s.labels().get(label::ORIGIN_ID).map(String::as_str) == Some(consumer))
        .map(|s| ObjectRef::from_obj(&**s))
        .collect()
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let slices: Api<ResourceSlice> = Api::all(ctx.client.clone());
    let selector = format!("{}={},{}", label::REPLICATED, label::TRUE, label::ORIGIN_ID);
    // Status writes re-trigger one pass, which computes the same status and writes nothing
    // (kube's generation-only stream filter is an unstable API in this kube release).
    let controller = Controller::new(slices, watcher::Config::default().labels(&selector));
    let store = controller.store();
    // A Tenant's state (Active/Cordoned/Drained, key, proxy) decides its consumer's slices.
    let tenants: Api<Tenant> = Api::all(ctx.client.clone());
    let controller = controller.watches(tenants, watcher::Config::default(), move |tenant| {
        tenant
            .spec
            .cluster_id
            .as_deref()
            .map(|consumer| slices_of(&store, consumer))
            .unwrap_or_default()
    });
    ctx.drive(
        CONTROLLER,
        controller.run(reconcile, error_policy, ctx.clone()),
    )
    .await;
}
