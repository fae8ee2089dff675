//! Free loopback ports.

use std::net::{Ipv4Addr, TcpListener};

/// Asks the kernel for `n` distinct free loopback ports. The listeners are held until all are
/// chosen, so the ports differ; another process may still take one before our component binds
/// it, which start-up detects and retries.
pub(crate) fn free_ports(n: usize) -> std::io::Result<Vec<u16>> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<std::io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect()
}
