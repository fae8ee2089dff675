//! The Liqo control plane: one reconciler module per primary kind, wired into the
//! `liqo-controller-manager` binary, and the virtual node agent.

pub mod authentication;
pub mod context;
pub mod core;
pub mod health;
pub mod manager;
pub mod networking;
pub mod offloading;
pub mod webhook;

use std::sync::Arc;

/// Runs every reconciler until one stops (they run until the process ends).
pub async fn run_controllers(ctx: Arc<context::Context>) {
    tokio::join!(
        authentication::nonce_creator::run(ctx.clone()),
        authentication::nonce_signer::run(ctx.clone()),
        authentication::tenant::run(ctx.clone()),
        authentication::identity::run(ctx.clone()),
        authentication::renew_local::run(ctx.clone()),
        authentication::resource_slice::local::run(ctx.clone()),
        authentication::resource_slice::remote::run(ctx.clone()),
        authentication::resource_slice::quota::run(ctx.clone()),
        authentication::resource_slice::identity_creator::run(ctx.clone()),
        core::foreign_cluster::run(ctx.clone()),
        core::crd_replicator::run(ctx.clone()),
        networking::network::run(ctx.clone()),
        offloading::vn_creator::run(ctx.clone()),
        offloading::virtual_node::run(ctx.clone()),
        offloading::shadow_pod::run(ctx.clone()),
        offloading::shadow_endpointslice::run(ctx.clone()),
        offloading::namespace_map::run(ctx.clone()),
        offloading::pod_status::run(ctx.clone()),
        offloading::namespace_offloading::run(ctx.clone()),
        offloading::kubelet_serving::run(ctx.clone()),
        networking::configuration::run(ctx.clone()),
        networking::gateway::run::<liqo_api::networking::GatewayServer>(ctx.clone()),
        networking::gateway::run::<liqo_api::networking::GatewayClient>(ctx.clone()),
        networking::wg_gateway::run::<liqo_api::networking::WgGatewayServer>(ctx.clone()),
        networking::wg_gateway::run::<liqo_api::networking::WgGatewayClient>(ctx),
    );
}
