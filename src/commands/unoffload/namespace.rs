//! `liqoctl unoffload namespace` (placeholder wiring; the command is being written).

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Arguments of `unoffload namespace`.
#[derive(Debug, clap::Args)]
pub struct UnoffloadNamespaceArgs {
    /// The namespaces.
    namespaces: Vec<String>,
}

impl UnoffloadNamespaceArgs {
    pub async fn run(self, _ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        anyhow::bail!(
            "unoffload namespace {:?}: not available yet",
            self.namespaces
        )
    }
}
