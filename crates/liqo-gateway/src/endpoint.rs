//! The client's view of the server endpoint: a static IP, or a DNS name re-resolved every 5 s
//! for the first 10 minutes, then every `--dns-check-interval` (networking.md §6.3).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::dataplane::Shared;

/// Re-resolution interval while the endpoint is young.
pub const FAST_INTERVAL: Duration = Duration::from_secs(5);
/// How long the fast interval applies.
pub const FAST_PHASE: Duration = Duration::from_secs(600);

/// The next re-resolution delay, `elapsed` after the start.
pub fn next_interval(elapsed: Duration, dns_check_interval: Duration) -> Duration {
    if elapsed < FAST_PHASE {
        FAST_INTERVAL
    } else {
        dns_check_interval
    }
}

/// The endpoint to use after a resolution: the current one while still resolved, otherwise
/// the first IPv4 address resolved (the socket is IPv4).
pub fn choose(current: Option<SocketAddr>, resolved: &[SocketAddr]) -> Option<SocketAddr> {
    let v4 = || resolved.iter().copied().filter(SocketAddr::is_ipv4);
    match current {
        Some(c) if v4().any(|r| r == c) => Some(c),
        _ => v4().next().or(current),
    }
}

/// Keeps the endpoint of `shared` resolved from `host:port` until the task is dropped.
pub async fn follow_dns(
    shared: Arc<Shared>,
    host: String,
    port: u16,
    dns_check_interval: Duration,
) {
    let start = Instant::now();
    loop {
        match tokio::net::lookup_host((host.as_str(), port)).await {
            Ok(addrs) => {
                let resolved: Vec<SocketAddr> = addrs.collect();
                let current = shared.endpoint();
                let chosen = choose(current, &resolved);
                if chosen != current
                    && let Some(endpoint) = chosen
                {
                    tracing::info!(%host, %endpoint, "endpoint resolved");
                    shared.set_endpoint(endpoint);
                }
            }
            // Not-found and timeouts are expected while the server's name appears.
            Err(e) => {
                tracing::warn!(%host, error = %e, "failed to resolve the endpoint");
                shared.set_resolve_error(&host, e.to_string());
            }
        }
        tokio::time::sleep(next_interval(start.elapsed(), dns_check_interval)).await;
    }
}

/// A static IP endpoint, or `None` for a DNS name.
pub fn static_endpoint(address: &str, port: u16) -> Option<SocketAddr> {
    address
        .parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port))
}
