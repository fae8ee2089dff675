//! The controller manager's lifecycle: probes, leader election, reconcilers, clean shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use kube::{Api, Client};
use liqo_kube::leader::Elector;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::health::{self, Health};

/// Name of the leader-election Lease in the Liqo namespace.
pub const LEADER_LEASE: &str = "liqo-controller-manager";
/// Term of the leader-election Lease.
const LEASE_DURATION: Duration = Duration::from_secs(15);

/// How the manager runs.
#[derive(Debug, Clone)]
pub struct ManagerConfig {
    /// This cluster's ID.
    pub cluster_id: String,
    /// The Liqo namespace.
    pub liqo_namespace: String,
    /// Where `/healthz` and `/readyz` are served.
    pub probe_addr: SocketAddr,
    /// Where `/metrics` is served.
    pub metrics_addr: SocketAddr,
    /// Whether to take the leader Lease before reconciling.
    pub leader_elect: bool,
    /// This replica's identity for leader election (the pod name).
    pub identity: String,
    /// The API server URL consumers are given (`--api-server-address-override`).
    pub api_server: Option<String>,
    /// Offloading settings.
    pub offloading: crate::offloading::settings::Settings,
}

/// Runs the manager until `shutdown` resolves.
///
/// # Errors
/// When a probe address cannot be bound, the API server is unreachable at start, or the
/// leader Lease is lost (the process should exit and be restarted, as controller-runtime does).
pub async fn run(
    config: ManagerConfig,
    client: Client,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let health = Arc::new(Health::default());
    let mut registry = Registry::with_prefix("liqo_controller_manager");
    let leader = Gauge::<i64>::default();
    registry.register(
        "leader",
        "1 while this replica holds the leader Lease",
        leader.clone(),
    );
    let reconcile_metrics = crate::context::Metrics::register(&mut registry);
    let registry = Arc::new(registry);
    let probes = health::serve(config.probe_addr, health.clone(), None).await?;
    let metrics = health::serve(config.metrics_addr, health.clone(), Some(registry)).await?;

    let version = client.apiserver_version().await?;
    tracing::info!(cluster_id = %config.cluster_id, server = %version.git_version, "connected to the API server");

    let leases: Api<Lease> = Api::namespaced(client.clone(), &config.liqo_namespace);
    let elector = Elector::new(
        leases,
        LEADER_LEASE,
        config.identity.clone(),
        LEASE_DURATION,
    );
    tokio::pin!(shutdown);
    if config.leader_elect {
        // A standby is ready too: it serves probes and takes over when the leader goes.
        health.set_ready(true);
        tokio::select! {
            () = &mut shutdown => return stop(probes, metrics, None).await,
            acquired = elector.acquire() => acquired?,
        }
        tracing::info!(identity = %config.identity, "became leader");
    }
    leader.set(1);
    health.set_ready(true);
    let mut renew = tokio::time::interval(elector.renew_period());
    let ctx = crate::context::Context::new(
        client,
        config.cluster_id.clone(),
        config.liqo_namespace.clone(),
        reconcile_metrics,
        config.api_server.clone(),
        config.offloading.clone(),
    );
    let controllers = crate::run_controllers(ctx);
    tokio::pin!(controllers);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = &mut controllers => anyhow::bail!("the controllers stopped unexpectedly"),
            _ = renew.tick(), if config.leader_elect => elector.renew().await?,
        }
    }
    stop(probes, metrics, config.leader_elect.then_some(&elector)).await
}

async fn stop(
    probes: tokio::task::JoinHandle<()>,
    metrics: tokio::task::JoinHandle<()>,
    elector: Option<&Elector>,
) -> anyhow::Result<()> {
    tracing::info!("shutting down");
    if let Some(elector) = elector {
        elector.release().await;
    }
    probes.abort();
    metrics.abort();
    Ok(())
}
