//! `liqoctl network disconnect` and `reset` (networking.md §7.3–7.4): the gateways go (their
//! Deployments, keys, PublicKeys and Connections follow by garbage collection); `reset` also
//! deletes the Configurations, whose Networks release their CIDRs. With `--wait`, each delete
//! returns once everything the object owns is gone too (upstream returns at once, and its
//! gateway pods, WireGuard gateways and Connections outlive the command).

use std::fmt::Debug;
use std::time::Duration;

use anyhow::bail;
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

use super::common::{CommonArgs, Side, TenantObject, connect_peers, left, pair, side_step};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Delete the gateways of both clusters, keeping the network configurations.
#[derive(Debug, clap::Args)]
pub struct DisconnectArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Delete the gateways and the network configurations of both clusters.
#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    #[command(flatten)]
    common: CommonArgs,
}

impl DisconnectArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        run(ctx, &self.common, "disconnect", false).await
    }
}

impl ResetArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        run(ctx, &self.common, "reset", true).await
    }
}

async fn run(
    ctx: &Ctx,
    args: &CommonArgs,
    command: &str,
    reset: bool,
) -> anyhow::Result<ExitStatus> {
    if !crate::confirm::destructive(ctx, command)? {
        return Ok(ExitStatus::Failure);
    }
    let peers = connect_peers(ctx, args).await?;
    let deadline = crate::cli::deadline(args.timeout);
    let flow = async {
        let pair = pair(&peers, args, false).await?;
        let (local, remote) = (&pair.local, &pair.remote);
        let opts = Opts {
            wait: args.wait,
            deadline,
        };
        let gateway = gateway_dependents();
        for side in [local, remote] {
            delete_step::<GatewayClient>(side, "gateway client", &gateway, opts).await?;
        }
        for side in [local, remote] {
            delete_step::<GatewayServer>(side, "gateway server", &gateway, opts).await?;
        }
        if reset {
            let configuration = [
                ApiResource::erase::<Configuration>(&()),
                ApiResource::erase::<Network>(&()),
            ];
            for side in [local, remote] {
                delete_step::<Configuration>(side, "network configuration", &configuration, opts)
                    .await?;
            }
        }
        anyhow::Ok(())
    };
    match tokio::time::timeout(args.timeout + Duration::from_secs(2), flow).await {
        Ok(result) => result.map(|()| ExitStatus::Success),
        Err(_) => bail!(
            "timed out after {}s running network {command} with cluster {}",
            args.timeout.as_secs(),
            peers.remote_id
        ),
    }
}

#[derive(Clone, Copy)]
struct Opts {
    wait: bool,
    deadline: tokio::time::Instant,
}

/// The gateways and what they own, directly or not, in their namespace, owners first: the
/// WireGuard gateway, its Deployment (ReplicaSets, pods), Service (Endpoints, EndpointSlices)
/// and ServiceAccount; the keys Secret, the peer's PublicKey and the Connection its pod writes.
fn gateway_dependents() -> Vec<ApiResource> {
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
    side: &Side<'_>,
    what: &str,
    dependents: &[ApiResource],
    opts: Opts,
) -> anyhow::Result<()>
where
    K: TenantObject,
{
    let mut subject = what.to_string();
    subject[..1].make_ascii_uppercase();
    side_step(
        side,
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
    side: &Side<'_>,
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
    let Some(object) = by_peer(&api, side.peer).await? else {
        // An earlier deletion (without --wait, or timed out) may have left dependents that
        // the garbage collector is still removing.
        if let Some(timeout) = timeout {
            wait::orphans_deleted(side.client, ns, dependents, timeout).await?;
        }
        return Ok(false);
    };
    let name = object.name_any();
    Ok(wait::deleted_with_dependents::<K>(side.client, ns, &name, dependents, timeout).await?)
}
