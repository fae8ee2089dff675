//! `liqoctl network disconnect` and `reset` (networking.md §7.3–7.4): the gateways go (their
//! Deployments, keys, PublicKeys and Connections follow by garbage collection); `reset` also
//! deletes the Configurations, whose Networks release their CIDRs.

use std::fmt::Debug;
use std::time::Duration;

use anyhow::bail;
use kube::{Api, ResourceExt};
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer};
use liqo_kube::network::lookup::by_peer;
use liqo_kube::wait;

use super::common::{CommonArgs, Side, TenantObject, connect_peers, left, pair, step};
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
        for side in [local, remote] {
            delete_step::<GatewayClient>(side, "gateway client", opts).await?;
        }
        for side in [local, remote] {
            delete_step::<GatewayServer>(side, "gateway server", opts).await?;
        }
        if reset {
            for side in [local, remote] {
                delete_step::<Configuration>(side, "network configuration", opts).await?;
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

/// The step deleting the side's `what` (e.g. "gateway client"), printed as upstream does.
async fn delete_step<K>(side: &Side<'_>, what: &str, opts: Opts) -> anyhow::Result<()>
where
    K: TenantObject,
{
    let mut subject = what.to_string();
    subject[..1].make_ascii_uppercase();
    step(
        side.printer,
        format!("Deleting {what}"),
        format!("An error occurred while deleting {what}"),
        |existed: &bool| {
            let done = if *existed { "correctly" } else { "already" };
            format!("{subject} {done} deleted")
        },
        delete_for_peer::<K>(side, opts),
    )
    .await
    .map(drop)
}

/// Deletes the object of kind `K` for the side's peer; whether there was one. A missing tenant
/// namespace means there is nothing to delete (upstream fails there, §7.1).
async fn delete_for_peer<K>(side: &Side<'_>, opts: Opts) -> anyhow::Result<bool>
where
    K: TenantObject,
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
