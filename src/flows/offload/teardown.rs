//! The offloading teardown of `unpeer` (offloading.md §8.6): the consumer's ResourceSlices for
//! the provider, then its VirtualNodes for it. The slices step returns once what it deleted is
//! gone on both clusters: a slice with its Identity, kubeconfig and VirtualNode (and that one's
//! Node) on the consumer, its replica and Quota on the provider (upstream waits for the
//! consumer's slices only); with `wait`, the virtual nodes' step waits for them and their
//! Nodes too.

use std::future::Future;

use k8s_openapi::api::core::v1::{Node, Secret};
use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, ResourceSlice};
use liqo_api::consts::label;
use liqo_api::offloading::{NamespaceMap, Quota, VirtualNode};
use liqo_kube::wait;

use crate::exit::{Reported, one_line};
use crate::peers::Side;
use crate::printer::Printer;

/// Deletes the slices and virtual nodes of `local` (consumer) for its peer; `remote` is the
/// provider, `None` when it cannot be reached (`unpeer --force`: its replicas are left).
/// Orphan replicas on the provider (their consumer slice already gone) are deleted too.
pub async fn teardown(
    local: &Side,
    remote: Option<&Side>,
    wait: bool,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let printer = &local.printer;
    let deleted = step(printer, "Deleting resourceslices", async {
        let slices = delete_slices(&local.client, &local.peer).await?;
        let orphans = match remote {
            Some(remote) => delete_orphan_replicas(local, remote, &slices).await?,
            None => 0,
        };
        let done = if slices.is_empty() && orphans == 0 {
            "No resourceslices found"
        } else {
            "All resourceslices deleted"
        };
        Ok((slices, done.to_string()))
    })
    .await?;
    // Awaited even without `wait`: the control-plane Identity, deleted next, is what lets the
    // CRD replicator delete the replicas (upstream fails there with --wait=false, §3.3).
    step(
        printer,
        "Waiting for resource slices to be deleted",
        async {
            await_slices_gone(local, &deleted, left()).await?;
            if let Some(remote) = remote {
                await_replicas_gone(remote, left()).await?;
            }
            Ok(((), "Ensured resourceslices absence".to_string()))
        },
    )
    .await?;
    step(printer, "Deleting virtualnodes", async {
        let found = delete_virtual_nodes(&local.client, &local.peer).await?;
        let done = if found == 0 {
            "No virtualnodes found"
        } else {
            "All virtualnodes deleted"
        };
        Ok(((), done.to_string()))
    })
    .await?;
    if wait {
        step(printer, "Waiting for virtual nodes to be deleted", async {
            await_virtual_nodes_gone(&local.client, &local.peer, left()).await?;
            Ok(((), "Ensured virtualnodes absence".to_string()))
        })
        .await?;
    }
    Ok(())
}

/// The selector of the consumer's slices for `provider` (peering.md §7.2).
pub fn slices_selector(provider: &str) -> String {
    format!(
        "{}=true,{}={provider}",
        label::REPLICATION,
        label::REMOTE_ID
    )
}

/// The selector of the virtual nodes (and their Nodes) for `provider`.
pub fn virtual_nodes_selector(provider: &str) -> String {
    format!("{}={provider}", label::REMOTE_CLUSTER_ID)
}

/// One spinner step: `work` returns its value and success line; a failure line is the error.
async fn step<T>(
    printer: &Printer,
    start: &str,
    work: impl Future<Output = anyhow::Result<(T, String)>>,
) -> anyhow::Result<T> {
    let spinner = printer.spinner(start);
    match work.await {
        Ok((value, done)) => {
            spinner.success(done);
            Ok(value)
        }
        Err(e) => {
            let message = one_line(&e);
            spinner.fail(&message);
            Err(Reported(message).into())
        }
    }
}

/// Deletes every slice for `provider`, in any namespace; returns them as they were.
async fn delete_slices(client: &Client, provider: &str) -> anyhow::Result<Vec<ResourceSlice>> {
    let all: Api<ResourceSlice> = Api::all(client.clone());
    let slices = all
        .list(&ListParams::default().labels(&slices_selector(provider)))
        .await
        .map_err(|e| anyhow::anyhow!("Error while retrieving resourceslices: {}", render(&e)))?
        .items;
    for slice in &slices {
        let ns = slice.namespace().unwrap_or_default();
        let api: Api<ResourceSlice> = Api::namespaced(client.clone(), &ns);
        wait::deleted(&api, &slice.name_any(), None)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "Error while deleting resourceslice {ns}/{}: {}",
                    slice.name_any(),
                    one_line(&e.into())
                )
            })?;
    }
    Ok(slices)
}

fn render(e: &kube::Error) -> String {
    liqo_kube::api_error::render(e)
}

/// The slices gone, and what each owned on the consumer: its Identity, the Identity's
/// kubeconfig Secret and its VirtualNode (whose finalizer goes once the Node is deleted).
async fn await_slices_gone(
    local: &Side,
    slices: &[ResourceSlice],
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let all: Api<ResourceSlice> = Api::all(local.client.clone());
    wait::list(
        all,
        &slices_selector(&local.peer),
        "the resource slices to be deleted",
        timeout,
        |left| Ok(left.is_empty()),
        describe,
    )
    .await
    .map_err(|e| anyhow::anyhow!("Failed waiting for resource slices to be deleted: {e}"))?;
    let owned = [
        ApiResource::erase::<ResourceSlice>(&()),
        ApiResource::erase::<Identity>(&()),
        ApiResource::erase::<Secret>(&()),
        ApiResource::erase::<VirtualNode>(&()),
    ];
    for ns in namespaces(slices) {
        wait::orphans_deleted(&local.client, &ns, &owned, timeout)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "Failed waiting for resource slices to be deleted: {}",
                    one_line(&e.into())
                )
            })?;
    }
    Ok(())
}

/// Whether this user may list `api`'s kind there (a peering user on the provider may not list
/// the replicas of its own slices).
async fn may_list<K>(api: &Api<K>) -> anyhow::Result<bool>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.list_metadata(&ListParams::default().limit(1)).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(e)) if e.code == 403 => Ok(false),
        Err(e) => Err(anyhow::anyhow!(
            "Error while retrieving the provider's replicas: {}",
            render(&e)
        )),
    }
}

/// The provider's replicas of the consumer's slices gone, and their Quotas.
async fn await_replicas_gone(remote: &Side, timeout: std::time::Duration) -> anyhow::Result<()> {
    let Some(ns) = liqo_kube::tenant_namespace::lookup(&remote.client, &remote.peer)
        .await
        .map_err(|e| anyhow::anyhow!("Error while retrieving the remote tenant namespace: {e}"))?
        .map(|n| n.name_any())
    else {
        return Ok(());
    };
    let selector = replicas_selector(&remote.peer);
    let replicas: Api<ResourceSlice> = Api::namespaced(remote.client.clone(), &ns);
    if !may_list(&replicas).await? {
        // A peering user cannot see the replicas: the consumer's replicator removes them with
        // its own identity, unobserved here.
        remote
            .printer
            .verbose("Not waiting for the provider's replicas: this user may not list them");
        return Ok(());
    }
    let failed = |e: String| anyhow::anyhow!("Failed waiting for the provider's replicas: {e}");
    wait::list(
        replicas,
        &selector,
        "the provider's replicas of the resource slices to be deleted",
        timeout,
        // Orphans included: they were deleted too.
        |left| Ok(left.is_empty()),
        describe,
    )
    .await
    .map_err(|e| failed(e.to_string()))?;
    let owned = [
        ApiResource::erase::<ResourceSlice>(&()),
        ApiResource::erase::<Quota>(&()),
    ];
    wait::orphans_deleted(&remote.client, &ns, &owned, timeout)
        .await
        .map_err(|e| failed(one_line(&e.into())))
}

/// The replicas a provider holds of the slices of `consumer`.
fn replicas_selector(consumer: &str) -> String {
    format!(
        "{}={},{}={consumer}",
        label::REPLICATED,
        label::TRUE,
        label::ORIGIN_ID
    )
}

/// Deletes the provider's replicas (ResourceSlices, NamespaceMaps) whose consumer object was
/// already gone before this run (left by `unpeer --force`): no replicator manages them any
/// more. How many there were.
async fn delete_orphan_replicas(
    local: &Side,
    remote: &Side,
    deleted: &[ResourceSlice],
) -> anyhow::Result<usize> {
    let mut origins: Vec<String> = deleted.iter().map(ResourceExt::name_any).collect();
    origins.extend(names::<NamespaceMap>(&local.client).await?);
    let selector = replicas_selector(&remote.peer);
    // Replicas live in the provider's tenant namespace for the consumer: listed there, which a
    // peering user may do (not cluster-wide).
    let Some(ns) = liqo_kube::tenant_namespace::lookup(&remote.client, &remote.peer)
        .await
        .map_err(|e| anyhow::anyhow!("Error while retrieving the remote tenant namespace: {e}"))?
        .map(|n| n.name_any())
    else {
        return Ok(0);
    };
    let mut orphans = 0;
    for ar in [
        ApiResource::erase::<ResourceSlice>(&()),
        ApiResource::erase::<NamespaceMap>(&()),
    ] {
        let in_ns: Api<DynamicObject> = Api::namespaced_with(remote.client.clone(), &ns, &ar);
        if !may_list(&in_ns).await? {
            continue;
        }
        let replicas = in_ns
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "Error while retrieving the provider's replicas: {}",
                    render(&e)
                )
            })?
            .items;
        for replica in replicas.iter().filter(|r| !origins.contains(&r.name_any())) {
            match in_ns.delete(&replica.name_any(), &Default::default()).await {
                Ok(_) => orphans += 1,
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => anyhow::bail!(
                    "Error while deleting the provider's {} {ns}/{}: {}",
                    ar.kind,
                    replica.name_any(),
                    render(&e)
                ),
            }
        }
    }
    Ok(orphans)
}

/// The names of the `K`s in the cluster.
async fn names<K>(client: &Client) -> anyhow::Result<Vec<String>>
where
    K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let all: Api<K> = Api::all(client.clone());
    let list = all
        .list(&ListParams::default())
        .await
        .map_err(|e| anyhow::anyhow!("Error while retrieving {}s: {}", K::kind(&()), render(&e)))?;
    Ok(list.items.iter().map(ResourceExt::name_any).collect())
}

/// Deletes every VirtualNode for `provider`, in any namespace; how many there were.
async fn delete_virtual_nodes(client: &Client, provider: &str) -> anyhow::Result<usize> {
    let all: Api<VirtualNode> = Api::all(client.clone());
    let found = all
        .list(&ListParams::default().labels(&virtual_nodes_selector(provider)))
        .await
        .map_err(|e| anyhow::anyhow!("Error while retrieving virtualnodes: {}", render(&e)))?
        .items;
    for vn in &found {
        let ns = vn.namespace().unwrap_or_default();
        let api: Api<VirtualNode> = Api::namespaced(client.clone(), &ns);
        wait::deleted(&api, &vn.name_any(), None)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "Error while deleting virtualnode {ns}/{}: {}",
                    vn.name_any(),
                    one_line(&e.into())
                )
            })?;
    }
    Ok(found.len())
}

/// The VirtualNodes for `provider` gone, and their Nodes.
async fn await_virtual_nodes_gone(
    client: &Client,
    provider: &str,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let failed =
        |e: wait::WaitError| anyhow::anyhow!("Failed waiting for virtual nodes to be deleted: {e}");
    let selector = virtual_nodes_selector(provider);
    let vns: Api<VirtualNode> = Api::all(client.clone());
    wait::list(
        vns,
        &selector,
        "the virtual nodes to be deleted",
        timeout,
        |left| Ok(left.is_empty()),
        describe,
    )
    .await
    .map_err(failed)?;
    let nodes: Api<Node> = Api::all(client.clone());
    let virtual_nodes = format!("{selector},{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE);
    wait::list(
        nodes,
        &virtual_nodes,
        "the virtual nodes' Nodes to be deleted",
        timeout,
        |left| Ok(left.is_empty()),
        describe,
    )
    .await
    .map_err(failed)?;
    Ok(())
}

/// The namespaces `objects` are in, once each.
fn namespaces<K: ResourceExt>(objects: &[K]) -> Vec<String> {
    let mut out: Vec<String> = objects.iter().filter_map(ResourceExt::namespace).collect();
    out.sort();
    out.dedup();
    out
}

/// What is still there, with pending finalizers, for a timeout message.
fn describe<K: ResourceExt>(left: &[K]) -> String {
    if left.is_empty() {
        return "none left".into();
    }
    left.iter()
        .map(|o| {
            let finalizers = o.finalizers();
            let path = match o.namespace() {
                Some(ns) => format!("{ns}/{}", o.name_any()),
                None => o.name_any(),
            };
            if finalizers.is_empty() {
                path
            } else {
                format!("{path} (finalizers {finalizers:?})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
