//! The offloading flows of the consumer (offloading.md §8): a ResourceSlice asked of a
//! provider, awaited until the provider authenticates it, then its virtual node; and the
//! teardown `unpeer` runs.

mod teardown;
mod virtual_node;

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::jiff::Timestamp;
use kube::api::{ListParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{
    ResourceSlice, ResourceSliceCondition, ResourceSliceConditionStatus, ResourceSliceConditionType,
};
use liqo_api::consts::label;
use liqo_kube::offloading::resource_slice::{self as slice_builder, SliceRequest};
use liqo_kube::tenant_namespace;

pub use teardown::{slices_selector, teardown, virtual_nodes_selector};
pub use virtual_node::await_virtual_node;

use crate::journal;
use crate::printer::{Printer, Scope};

/// The slice `request` asks for, placed in the consumer's tenant namespace for the provider,
/// checked read-only: a bad quantity, a missing tenant namespace or a name another tenant's
/// slice has are refused before anything is written.
pub async fn plan_slice(client: &Client, request: &SliceRequest) -> anyhow::Result<ResourceSlice> {
    let mut slice = slice_builder::build(request, "")?;
    let ns = tenant_namespace_of(client, &request.remote_cluster_id).await?;
    slice.metadata.namespace = Some(ns.clone());
    refuse_name_clash(client, &request.name, &ns).await?;
    Ok(slice)
}

/// Writes `slice` (planned by [`plan_slice`]) and waits until the provider accepts its
/// authentication, printing the spec's lines (§8.1) on `printer`; `scope` is the cluster's,
/// for the journal. Returns the slice as last read; a slice whose resources are not accepted
/// is a warning, not a failure (the provider may have cordoned the tenant).
pub async fn create_slice(
    client: &Client,
    printer: &Printer,
    scope: Scope,
    slice: &ResourceSlice,
    timeout: Duration,
) -> anyhow::Result<ResourceSlice> {
    let name = slice.name_any();
    let ns = slice.namespace().unwrap_or_default();
    let api: Api<ResourceSlice> = Api::namespaced(client.clone(), &ns);
    let spinner = printer.spinner("Creating ResourceSlice");
    let written_at = Timestamp::now();
    let written = create_or_update(&api, slice, scope)
        .await
        .context("Unable to create ResourceSlice")?;
    spinner.success("ResourceSlice created");
    let fresh_since = (written != Written::Unchanged).then_some(written_at);
    let spinner = printer.spinner("Waiting for ResourceSlice authentication to be accepted");
    let accepted = await_authentication(client, &api, slice, fresh_since, timeout)
        .await
        .context("Failed waiting for ResourceSlice authentication to be accepted")?;
    spinner.success("ResourceSlice authentication: Accepted");
    // One read, as upstream: the provider writes both conditions in one status update.
    let current = api.get(&name).await.unwrap_or(accepted);
    if current.is_resources_accepted() {
        printer.success("ResourceSlice resources: Accepted");
    } else {
        printer.warn(
            "ResourceSlice resources not accepted. The provider cluster may have cordoned the tenant or the resourceslice",
        );
    }
    Ok(current)
}

/// What [`create_or_update`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Created,
    Updated,
    Unchanged,
}

/// The consumer's tenant namespace for `cluster_id` (§8.1 step 1).
pub async fn tenant_namespace_of(client: &Client, cluster_id: &str) -> anyhow::Result<String> {
    match tenant_namespace::lookup(client, cluster_id)
        .await
        .context("Unable to get tenant namespace")?
    {
        Some(ns) => Ok(ns.name_any()),
        None => bail!(
            "tenant namespace not found for cluster {cluster_id:?} (authenticate with it first: liqoctl authenticate)"
        ),
    }
}

/// Refuses a name another tenant namespace's slice already has (§4.7: the VirtualNode and Node
/// take the slice's name, so slice names are unique in the cluster). Replicas (slices other
/// clusters asked of this one) do not count, as for the admission webhook.
async fn refuse_name_clash(client: &Client, name: &str, ns: &str) -> anyhow::Result<()> {
    let all: Api<ResourceSlice> = Api::all(client.clone());
    let same_name = all
        .list(&ListParams::default().fields(&format!("metadata.name={name}")))
        .await
        .context("Unable to create ResourceSlice: cannot check that its name is free")?;
    let clash = same_name.items.iter().find(|s| {
        s.namespace().as_deref() != Some(ns)
            && s.labels().get(label::REPLICATED).map(String::as_str) != Some(label::TRUE)
    });
    if let Some(other) = clash {
        bail!(
            "a ResourceSlice named {name:?} already exists in namespace {:?}: slice names are unique in the cluster, since the virtual node takes the slice's name; choose another name",
            other.namespace().unwrap_or_default()
        );
    }
    Ok(())
}

/// Creates the slice, or merges it into the existing one (labels and annotations merged, spec
/// replaced; nothing written when nothing changes). Retries a write lost to a concurrent update.
async fn create_or_update(
    api: &Api<ResourceSlice>,
    desired: &ResourceSlice,
    scope: Scope,
) -> anyhow::Result<Written> {
    let name = desired.name_any();
    for _ in 0..5 {
        let result = match api.get_opt(&name).await? {
            None => match api.create(&PostParams::default(), desired).await {
                Ok(created) => {
                    journal::created(scope, &created);
                    return Ok(Written::Created);
                }
                Err(e) => e,
            },
            Some(existing) => {
                if existing.metadata.deletion_timestamp.is_some() {
                    bail!(
                        "ResourceSlice {name:?} is being deleted; wait for it to be gone (liqoctl delete resourceslice {name} --wait) and retry"
                    );
                }
                let Some(merged) = slice_builder::merge(&existing, desired) else {
                    return Ok(Written::Unchanged);
                };
                match api.replace(&name, &PostParams::default(), &merged).await {
                    Ok(_) => return Ok(Written::Updated),
                    Err(e) => e,
                }
            }
        };
        // Someone else wrote in between (the consumer controller fills the spec): re-read.
        match result {
            kube::Error::Api(s) if s.code == 409 => continue,
            e => return Err(e.into()),
        }
    }
    bail!("ResourceSlice {name:?} kept changing while it was being written; retry")
}

/// Watches the slice until `Authentication=Accepted`. A `Denied` condition ends the wait with
/// its reason and message (upstream quirk 3: upstream waits forever, even on a denial); one
/// older than `fresh_since` (the spec this run wrote has not been judged yet) is not final.
async fn await_authentication(
    client: &Client,
    api: &Api<ResourceSlice>,
    slice: &ResourceSlice,
    fresh_since: Option<Timestamp>,
    timeout: Duration,
) -> anyhow::Result<ResourceSlice> {
    let name = slice.name_any();
    let name = name.as_str();
    let denied = |s: &ResourceSlice| final_denial(s, fresh_since);
    let waited = liqo_kube::wait::object(
        api.clone(),
        name,
        "ResourceSlice condition Authentication=Accepted",
        timeout,
        |s| s.is_some_and(|s| s.is_authentication_accepted() || denied(s).is_some()),
        describe,
    )
    .await;
    // The slice travels through the control-plane identity: when the provider never saw it,
    // the Identity's newest Event says why (an unreachable API server, and what to try).
    let identity = format!(
        "{}{}",
        liqo_api::consts::name::CONTROL_PLANE_IDENTITY_PREFIX,
        slice
            .labels()
            .get(liqo_api::consts::label::REMOTE_CLUSTER_ID)
            .map(String::as_str)
            .unwrap_or_default()
    );
    let found = match waited {
        Ok(found) => found,
        Err(e) => {
            let ns = slice.namespace().unwrap_or_default();
            return Err(e
                .with_last_event(client, &ns, "Identity", &identity)
                .await
                .into());
        }
    };
    let Some(slice) = found else {
        bail!("ResourceSlice {name:?} disappeared");
    };
    if let Some(c) = denied(&slice) {
        bail!(
            "the provider denied the authentication of ResourceSlice {name:?}: {}: {}",
            c.reason.as_deref().unwrap_or("no reason"),
            c.message.as_deref().unwrap_or("no message")
        );
    }
    Ok(slice)
}

/// The `Authentication=Denied` condition of `slice` if it judges the current spec: any denial
/// when this run wrote nothing, else only one that changed since `fresh_since` (condition times
/// have a one-second resolution).
fn final_denial(
    slice: &ResourceSlice,
    fresh_since: Option<Timestamp>,
) -> Option<ResourceSliceCondition> {
    let c = slice.condition(ResourceSliceConditionType::Authentication)?;
    if c.status != ResourceSliceConditionStatus::Denied {
        return None;
    }
    let fresh = match (fresh_since, &c.last_transition_time) {
        (None, _) => true,
        (Some(since), Some(t)) => t.0.as_second() >= since.as_second(),
        (Some(_), None) => false,
    };
    fresh.then(|| c.clone())
}

/// The slice's conditions, for a timeout message.
fn describe(slice: Option<&ResourceSlice>) -> String {
    let Some(slice) = slice else {
        return "the ResourceSlice does not exist".into();
    };
    let show = |t: ResourceSliceConditionType, what: &str| match slice.condition(t) {
        Some(c) => format!(
            "{what} {:?} ({})",
            c.status,
            c.reason.as_deref().unwrap_or("no reason")
        ),
        None => format!("{what} not set"),
    };
    let csr = if slice.spec.csr.is_some() {
        "CSR issued"
    } else {
        "no CSR yet (is the controller manager running?)"
    };
    format!(
        "{}, {}, {csr}",
        show(ResourceSliceConditionType::Authentication, "Authentication"),
        show(ResourceSliceConditionType::Resources, "Resources")
    )
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use liqo_api::authentication::ResourceSliceStatus;

    use super::*;

    fn slice(status: ResourceSliceConditionStatus, at: Option<i64>) -> ResourceSlice {
        let mut s = ResourceSlice::new("rs", Default::default());
        s.status = Some(ResourceSliceStatus {
            conditions: Some(vec![ResourceSliceCondition {
                type_: ResourceSliceConditionType::Authentication,
                status,
                last_transition_time: at.map(|t| Time(Timestamp::from_second(t).unwrap())),
                reason: Some("ResourceSliceAuthenticationDenied".into()),
                message: Some("ResourceSlice authentication denied".into()),
            }]),
            ..Default::default()
        });
        s
    }

    #[test]
    fn a_denial_ends_the_wait_unless_it_predates_what_this_run_wrote() {
        use ResourceSliceConditionStatus::{Accepted, Denied};
        let wrote = Some(Timestamp::from_second(1_000).unwrap());
        assert!(final_denial(&slice(Denied, Some(900)), None).is_some());
        assert!(final_denial(&slice(Denied, Some(1_000)), wrote).is_some());
        assert!(final_denial(&slice(Denied, Some(999)), wrote).is_none());
        assert!(final_denial(&slice(Denied, None), wrote).is_none());
        assert!(final_denial(&slice(Accepted, Some(2_000)), None).is_none());
        assert!(final_denial(&ResourceSlice::new("rs", Default::default()), None).is_none());
    }
}
