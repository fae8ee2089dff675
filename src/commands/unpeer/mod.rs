//! `liqoctl unpeer` (peering.md §3, cli.md §7.2): undoes `liqoctl peer` — the offloading
//! (slices, virtual nodes), the authentication, the network unless the reverse peering still
//! uses it, the tenant namespaces on request — and, unlike upstream, the ForeignClusters once
//! no direction remains, so that an unpeer with `--delete-namespaces` leaves both clusters as
//! they were before `peer`. `--dry-run` lists what would go; `--force` tears down the local
//! side alone when the provider is gone for good (liqo#3051).

mod force;
mod plan;
mod sequence;

use std::time::Duration;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{PeerClusterArgs, parse_timeout};

/// Tear down the peering with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Unlike upstream liqoctl, unpeer also deletes the ForeignClusters of both clusters \
once no peering direction remains, and a second unpeer succeeds with nothing to do.

Examples:
  liqoctl --kubeconfig consumer unpeer --remote-kubeconfig provider
  liqoctl --kubeconfig consumer unpeer --remote-kubeconfig provider --delete-namespaces
  liqoctl --kubeconfig consumer unpeer --remote-kubeconfig provider --dry-run
  liqoctl --kubeconfig consumer unpeer --force --remote-cluster-id <provider-id>"
)]
pub struct UnpeerArgs {
    /// Bound on the whole command (a Go duration: 90s, 2m).
    #[arg(long, default_value = "120s", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Wait until what is deleted is gone on both clusters (resource slices and their
    /// replicas, virtual nodes and their Nodes, tenant namespaces, ForeignClusters).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub wait: bool,
    /// Also delete the tenant namespaces (refused while the reverse peering exists).
    #[arg(long)]
    pub delete_namespaces: bool,
    /// Print what would be deleted, per cluster, on stdout, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The provider is gone for good: tear down the local side only, without contacting it
    /// (needs --remote-cluster-id; may leave the provider inconsistent).
    #[arg(long, requires = "remote_cluster_id")]
    pub force: bool,
    /// The provider's cluster ID, with --force.
    #[arg(long, requires = "force")]
    pub remote_cluster_id: Option<String>,
    #[command(flatten)]
    pub clusters: PeerClusterArgs,
}

impl UnpeerArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        if self.force {
            force::run(self, ctx).await
        } else {
            sequence::run(self, ctx).await
        }
    }
}
