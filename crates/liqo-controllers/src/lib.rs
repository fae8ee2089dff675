//! The Liqo control plane: one reconciler module per primary kind, wired into the
//! `liqo-controller-manager` binary, and the virtual node agent.

pub mod configuration;
pub mod context;
pub mod foreign_cluster;
pub mod foreign_cluster_network;
pub mod gateway;
pub mod gateway_render;
pub mod health;
pub mod identity;
pub mod manager;
pub mod network;
pub mod nonce_creator;
pub mod nonce_signer;
pub mod renew_local;
mod secret_data;
pub mod tenant;
mod tenant_secret;
pub mod wg_gateway;
pub mod wg_render;

use std::sync::Arc;

/// Runs every reconciler until one stops (they run until the process ends).
pub async fn run_controllers(ctx: Arc<context::Context>) {
    tokio::join!(
        nonce_creator::run(ctx.clone()),
        nonce_signer::run(ctx.clone()),
        tenant::run(ctx.clone()),
        identity::run(ctx.clone()),
        foreign_cluster::run(ctx.clone()),
        renew_local::run(ctx.clone()),
        network::run(ctx.clone()),
        configuration::run(ctx.clone()),
        gateway::run::<liqo_api::networking::GatewayServer>(ctx.clone()),
        gateway::run::<liqo_api::networking::GatewayClient>(ctx.clone()),
        wg_gateway::run::<liqo_api::networking::WgGatewayServer>(ctx.clone()),
        wg_gateway::run::<liqo_api::networking::WgGatewayClient>(ctx),
    );
}
