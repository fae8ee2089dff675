//! `liqoctl delete …`.

mod peering_user;
mod resource_slice;
mod virtual_node;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Delete Liqo objects.
#[derive(Debug, clap::Subcommand)]
pub enum Delete {
    /// Provider side: remove a peering user.
    PeeringUser(peering_user::DeletePeeringUserArgs),
    /// Consumer side: delete a ResourceSlice (not provided upstream).
    #[command(name = "resourceslice", visible_aliases = ["rs", "resourceslices"])]
    ResourceSlice(resource_slice::DeleteResourceSliceArgs),
    /// Consumer side: delete a VirtualNode.
    #[command(name = "virtualnode", visible_alias = "vn")]
    VirtualNode(virtual_node::DeleteVirtualNodeArgs),
}

impl Delete {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Delete::PeeringUser(args) => args.run(ctx).await,
            Delete::ResourceSlice(args) => args.run(ctx).await,
            Delete::VirtualNode(args) => args.run(ctx).await,
        }
    }
}
