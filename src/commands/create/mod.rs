//! `liqoctl create …`.

mod nonce;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Create Liqo objects.
#[derive(Debug, clap::Subcommand)]
pub enum Create {
    /// Provider side: create the nonce a consumer must sign (out-of-band authentication).
    Nonce(nonce::CreateNonceArgs),
}

impl Create {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Create::Nonce(args) => args.run(ctx).await,
        }
    }
}
