//! `liqoctl offload …`: extend namespaces to the providers.

pub mod namespace;
mod selector;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Offload namespaces to the providers.
#[derive(Debug, clap::Subcommand)]
pub enum Offload {
    /// Offload namespaces: their pods may run in the selected providers.
    #[command(visible_aliases = ["ns", "namespaces"])]
    Namespace(namespace::OffloadNamespaceArgs),
}

impl Offload {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Offload::Namespace(args) => args.run(ctx).await,
        }
    }
}
