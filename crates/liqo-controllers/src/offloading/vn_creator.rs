//! VirtualNode creator (`resourceslice_vncreator`, spec offloading.md §4.5): a consumer's
//! ResourceSlice that the provider accepted, and that asks for it
//! (`liqo.io/create-virtual-node`), gets VirtualNode `<rs>` in its namespace, owned by the
//! slice, with the options of its status (§4.6). It never deletes the VirtualNode: that is the
//! garbage collector's job when the slice goes.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::ListParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::authentication::{Identity, IdentityType, ResourceSlice};
use liqo_api::consts::{annotation, field_manager, label};
use liqo_api::offloading::{VirtualNode, VirtualNodeSpec, VkOptionsTemplate};
use liqo_kube::offloading::virtual_node::{self as vnb, Mutation};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "virtualnode-creator";
const RESYNC: Duration = Duration::from_secs(300);

/// Whether the slice asks for a virtual node: annotation `liqo.io/create-virtual-node` set and
/// not `false` (any case).
pub fn wants_virtual_node(slice: &ResourceSlice) -> bool {
    slice
        .annotations()
        .get(annotation::CREATE_VIRTUAL_NODE)
        .is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("false"))
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let local = watcher::Config::default().labels(&format!("{}=true", label::REPLICATION));
    let controller = Controller::new(Api::<ResourceSlice>::all(client.clone()), local)
        .owns(
            Api::<VirtualNode>::all(client.clone()),
            watcher::Config::default(),
        )
        // By label rather than owner: an Identity made by hand (or by another tool) for the
        // slice counts as well, and its status is what this controller waits for.
        .watches(
            Api::<Identity>::all(client),
            watcher::Config::default().labels(label::RESOURCE_SLICE_NAME),
            |identity| {
                let ns = identity.namespace()?;
                let rs = identity.labels().get(label::RESOURCE_SLICE_NAME)?;
                Some(ObjectRef::new(rs).within(&ns))
            },
        );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(slice: Arc<ResourceSlice>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(NAME, &*slice, error)
}

#[instrument(skip_all, fields(name = %slice.name_any(), ns = slice.namespace()))]
async fn reconcile(slice: Arc<ResourceSlice>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    ensure(&ctx, &slice).await
}

async fn ensure(ctx: &Context, slice: &ResourceSlice) -> Result<Action, ReconcileError> {
    // 1.
    if slice.meta().deletion_timestamp.is_some()
        || !slice.labels().contains_key(label::REMOTE_ID)
        || !wants_virtual_node(slice)
        || !slice.is_accepted()
    {
        return Ok(Action::await_change());
    }
    // 2.
    let Some(provider) = slice.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
        return Err(ReconcileError::Invalid(format!(
            "ResourceSlice {} has no label {}",
            slice.name_any(),
            label::REMOTE_CLUSTER_ID
        )));
    };
    let ns = slice.namespace().unwrap_or_default();
    let rs = slice.name_any();
    // 3. The kubeconfig of the slice's Identity; not there yet → wait for its event.
    let Some(secret) = kubeconfig_secret(ctx, &ns, &rs, &provider).await? else {
        return Ok(Action::requeue(RESYNC));
    };
    // 4.
    let vns: Api<VirtualNode> = Api::namespaced(ctx.client.clone(), &ns);
    let existing = vns
        .get_opt(&rs)
        .await
        .api(format!("read VirtualNode {ns}/{rs}"))?;
    let template_ref = existing
        .as_ref()
        .and_then(|v| v.spec.vk_options_template_ref.clone());
    if let Some(r) = template_ref.as_ref() {
        check_template(ctx, r).await?;
    }
    let mutation = Mutation {
        remote_cluster_id: provider,
        options: vnb::options_from_slice(slice, &secret, template_ref),
        // createNode, disableNetworkCheck and the runtime class are left as they are.
        ..Mutation::default()
    };
    // Only the fields this controller sets are applied: the VirtualNode controller's defaults
    // (spec.template, createNode, …) keep their owner.
    let mut vn = VirtualNode::new(&rs, VirtualNodeSpec::default());
    vn.metadata.namespace = Some(ns.clone());
    vnb::mutate(&mut vn, &mutation, None);
    vn.metadata
        .labels
        .get_or_insert_default()
        .insert(label::RESOURCE_SLICE_NAME.to_owned(), rs.clone());
    vn.metadata.owner_references = slice.controller_owner_ref(&()).map(|o| vec![o]);
    reconcile::apply(&ctx.client, &vn, field_manager::VIRTUAL_NODE_CREATOR).await?;
    if existing.is_none() {
        let note = format!("VirtualNode {ns}/{rs} created");
        ctx.event(slice, EventType::Normal, "VirtualNodeCreated", note)
            .await;
    }
    Ok(Action::requeue(RESYNC))
}

/// The name of the kubeconfig Secret of the slice's Identity, once the Identity controller has
/// produced it.
async fn kubeconfig_secret(
    ctx: &Context,
    ns: &str,
    rs: &str,
    provider: &str,
) -> Result<Option<String>, ReconcileError> {
    let selector = format!(
        "{}={provider},{}={rs}",
        label::REMOTE_CLUSTER_ID,
        label::RESOURCE_SLICE_NAME
    );
    let identities = Api::<Identity>::namespaced(ctx.client.clone(), ns)
        .list(&ListParams::default().labels(&selector))
        .await
        .api(format!("list the Identities of ResourceSlice {ns}/{rs}"))?;
    let secret = identities
        .items
        .iter()
        .filter(|i| i.spec.type_ == Some(IdentityType::ResourceSlice))
        .find_map(|i| i.status.as_ref()?.kubeconfig_secret_ref.clone())
        .map(|r| r.name)
        .filter(|n| !n.is_empty());
    let Some(secret) = secret else {
        return Ok(None);
    };
    let found = Api::<Secret>::namespaced(ctx.client.clone(), ns)
        .get_metadata_opt(&secret)
        .await
        .api(format!("read Secret {ns}/{secret}"))?;
    Ok(found.map(|_| secret))
}

/// §4.6 step 6: a referenced VkOptionsTemplate must exist.
async fn check_template(
    ctx: &Context,
    reference: &k8s_openapi::api::core::v1::ObjectReference,
) -> Result<(), ReconcileError> {
    let ns = reference
        .namespace
        .clone()
        .unwrap_or_else(|| ctx.liqo_namespace.clone());
    let template = reference.name.clone().unwrap_or_default();
    Api::<VkOptionsTemplate>::namespaced(ctx.client.clone(), &ns)
        .get_metadata(&template)
        .await
        .map(|_| ())
        .api(format!("read VkOptionsTemplate {ns}/{template}"))
}

#[cfg(test)]
mod tests {
    use liqo_api::authentication::ResourceSliceSpec;

    use super::*;

    #[test]
    fn the_annotation_asks_unless_empty_or_false() {
        let with = |v: Option<&str>| {
            let mut s = ResourceSlice::new("rs", ResourceSliceSpec::default());
            if let Some(v) = v {
                s.metadata.annotations =
                    Some([(annotation::CREATE_VIRTUAL_NODE.to_owned(), v.to_owned())].into());
            }
            wants_virtual_node(&s)
        };
        assert!(with(Some("true")));
        assert!(with(Some("yes")));
        assert!(!with(Some("False")));
        assert!(!with(Some("FALSE")));
        assert!(!with(Some("")));
        assert!(!with(None));
    }
}
