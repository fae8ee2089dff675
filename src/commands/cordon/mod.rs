//! `liqoctl cordon …` (provider side); the tenant and slice logic is shared with `uncordon`,
//! `drain` and `activate`.

pub mod resource_slice;
pub mod tenant;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Provider side: stop granting new resources to a consumer.
#[derive(Debug, clap::Subcommand)]
pub enum Cordon {
    /// Cordon one of a consumer's ResourceSlices: no new pods through it.
    #[command(name = "resourceslice", visible_aliases = ["resourceslices", "rs"])]
    ResourceSlice(resource_slice::SliceCordonArgs),
    /// Cordon a consumer's Tenant (Active → Cordoned): no new slices are granted.
    #[command(visible_alias = "tenants")]
    Tenant(tenant::TenantArgs),
}

impl Cordon {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Cordon::ResourceSlice(args) => args.run(ctx, true).await,
            Cordon::Tenant(args) => args.run(ctx, tenant::TenantVerb::Cordon, true).await,
        }
    }
}
