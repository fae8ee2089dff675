//! `liqoctl create …`.

mod nonce;
pub mod resource_slice;
mod virtual_node;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Create Liqo objects.
#[derive(Debug, clap::Subcommand)]
pub enum Create {
    /// Provider side: create the nonce a consumer must sign (out-of-band authentication).
    Nonce(nonce::CreateNonceArgs),
    /// Consumer side: ask a provider for a slice of its resources and wait until it is
    /// authenticated.
    #[command(name = "resourceslice", visible_aliases = ["rs", "resourceslices"])]
    ResourceSlice(resource_slice::CreateResourceSliceArgs),
    /// Consumer side: create a virtual node from a ResourceSlice or a kubeconfig Secret, and
    /// wait for its Node to be Ready.
    #[command(name = "virtualnode", visible_alias = "vn")]
    VirtualNode(Box<virtual_node::CreateVirtualNodeArgs>),
}

impl Create {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Create::Nonce(args) => args.run(ctx).await,
            Create::ResourceSlice(args) => args.run(ctx).await,
            Create::VirtualNode(args) => args.run(ctx).await,
        }
    }
}
