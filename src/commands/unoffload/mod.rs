//! `liqoctl unoffload namespace …`: undo `offload namespace` (spec cli.md, offloading.md §8.7
//! and §9).

pub mod namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Stop offloading Kubernetes resources to peered clusters.
#[derive(Debug, clap::Subcommand)]
pub enum Unoffload {
    /// Unoffload namespaces: delete their NamespaceOffloading and wait until the remote twins
    /// are gone.
    #[command(visible_aliases = ["ns", "namespaces"])]
    Namespace(namespace::UnoffloadNamespaceArgs),
}

impl Unoffload {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Unoffload::Namespace(args) => args.run(ctx).await,
        }
    }
}
