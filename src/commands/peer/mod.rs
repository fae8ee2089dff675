//! `liqoctl peer` (peering.md §2, cli.md §7.1): the one-command peering. Local = consumer,
//! remote = provider: phase A (network), B (authentication), C (ResourceSlice), then — unlike
//! upstream, which stops at the slice — the virtual node and its Node Ready.

mod phases;
mod versions;

use std::time::Duration;

use liqo_api::consts::name;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{PeerClusterArgs, parse_timeout};

/// Peer with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Unlike upstream liqoctl, which returns once the ResourceSlice is accepted, \
peer waits for the virtual node and its Node to be Ready (--wait-virtual-node=false to skip).

Examples:
  liqoctl --kubeconfig consumer peer --remote-kubeconfig provider
  liqoctl --kubeconfig consumer peer --remote-kubeconfig provider --cpu 4 --memory 8Gi
  liqoctl --kubeconfig consumer peer --remote-kubeconfig provider --networking-disabled"
)]
pub struct PeerArgs {
    /// Bound on the whole command, every phase included (a Go duration: 90s, 10m).
    #[arg(long, default_value = "10m", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Skip the gateway template checks.
    #[arg(long)]
    pub skip_validation: bool,
    /// Do not set up the network (phase A): the clusters reach each other's API servers
    /// directly.
    #[arg(long)]
    pub networking_disabled: bool,
    /// Where the gateway server lives.
    #[arg(long, default_value = "Provider", value_parser = ["Consumer", "Provider"])]
    pub gw_server_service_location: String,
    /// Service type of the gateway server.
    #[arg(long, default_value = "LoadBalancer", value_parser = ["LoadBalancer", "NodePort", "ClusterIP"])]
    pub gw_server_service_type: String,
    /// UDP port of the gateway server Service.
    #[arg(long, default_value_t = name::DEFAULT_GATEWAY_PORT)]
    pub gw_server_service_port: u16,
    /// Fixed node port of the gateway server Service (0: Kubernetes chooses).
    #[arg(long, default_value_t = 0)]
    pub gw_server_service_nodeport: u16,
    /// Fixed load-balancer IP of the gateway server Service.
    #[arg(long, default_value = "")]
    pub gw_server_service_loadbalancerip: String,
    /// Address the gateway client dials instead of the server's (e.g. behind NAT).
    #[arg(long, default_value = "")]
    pub gw_client_address: String,
    /// Port the gateway client dials instead of the server's (0: the server's).
    #[arg(long, default_value_t = 0)]
    pub gw_client_port: u16,
    /// Tunnel MTU.
    #[arg(long, default_value_t = name::DEFAULT_MTU)]
    pub mtu: u32,
    /// Ask the provider for a ResourceSlice (phase C).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub create_resource_slice: bool,
    /// The ResourceSlice class.
    #[arg(long, default_value = name::DEFAULT_RESOURCE_SLICE_CLASS)]
    pub resource_slice_class: String,
    /// Reach the provider's API server through the network tunnel (its API-server proxy).
    #[arg(long)]
    pub in_band: bool,
    /// Proxy URL the consumer reaches the provider's API server through (wins over
    /// --in-band).
    #[arg(long)]
    pub proxy_url: Option<String>,
    /// Make a virtual node for the ResourceSlice once it is accepted.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub create_virtual_node: bool,
    /// Wait for the virtual node and its Node to be Ready (upstream does not wait).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub wait_virtual_node: bool,
    /// CPU requested (e.g. 4, 500m); the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    pub cpu: Option<String>,
    /// Memory requested (e.g. 8Gi); the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    pub memory: Option<String>,
    /// Pods requested; the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    pub pods: Option<String>,
    /// Other resources, as name=quantity (repeat, or separate with commas).
    #[arg(long = "resource", value_delimiter = ',', allow_hyphen_values = true)]
    pub resources: Vec<String>,
    #[command(flatten)]
    pub clusters: PeerClusterArgs,
}

impl PeerArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        phases::run(self, ctx).await
    }
}
