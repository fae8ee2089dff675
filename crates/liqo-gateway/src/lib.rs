//! The userspace WireGuard gateway: a sans-I/O tunnel around boringtun, the UDP + TUN loop,
//! route and NAT setup, and the Connection health check.

pub mod tunnel;
