//! `liqoctl unoffload …`: undo `offload`.

mod namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Stop offloading namespaces.
#[derive(Debug, clap::Subcommand)]
pub enum Unoffload {
    /// Unoffload namespaces: their remote namespaces, and the pods in them, are deleted.
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
