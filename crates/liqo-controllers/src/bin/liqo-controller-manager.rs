//! `liqo-controller-manager`: runs the Liqo reconcilers of one cluster.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use liqo_controllers::manager::{self, ManagerConfig};
use liqo_controllers::offloading::settings::Settings;
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
    /// Resources a ResourceSlice gets for keys it does not request (`k=v,...`).
    #[arg(long, default_value = "cpu=4,memory=8Gi,pods=110,ephemeral-storage=20Gi", value_parser = parse_pairs)]
    default_node_resources: BTreeMap<String, String>,
    /// Serve ResourceSlices of the built-in class (`default`).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    default_resource_slice_class_enabled: bool,
    /// Ingress classes offered to consumers (the first is the default).
    #[arg(long, value_delimiter = ',')]
    ingress_classes: Vec<String>,
    /// Load-balancer classes offered to consumers (the first is the default).
    #[arg(long, value_delimiter = ',')]
    load_balancer_classes: Vec<String>,
    /// Labels of this cluster, given to the virtual nodes of its consumers (`k=v,...`).
    #[arg(long, default_value = "", value_parser = parse_pairs)]
    cluster_labels: BTreeMap<String, String>,
    /// Let consumers use this cluster's storage classes.
    #[arg(long)]
    enable_storage: bool,
    /// The storage class offered as the default (else the cluster's default class).
    #[arg(long)]
    real_storage_class_name: Option<String>,
    /// `limitsEnforcement` of the Quotas created for consumers: Hard, Soft or None.
    #[arg(long, default_value = "None", value_parser = ["Hard", "Soft", "None"])]
    default_limits_enforcement: String,
    /// Address the admission webhooks are served on (HTTPS).
    #[arg(long, default_value = "0.0.0.0")]
    webhook_host: std::net::IpAddr,
    /// Port of the admission webhooks.
    #[arg(long, default_value_t = 9443)]
    webhook_port: u16,
}

fn parse_pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    liqo_controllers::offloading::settings::parse_pairs(text)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    liqo_kube::logging::init(args.log_json);

    let access = liqo_kube::client::Access {
        kubeconfig: args.kubeconfig.clone(),
        ..Default::default()
    };
    let (client, _) = access
        .client()
        .await
        .context("failed to build the Kubernetes client")?;
    let offloading = Settings {
        default_node_resources: args
            .default_node_resources
            .into_iter()
            .map(|(k, v)| (k, Quantity(v)))
            .collect(),
        default_class_enabled: args.default_resource_slice_class_enabled,
        ingress_classes: args.ingress_classes,
        load_balancer_classes: args.load_balancer_classes,
        cluster_labels: args.cluster_labels,
        storage_enabled: args.enable_storage,
        real_storage_class: args.real_storage_class_name,
        default_limits_enforcement: args.default_limits_enforcement,
    };
    let config = ManagerConfig {
        offloading,
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
    // Every replica serves the webhooks, the standbys too.
    let webhooks = liqo_controllers::webhook::start(
        client.clone(),
        &config.liqo_namespace,
        SocketAddr::new(args.webhook_host, args.webhook_port),
    )
    .await
    .context("failed to start the admission webhooks")?;
    let mut term = signal(SignalKind::terminate()).context("failed to handle SIGTERM")?;
    let shutdown = async move {
        tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
    };
    let result = manager::run(config, client, shutdown).await;
    webhooks.abort();
    result
}
