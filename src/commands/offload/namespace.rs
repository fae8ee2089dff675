//! `liqoctl offload namespace` (placeholder wiring; the command is being written).

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Arguments of `offload namespace`.
#[derive(Debug, clap::Args)]
pub struct OffloadNamespaceArgs {
    /// The namespaces.
    namespaces: Vec<String>,
}

impl OffloadNamespaceArgs {
    pub async fn run(self, _ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        anyhow::bail!("offload namespace {:?}: not available yet", self.namespaces)
    }
}
