//! Free loopback ports for control-plane components.

use std::net::{Ipv4Addr, TcpListener};

/// Ports are chosen below Linux's ephemeral range (32768–60999 by default), so outgoing
/// connections of the machine never take one between our choice and the component's bind.
const FIRST: u16 = 20000;
const LAST: u16 = 32000;

/// `n` distinct ports that are free now, chosen at random in `FIRST..LAST` (so concurrent test
/// binaries rarely pick the same ones). Listeners are held until all are chosen.
pub(crate) fn free_ports(n: usize) -> std::io::Result<Vec<u16>> {
    let mut seed = {
        let mut bytes = [0u8; 8];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
        u64::from_le_bytes(bytes)
    };
    let mut listeners = Vec::with_capacity(n);
    let mut ports = Vec::with_capacity(n);
    let span = u64::from(LAST - FIRST);
    for _ in 0..(n * 200) {
        if ports.len() == n {
            break;
        }
        // xorshift: cheap, good enough to spread the picks.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let port = FIRST + u16::try_from(seed % span).expect("invariant: span fits in u16");
        if ports.contains(&port) {
            continue;
        }
        if let Ok(listener) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            listeners.push(listener);
            ports.push(port);
        }
    }
    if ports.len() < n {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            "no free loopback ports between 20000 and 32000",
        ));
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_distinct_free_and_below_the_ephemeral_range() {
        let ports = free_ports(5).unwrap();
        let mut sorted = ports.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 5);
        for port in ports {
            assert!((FIRST..LAST).contains(&port));
            TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("still free");
        }
    }
}
