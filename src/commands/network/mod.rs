//! `liqoctl network connect | disconnect | reset` (networking.md §7): two clusters, the local
//! one hosting the gateway client and the remote one the gateway server.

mod common;
mod connect;
mod disconnect;

use clap::Subcommand;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Manage the network between two clusters.
#[derive(Debug, Subcommand)]
pub enum Network {
    /// Exchange the network configurations, then create the gateway server (remote) and client
    /// (local) and share their keys.
    Connect(Box<connect::ConnectArgs>),
    /// Delete the gateways of both clusters, keeping the network configurations.
    Disconnect(disconnect::DisconnectArgs),
    /// Delete the gateways and the network configurations of both clusters.
    Reset(disconnect::ResetArgs),
}

impl Network {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Network::Connect(args) => args.run(ctx).await,
            Network::Disconnect(args) => args.run(ctx).await,
            Network::Reset(args) => args.run(ctx).await,
        }
    }
}
