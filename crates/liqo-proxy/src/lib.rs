//! `liqo-proxy`: the API-server proxy of the in-band peering (spec networking.md §8). A
//! consumer whose only path to this cluster is the WireGuard tunnel reaches the API server
//! through it: an HTTP `CONNECT` naming this cluster's API server opens a raw TCP tunnel to
//! it, inside which the client speaks TLS to the API server itself, so authentication still
//! happens there and the proxy never sees a credential.
//!
//! Unlike upstream's Envoy, which forwards every CONNECT to the API server whatever it names,
//! a CONNECT to any other host:port is refused (403): the proxy cannot be used to reach
//! anything else in the cluster, and a client misconfigured to use it for another server is
//! told so instead of silently talking to the wrong one.

pub mod request;
pub mod serve;
pub mod targets;

/// The proxy's port, as upstream's.
pub const PROXY_PORT: u16 = 8118;
