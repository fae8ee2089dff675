//! `networking.liqo.io` and `ipam.liqo.io`: Networks, Configurations, gateways and their
//! WireGuard rendering.

pub mod configuration;
pub mod gateway;
pub mod gateway_render;
pub mod ip;
pub mod network;
pub mod wg_gateway;
pub mod wg_render;
