//! Command-line flags: upstream's `liqo-gateway`/`liqo-wireguard` names (networking.md §6.1),
//! the ones this gateway does not need accepted and ignored so upstream templates keep working,
//! and a standalone mode without Kubernetes for benchmarks and data-plane tests.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, ValueEnum};

use liqo_api::consts::name;

use crate::plan::Remap;

/// Which end of the tunnel this gateway is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Listens; learns the client's endpoint from its handshake.
    Server,
    /// Dials the server's endpoint and initiates handshakes.
    Client,
}

/// Userspace WireGuard gateway of a Liqo peering: the tunnel interface, the connection check,
/// and routes and NAT towards the peer.
#[derive(Debug, Parser)]
#[command(name = "liqo-gateway", version)]
pub struct Args {
    /// Name of the gateway (GatewayServer/GatewayClient); the Connection is `gw-<name>`.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Namespace of the gateway (the peer's tenant namespace).
    #[arg(long, default_value = "")]
    pub namespace: String,
    /// Cluster ID of the peer.
    #[arg(long, default_value = "")]
    pub remote_cluster_id: String,
    /// UID of the GatewayServer/GatewayClient (owner of the Connection).
    #[arg(long, default_value = "")]
    pub gateway_uid: String,
    /// Server or client.
    #[arg(long, value_enum)]
    pub mode: Mode,
    /// The node this gateway runs on (informational).
    #[arg(long, env = "NODE_NAME", default_value = "")]
    pub node_name: String,
    /// The pod this gateway runs in (informational).
    #[arg(long, env = "POD_NAME", default_value = "")]
    pub pod_name: String,
    /// MTU of the tunnel interface.
    #[arg(long, default_value_t = name::DEFAULT_MTU)]
    pub mtu: u32,
    /// UDP port the server listens on (`--listen-ports`: the first one is used).
    #[arg(long, alias = "listen-ports", default_value_t = name::DEFAULT_GATEWAY_PORT, value_parser = first_port)]
    pub listen_port: u16,
    /// The server's address (IP or DNS name) the client dials.
    #[arg(long)]
    pub endpoint_address: Option<String>,
    /// The server's port the client dials (`--endpoint-ports`: the first one is used).
    #[arg(long, alias = "endpoint-ports", default_value_t = name::DEFAULT_GATEWAY_PORT, value_parser = first_port)]
    pub endpoint_port: u16,
    /// Kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Directory of the keys Secret (files privateKey and publicKey, raw 32 bytes).
    #[arg(long, default_value = name::WIREGUARD_KEYS_DIR)]
    pub keys_dir: PathBuf,
    /// Private key file (raw 32 bytes); default `<keys-dir>/privateKey`.
    #[arg(long)]
    pub private_key_file: Option<PathBuf>,
    /// Standalone mode: the peer's public key (base64), no Kubernetes at all.
    #[arg(long)]
    pub peer_public_key: Option<String>,
    /// Standalone mode: a peer network routed through the tunnel, `S` or `S=R` (real=remapped,
    /// NATed like a Configuration's pair). Repeatable.
    #[arg(long = "route")]
    pub routes: Vec<Remap>,
    /// Send connection-check pings.
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true")]
    pub ping_enabled: bool,
    /// Interval between pings.
    #[arg(long, default_value = "2s", value_parser = liqo_kube::duration::parse)]
    pub ping_interval: Duration,
    /// Pings lost before the connection is in Error.
    #[arg(long, default_value_t = 5)]
    pub ping_loss_threshold: u32,
    /// Rewrite an unchanged Connection status after this long.
    #[arg(long, default_value = "10s", value_parser = liqo_kube::duration::parse)]
    pub ping_update_status_interval: Duration,
    /// Re-resolution interval of a DNS endpoint after its first 10 minutes.
    #[arg(long, default_value = "5m", value_parser = liqo_kube::duration::parse)]
    pub dns_check_interval: Duration,
    /// Run on kernels older than 5.10.
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true")]
    pub disable_kernel_version_check: bool,
    /// Where `/healthz` and `/readyz` are served (`:8083`: all interfaces; empty: off).
    #[arg(long, default_value = "")]
    pub health_probe_bind_address: String,
    /// Log as JSON lines.
    #[arg(long)]
    pub log_json: bool,

    /// Upstream flags this gateway has no use for.
    #[command(flatten)]
    pub ignored: Ignored,
}

/// Upstream flags accepted and ignored, so upstream templates keep working: leader election
/// and the sibling-container handshake (a single container here), metrics, the
/// nft/route monitors, the implementation switch (always userspace).
#[derive(Debug, clap::Args)]
#[allow(dead_code)] // read by nobody, on purpose
pub struct Ignored {
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    container_name: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    concurrent_containers_names: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    leader_election: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    implementation: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    metrics_address: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    enable_nft_monitor: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    enable_route_monitor: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    enable_multipath_hash_policy: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    enable_connection_controller: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    preserve_client_endpoint: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    global_labels: Option<String>,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "true")]
    global_annotations: Option<String>,
}

impl Args {
    /// Standalone mode: a peer key on the command line, no Kubernetes.
    pub fn standalone(&self) -> bool {
        self.peer_public_key.is_some()
    }

    /// Where the private key is read from.
    pub fn private_key_path(&self) -> PathBuf {
        self.private_key_file
            .clone()
            .unwrap_or_else(|| self.keys_dir.join("privateKey"))
    }

    /// The flags the selected mode needs but lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.mode == Mode::Client && self.endpoint_address.is_none() {
            missing.push("--endpoint-address");
        }
        if !self.standalone() {
            for (flag, value) in [
                ("--name", &self.name),
                ("--namespace", &self.namespace),
                ("--remote-cluster-id", &self.remote_cluster_id),
                ("--gateway-uid", &self.gateway_uid),
            ] {
                if value.is_empty() {
                    missing.push(flag);
                }
            }
        }
        missing
    }
}

/// The first port of a comma-separated list.
fn first_port(s: &str) -> Result<u16, String> {
    let first = s.split(',').next().unwrap_or_default().trim();
    first
        .parse()
        .map_err(|_| format!("invalid port {first:?} (expected 1-65535)"))
}
