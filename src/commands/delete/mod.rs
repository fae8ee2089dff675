//! `liqoctl delete …`.

mod peering_user;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Delete Liqo objects.
#[derive(Debug, clap::Subcommand)]
pub enum Delete {
    /// Provider side: remove a peering user.
    PeeringUser(peering_user::DeletePeeringUserArgs),
}

impl Delete {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Delete::PeeringUser(args) => args.run(ctx).await,
        }
    }
}
