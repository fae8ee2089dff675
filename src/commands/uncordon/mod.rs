//! `liqoctl uncordon …` (provider side): undoes `cordon`.

use crate::commands::cordon::{resource_slice, tenant};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Provider side: undo a cordon.
#[derive(Debug, clap::Subcommand)]
pub enum Uncordon {
    /// Remove the cordon of one of a consumer's ResourceSlices.
    #[command(name = "resourceslice", visible_aliases = ["resourceslices", "rs"])]
    ResourceSlice(resource_slice::SliceCordonArgs),
    /// Uncordon a consumer's Tenant (Cordoned → Active).
    #[command(visible_alias = "tenants")]
    Tenant(tenant::TenantArgs),
}

impl Uncordon {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Uncordon::ResourceSlice(args) => args.run(ctx, false).await,
            // Upstream asks no confirmation for uncordon tenant (cli.md §4.5).
            Uncordon::Tenant(args) => args.run(ctx, tenant::TenantVerb::Uncordon, false).await,
        }
    }
}
