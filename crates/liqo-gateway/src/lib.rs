//! The userspace WireGuard gateway of a Liqo peering (networking.md §6, §11): a sans-I/O tunnel
//! around boringtun, a TUN device with segmentation offloads and a UDP socket with GSO/GRO
//! driven by two packet threads, routes and NAT planned from the peer's Configuration and this cluster's IP mappings, and the
//! PING/PONG connection check that feeds the Connection status.

pub mod args;
pub mod checker;
pub mod control;
pub mod dataplane;
pub mod diagnosis;
pub mod endpoint;
pub mod health;
pub mod ip_mapping;
pub mod netconf;
pub mod plan;
pub mod probe;
pub mod routing;
pub mod run;
pub mod segmentation;
pub mod tun;
pub mod tunnel;
pub mod udp;
