//! `teardown` (networking.md §7.3–7.4): the gateways go (their Deployments, keys, PublicKeys
//! and Connections follow by garbage collection); on reset the Configurations too, whose
//! Networks release their CIDRs. With `wait`, each delete returns once everything the object
//! owns is gone too (upstream returns at once, and its gateway pods, WireGuard gateways and
//! Connections outlive the command).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Endpoints, Pod, Secret, Service, ServiceAccount};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::ApiResource;
use kube::{Api, ResourceExt};
use liqo_api::ipam::Network;
use liqo_api::networking::{
    Configuration, Connection, GatewayClient, GatewayServer, PublicKey, WgGatewayClient,
    WgGatewayServer,
};
use liqo_kube::network::lookup::by_peer;
use liqo_kube::wait;

use super::namespaces::resolve_namespaces;
use super::{Net, TeardownOptions, TenantObject, left};
use crate::peers::Side;

/// Deletes the network objects of `local` and `remote` for each other, local first in each
/// step, within `deadline`.
pub async fn teardown(
    local: &Side,
    remote: &Side,
    options: &TeardownOptions,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let (mut local, mut remote) = (Net::new(local), Net::new(remote));
    let flags = [&options.local_namespace, &options.remote_namespace];
    resolve_namespaces([&mut local, &mut remote], flags).await?;
    let opts = Opts {
        wait: options.wait,
        deadline,
    };
    let gateway = gateway_dependents();
    for side in [&local, &remote] {
        delete_step::<GatewayClient>(side, "gateway client", &gateway, opts).await?;
    }
    for side in [&local, &remote] {
        delete_step::<GatewayServer>(side, "gateway server", &gateway, opts).await?;
    }
    if options.configurations {
        let configuration = [
            ApiResource::erase::<Configuration>(&()),
            ApiResource::erase::<Network>(&()),
        ];
        for side in [&local, &remote] {
            delete_step::<Configuration>(side, "network configuration", &configuration, opts)
                .await?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct Opts {
    wait: bool,
    deadline: tokio::time::Instant,
}

/// The gateways and what they own, directly or not, in their namespace, owners first: the
/// WireGuard gateway, its Deployment (ReplicaSets, pods), Service (Endpoints, EndpointSlices)
/// and ServiceAccount; the keys Secret, the peer's PublicKey and the Connection its pod writes.
pub(super) fn gateway_dependents() -> Vec<ApiResource> {
    vec![
        ApiResource::erase::<GatewayClient>(&()),
        ApiResource::erase::<GatewayServer>(&()),
        ApiResource::erase::<WgGatewayClient>(&()),
        ApiResource::erase::<WgGatewayServer>(&()),
        ApiResource::erase::<Deployment>(&()),
        ApiResource::erase::<ReplicaSet>(&()),
        ApiResource::erase::<Pod>(&()),
        ApiResource::erase::<Service>(&()),
        ApiResource::erase::<Endpoints>(&()),
        ApiResource::erase::<EndpointSlice>(&()),
        ApiResource::erase::<ServiceAccount>(&()),
        ApiResource::erase::<Secret>(&()),
        ApiResource::erase::<Connection>(&()),
        ApiResource::erase::<PublicKey>(&()),
    ]
}

/// The step deleting the side's `what` (e.g. "gateway client") and, with `--wait`, its
/// `dependents`, printed as upstream does.
async fn delete_step<K>(
    side: &Net<'_>,
    what: &str,
    dependents: &[ApiResource],
    opts: Opts,
) -> anyhow::Result<()>
where
    K: TenantObject,
{
    let mut subject = what.to_string();
    subject[..1].make_ascii_uppercase();
    side.step(
        format!("Deleting {what}"),
        format!("An error occurred while deleting {what}"),
        |existed: &bool| {
            let done = if *existed { "correctly" } else { "already" };
            format!("{subject} {done} deleted")
        },
        delete_for_peer::<K>(side, dependents, opts),
    )
    .await
    .map(drop)
}

/// Deletes the object of kind `K` for the side's peer; whether there was one. A missing tenant
/// namespace means there is nothing to delete (upstream fails there, §7.1).
async fn delete_for_peer<K>(
    side: &Net<'_>,
    dependents: &[ApiResource],
    opts: Opts,
) -> anyhow::Result<bool>
where
    K: TenantObject,
{
    let Some(ns) = &side.namespace else {
        return Ok(false);
    };
    let api: Api<K> = Api::namespaced(side.client.clone(), ns);
    let timeout = opts.wait.then(|| left(opts.deadline));
    let Some(object) = by_peer(&api, &side.peer).await? else {
        // An earlier deletion (without --wait, or timed out) may have left dependents that
        // the garbage collector is still removing.
        if let Some(timeout) = timeout {
            wait::orphans_deleted(&side.client, ns, dependents, timeout).await?;
        }
        return Ok(false);
    };
    let name = object.name_any();
    Ok(wait::deleted_with_dependents::<K>(&side.client, ns, &name, dependents, timeout).await?)
}
