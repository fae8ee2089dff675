//! `liqoctl drain tenant` (provider side): every resource of a consumer is revoked.

use crate::commands::cordon::tenant;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Provider side: revoke a consumer's resources.
#[derive(Debug, clap::Subcommand)]
pub enum Drain {
    /// Drain a consumer's Tenant (Active or Cordoned → Drained): every slice's Resources are
    /// denied.
    #[command(visible_alias = "tenants")]
    Tenant(tenant::TenantArgs),
}

impl Drain {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Drain::Tenant(args) => args.run(ctx, tenant::TenantVerb::Drain, true).await,
        }
    }
}
