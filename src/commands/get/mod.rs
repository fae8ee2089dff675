//! `liqoctl get …`.

mod kubeconfig;
mod nonce;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Print Liqo data.
#[derive(Debug, clap::Subcommand)]
pub enum Get {
    /// Provider side: print the nonce created for a consumer.
    Nonce(nonce::GetNonceArgs),
    /// Consumer side: print the kubeconfig of an Identity.
    #[command(alias = "kc")]
    Kubeconfig(kubeconfig::GetKubeconfigArgs),
}

impl Get {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Get::Nonce(args) => args.run(ctx).await,
            Get::Kubeconfig(args) => args.run(ctx).await,
        }
    }
}
