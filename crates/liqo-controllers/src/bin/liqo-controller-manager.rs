//! `liqo-controller-manager`: runs the Liqo reconcilers of one cluster.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use liqo_controllers::manager::{self, ManagerConfig};
use tokio::signal::unix::{SignalKind, signal};

/// The Liqo controller manager.
#[derive(Debug, Parser)]
#[command(name = "liqo-controller-manager", version)]
struct Args {
    /// Kubeconfig to use instead of the in-cluster configuration.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// This cluster's ID.
    #[arg(long)]
    cluster_id: String,
    /// The Liqo namespace.
    #[arg(long, default_value = "liqo")]
    liqo_namespace: String,
    /// Address of /healthz and /readyz.
    #[arg(long, default_value = "0.0.0.0:8081")]
    health_probe_bind_address: SocketAddr,
    /// Address of /metrics.
    #[arg(long, default_value = "0.0.0.0:8082")]
    metrics_bind_address: SocketAddr,
    /// Take the leader Lease before reconciling.
    #[arg(long)]
    leader_elect: bool,
    /// Identity for leader election.
    #[arg(long, env = "POD_NAME", default_value = "liqo-controller-manager")]
    identity: String,
    /// API server URL handed to consumers (default: none; set by `liqoctl install`).
    #[arg(long)]
    api_server_address_override: Option<String>,
    /// Log as JSON lines.
    #[arg(long)]
    log_json: bool,
    /// Upstream's TLS compatibility mode: the cluster key is RSA. Read from the Deployment by
    /// `liqoctl generate peering-user`; the controllers handle either key type as they find it.
    #[arg(long)]
    tls_compatibility_mode: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let fmt = tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        fmt.json().init()
    } else {
        fmt.init()
    }

    let access = liqo_kube::client::Access {
        kubeconfig: args.kubeconfig.clone(),
        ..Default::default()
    };
    let (client, _) = access
        .client()
        .await
        .context("failed to build the Kubernetes client")?;
    let config = ManagerConfig {
        cluster_id: args.cluster_id,
        liqo_namespace: args.liqo_namespace,
        probe_addr: args.health_probe_bind_address,
        metrics_addr: args.metrics_bind_address,
        leader_elect: args.leader_elect,
        identity: args.identity,
        api_server: args.api_server_address_override.map(|a| {
            if a.starts_with("https://") {
                a
            } else {
                format!("https://{a}")
            }
        }),
    };
    let mut term = signal(SignalKind::terminate()).context("failed to handle SIGTERM")?;
    let shutdown = async move {
        tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
    };
    manager::run(config, client, shutdown).await
}
