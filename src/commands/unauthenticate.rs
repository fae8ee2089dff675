//! `liqoctl unauthenticate` over `flows::auth::unauthenticate`.

use std::time::Duration;

use anyhow::bail;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{PeerClusterArgs, parse_timeout};
use crate::flows::auth::unauthenticate;
use crate::peers::Peers;

/// Remove the authentication with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
pub struct UnauthenticateArgs {
    /// Wait until the Identity and the Tenant are gone (upstream accepts and ignores it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    wait: bool,
    /// Bound on the whole operation.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
    #[command(flatten)]
    clusters: PeerClusterArgs,
}

impl UnauthenticateArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            wait,
            timeout,
            clusters,
        } = self;
        let peers = Peers::connect(
            ctx,
            &clusters.remote,
            &clusters.namespace,
            &clusters.remote_namespace,
        )
        .await?;
        match tokio::time::timeout(timeout, unauthenticate(&peers, wait)).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => bail!(
                "timed out after {}s removing the authentication with cluster {}",
                timeout.as_secs(),
                peers.remote.id
            ),
        }
    }
}
