//! `liqoctl network disconnect` and `reset` (networking.md §7.3–7.4) over
//! `flows::network::teardown`.

use std::time::Duration;

use anyhow::bail;

use super::common::CommonArgs;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flows::network::{self as net, TeardownOptions};

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
    let peers = args.peers(ctx).await?;
    let deadline = crate::flags::deadline(args.timeout);
    let options = TeardownOptions {
        local_namespace: args.local_namespace(),
        remote_namespace: args.remote_namespace(),
        configurations: reset,
        wait: args.wait,
    };
    let flow = net::teardown(&peers.local, &peers.remote, &options, deadline);
    match tokio::time::timeout(args.timeout + Duration::from_secs(2), flow).await {
        Ok(result) => result.map(|()| ExitStatus::Success),
        Err(_) => bail!(
            "timed out after {}s running network {command} with cluster {}",
            args.timeout.as_secs(),
            peers.remote.id
        ),
    }
}
