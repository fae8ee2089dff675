//! `liqoctl network disconnect` and `reset` (networking.md §7.3–7.4): the gateways go (their
//! Deployments, keys, PublicKeys and Connections follow by garbage collection); `reset` also
//! deletes the Configurations, whose Networks release their CIDRs.

use std::fmt::Debug;
use std::time::Duration;

use anyhow::bail;
use kube::{Api, Resource, ResourceExt};
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer};
use liqo_kube::network::lookup::by_peer;
use liqo_kube::wait;
use serde::de::DeserializeOwned;

use super::common::{CommonArgs, Side, connect_peers, left, pair, step};
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
    let deadline = tokio::time::Instant::now() + args.timeout;
    let flow = async {
        let pair = pair(&peers, args, false).await?;
        let (local, remote) = (&pair.local, &pair.remote);
        let opts = Opts {
            wait: args.wait,
            deadline,
        };
        delete_gateway::<GatewayClient>(local, "client", opts).await?;
        delete_gateway::<GatewayClient>(remote, "client", opts).await?;
        delete_gateway::<GatewayServer>(local, "server", opts).await?;
        delete_gateway::<GatewayServer>(remote, "server", opts).await?;
        if reset {
            delete_configuration(local, opts).await?;
            delete_configuration(remote, opts).await?;
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

async fn delete_gateway<K>(side: &Side<'_>, role: &str, opts: Opts) -> anyhow::Result<()>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static,
{
    let capital = if role == "client" {
        "Gateway client"
    } else {
        "Gateway server"
    };
    step(
        side.printer,
        format!("Deleting gateway {role}"),
        format!("An error occurred while deleting gateway {role}"),
        |existed: &bool| {
            if *existed {
                format!("{capital} correctly deleted")
            } else {
                format!("{capital} already deleted")
            }
        },
        delete_for_peer::<K>(side, opts),
    )
    .await
    .map(drop)
}

async fn delete_configuration(side: &Side<'_>, opts: Opts) -> anyhow::Result<()> {
    step(
        side.printer,
        "Deleting network configuration",
        "An error occurred while deleting network configuration",
        |existed: &bool| {
            if *existed {
                "Network configuration correctly deleted".into()
            } else {
                "Network configuration already deleted".into()
            }
        },
        delete_for_peer::<Configuration>(side, opts),
    )
    .await
    .map(drop)
}

/// Deletes the object of kind `K` for the side's peer; whether there was one. A missing tenant
/// namespace means there is nothing to delete (upstream fails there, §7.1).
async fn delete_for_peer<K>(side: &Side<'_>, opts: Opts) -> anyhow::Result<bool>
where
    K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static,
{
    let Some(ns) = &side.namespace else {
        return Ok(false);
    };
    let api: Api<K> = Api::namespaced(side.client.clone(), ns);
    let Some(object) = by_peer(&api, side.peer).await? else {
        return Ok(false);
    };
    let timeout = opts.wait.then(|| left(opts.deadline));
    Ok(wait::deleted(&api, &object.name_any(), timeout).await?)
}
