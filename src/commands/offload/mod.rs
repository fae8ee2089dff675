//! `liqoctl offload namespace …`: make namespaces span the provider clusters (spec cli.md,
//! offloading.md §7 steps 1–3 and §8.7).

pub mod namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Offload Kubernetes resources to peered clusters.
#[derive(Debug, clap::Subcommand)]
pub enum Offload {
    /// Offload namespaces: create their NamespaceOffloading and wait for the remote twins.
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
