//! `unpeer --force --remote-cluster-id <P>` (liqo#3051): the provider is gone for good, so
//! only the local cluster is contacted. Its ForeignCluster is marked permanently unreachable
//! (the CRD replicator then releases the slices and Renews without reaching the provider, the
//! VirtualNode controller deletes the virtual node without evicting pods there), then the
//! local objects of both directions go: slices, virtual nodes, the control-plane Identity,
//! the Tenant, the network objects, the tenant namespace with `--delete-namespaces`, and the
//! ForeignCluster last. The controllers get the first half of `--timeout`; what is still there
//! then has its Liqo finalizers removed (said so), so the command never hangs on one.

use std::time::Duration;

use anyhow::Context as _;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{DeleteParams, DynamicObject, Patch, PatchParams};
use kube::{Api, Client};
use liqo_api::consts::name;

use super::UnpeerArgs;
use super::plan::{self, Item, Role, Scope as PlanScope};
use crate::ctx::Ctx;
use crate::exit::{ExitStatus, Reported, one_line};
use crate::flows::{foreign_cluster, offload};
use crate::peers::Side;
use crate::printer::Scope;

/// The subject of the confirmation (cli.md §4.5).
const CONFIRM: &str = "force unpeer might leave the remote cluster in an inconsistent state and it";

pub async fn run(args: UnpeerArgs, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let provider = args
        .remote_cluster_id
        .clone()
        .expect("invariant: clap requires --remote-cluster-id with --force");
    if args.clusters.remote.is_set() {
        ctx.printer
            .warn("--force contacts the local cluster only: the remote cluster flags are ignored");
    }
    let cluster = ctx.local().await?;
    let liqo_ns = args.clusters.namespace.clone();
    let id = local_cluster_id(&cluster.client, &liqo_ns).await?;
    if id == provider {
        anyhow::bail!("--remote-cluster-id {provider} is this cluster's own ID");
    }
    let side = Side {
        client: cluster.client,
        config: cluster.config,
        scope: Scope::Local,
        printer: ctx.printer.scoped(Scope::Local),
        liqo_namespace: liqo_ns,
        id,
        peer: provider.clone(),
    };
    let scope = PlanScope {
        network: true,
        namespaces: args.delete_namespaces,
    };
    let planned = plan::side_plan(&side, Role::Both, scope).await?;
    if args.dry_run {
        for item in &planned {
            ctx.printer.data(format_args!("(local) {item}\n"));
        }
        side.printer.info(format_args!(
            "Dry run: {} objects would be deleted on the local cluster; nothing was changed",
            planned.len()
        ));
        return Ok(ExitStatus::Success);
    }
    if planned.is_empty() {
        side.printer.success(format_args!(
            "Cluster {provider} is not peered with this cluster: nothing to unpeer"
        ));
        return Ok(ExitStatus::Success);
    }
    if !crate::confirm::destructive(ctx, CONFIRM)? {
        return Ok(ExitStatus::Failure);
    }
    let deadline = crate::flags::deadline(args.timeout);
    // The controllers' share; the rest is for removing what they did not.
    let controllers = crate::flags::deadline(args.timeout / 2);
    side.step(
        format!("Marking ForeignCluster {provider} permanently unreachable"),
        "Failed marking the ForeignCluster permanently unreachable",
        |()| format!("ForeignCluster {provider} marked permanently unreachable"),
        foreign_cluster::mark_unreachable(&side.client, &provider),
    )
    .await?;
    let graceful = async {
        offload::teardown(&side, None, true, controllers).await?;
        delete_and_await(&side, scope, controllers).await
    };
    if let Err(e) = graceful.await {
        if e.downcast_ref::<Reported>().is_none() {
            side.printer.warn(one_line(&e));
        }
        strip_finalizers(&side, scope, deadline).await?;
    }
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    side.step(
        "Deleting foreign cluster",
        "Failed deleting foreign cluster",
        |_: &bool| format!("ForeignCluster {provider} deleted"),
        delete_foreign_cluster(&side.client, &provider, left),
    )
    .await?;
    Ok(ExitStatus::Success)
}

/// This cluster's ID, from the ConfigMap Liqo's install wrote in `liqo_ns`.
async fn local_cluster_id(client: &Client, liqo_ns: &str) -> anyhow::Result<String> {
    let cm = Api::<ConfigMap>::namespaced(client.clone(), liqo_ns)
        .get_opt(name::CLUSTER_ID_CONFIGMAP)
        .await
        .context("an error occurred while retrieving cluster id")?;
    cm.and_then(|cm| cm.data?.get(name::CLUSTER_ID_KEY).cloned())
        .with_context(|| {
            format!(
                "an error occurred while retrieving cluster id: Liqo is not installed in namespace {liqo_ns:?} (no ConfigMap {})",
                name::CLUSTER_ID_CONFIGMAP
            )
        })
}

/// The planned objects but the ForeignCluster (deleted last: it would be re-created while
/// a Tenant or an Identity of the peer remains).
async fn leftovers(side: &Side, scope: PlanScope) -> anyhow::Result<Vec<Item>> {
    let mut items = plan::side_plan(side, Role::Both, scope).await?;
    items.retain(|i| i.kind != "ForeignCluster");
    Ok(items)
}

/// Deletes every leftover and waits, until `deadline`, for all to be gone.
async fn delete_and_await(
    side: &Side,
    scope: PlanScope,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let items = leftovers(side, scope).await?;
    side.step(
        "Deleting the local peering objects",
        "Failed deleting the local peering objects",
        |n: &usize| format!("{n} local peering objects deleted"),
        async {
            for item in &items {
                delete(&side.client, item).await?;
            }
            anyhow::Ok(items.len())
        },
    )
    .await?;
    // A timeout here is not a failure: the leftovers' finalizers go next.
    let spinner = side
        .printer
        .spinner("Waiting for the local peering objects to be deleted");
    match await_gone(&side.client, &items, deadline).await {
        Ok(()) => {
            spinner.success("Ensured local peering objects absence");
            Ok(())
        }
        Err(e) => {
            let message = format!("Still present after half of --timeout: {}", one_line(&e));
            spinner.warn(&message);
            Err(Reported(message).into())
        }
    }
}

/// What the controllers left: its Liqo finalizers removed, deleted, awaited.
async fn strip_finalizers(
    side: &Side,
    scope: PlanScope,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let items = leftovers(side, scope).await?;
    side.step(
        "Removing the Liqo finalizers from the local leftovers",
        "Failed removing the Liqo finalizers",
        |n: &usize| format!("Liqo finalizers removed from {n} leftover objects"),
        async {
            let mut stripped = 0;
            for item in &items {
                if release(&side.client, item).await? {
                    stripped += 1;
                }
                delete(&side.client, item).await?;
            }
            anyhow::Ok(stripped)
        },
    )
    .await?;
    side.step(
        "Waiting for the local leftovers to be deleted",
        "Still present",
        |()| "Ensured local peering objects absence".into(),
        await_gone(&side.client, &items, deadline),
    )
    .await
}

fn api(client: &Client, item: &Item) -> Api<DynamicObject> {
    let ar = item.api_resource();
    match &item.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    }
}

async fn delete(client: &Client, item: &Item) -> anyhow::Result<()> {
    match api(client, item)
        .delete(&item.name, &DeleteParams::background())
        .await
    {
        Ok(_) => Ok(()),
        // 409: a namespace already terminating.
        Err(kube::Error::Api(e)) if e.code == 404 || e.code == 409 => Ok(()),
        Err(e) => Err(e).with_context(|| format!("failed to delete {item}")),
    }
}

/// Removes the Liqo finalizers (`*liqo.io/*`) of `item`, keeping others; whether it had any.
async fn release(client: &Client, item: &Item) -> anyhow::Result<bool> {
    let api = api(client, item);
    let Some(object) = api.get_opt(&item.name).await? else {
        return Ok(false);
    };
    let finalizers = object.metadata.finalizers.clone().unwrap_or_default();
    let kept: Vec<&String> = finalizers.iter().filter(|f| !is_liqo(f)).collect();
    if kept.len() == finalizers.len() {
        return Ok(false);
    }
    // The resourceVersion makes the patch fail rather than drop a finalizer added meanwhile.
    let patch = serde_json::json!({"metadata": {
        "finalizers": kept,
        "resourceVersion": object.metadata.resource_version,
    }});
    match api
        .patch(&item.name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(false),
        Err(e) => Err(e).with_context(|| format!("failed to remove the finalizers of {item}")),
    }
}

fn is_liqo(finalizer: &str) -> bool {
    finalizer
        .split('/')
        .next()
        .is_some_and(|domain| domain == "liqo.io" || domain.ends_with(".liqo.io"))
}

async fn await_gone(
    client: &Client,
    items: &[Item],
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    for item in items {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        liqo_kube::wait::object(
            api(client, item),
            &item.name,
            &format!("{item} to be deleted"),
            left,
            |o| o.is_none(),
            |o| match o.and_then(|o| o.metadata.finalizers.clone()) {
                Some(f) if !f.is_empty() => format!("still present, finalizers {f:?}"),
                _ => "still present".into(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The ForeignCluster deleted and gone, its finalizers (the API-server checker's, which
/// upstream's controller may not get to remove for an unreachable peer) removed if needed.
async fn delete_foreign_cluster(
    client: &Client,
    provider: &str,
    timeout: Duration,
) -> anyhow::Result<bool> {
    let half = timeout / 2;
    match foreign_cluster::delete(client, provider, Some(half)).await {
        Ok(existed) => Ok(existed),
        Err(_) => {
            let Some(fc) = foreign_cluster::lookup(client, provider).await? else {
                return Ok(true);
            };
            let patch = serde_json::json!({"metadata": {"finalizers": null}});
            Api::<liqo_api::core::ForeignCluster>::all(client.clone())
                .patch(
                    &kube::ResourceExt::name_any(&fc),
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
                .context("failed to remove the ForeignCluster's finalizers")?;
            foreign_cluster::delete(client, provider, Some(timeout - half)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_liqo_finalizers_are_removed() {
        assert!(is_liqo("crdreplicator.liqo.io/resource"));
        assert!(is_liqo("virtualnode-controller.liqo.io/finalizer"));
        assert!(is_liqo("liqo.io/x"));
        assert!(!is_liqo("kubernetes"));
        assert!(!is_liqo("foregroundDeletion"));
        assert!(!is_liqo("example.com/liqo.io"));
    }
}
