//! `liqoctl activate tenant` (provider side): a cordoned or drained consumer is granted
//! resources again.

use crate::commands::cordon::tenant;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Provider side: grant resources again.
#[derive(Debug, clap::Subcommand)]
pub enum Activate {
    /// Activate a consumer's Tenant (Cordoned or Drained → Active).
    #[command(visible_alias = "tenants")]
    Tenant(tenant::TenantArgs),
}

impl Activate {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Activate::Tenant(args) => args.run(ctx, tenant::TenantVerb::Activate, false).await,
        }
    }
}
