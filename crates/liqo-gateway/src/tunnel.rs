//! A sans-I/O WireGuard tunnel around boringtun's `noise::Tunn`: packets in, packets out, no
//! sockets, so the protocol is tested in memory and the I/O loop stays thin.

use boringtun::noise::{Tunn, TunnResult, errors::WireGuardError};
use boringtun::x25519::{PublicKey, StaticSecret};

/// Largest datagram handled: a 1500-byte packet plus WireGuard's 32-byte overhead, rounded.
const BUFFER: usize = 2048;

/// What the caller must do with a packet the tunnel produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send this datagram to the peer over UDP.
    Network(Vec<u8>),
    /// Write this decrypted IP packet to the TUN device.
    Tunnel(Vec<u8>),
}

/// A WireGuard protocol failure.
#[derive(Debug, thiserror::Error)]
#[error("wireguard: {0:?}")]
pub struct TunnelError(WireGuardError);

/// One WireGuard peer relationship.
pub struct Tunnel {
    tunn: Tunn,
    buf: Box<[u8; BUFFER]>,
}

impl std::fmt::Debug for Tunnel {
    // Key material stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel").finish_non_exhaustive()
    }
}

/// The public key of a private key, both raw 32 bytes.
pub fn public_key(private: [u8; 32]) -> [u8; 32] {
    PublicKey::from(&StaticSecret::from(private)).to_bytes()
}

impl Tunnel {
    /// A tunnel with our `private` key towards the peer's `peer_public` key; `index` tells
    /// sessions apart when one process holds several tunnels.
    pub fn new(
        private: [u8; 32],
        peer_public: [u8; 32],
        keepalive_seconds: Option<u16>,
        index: u32,
    ) -> Self {
        let tunn = Tunn::new(
            StaticSecret::from(private),
            PublicKey::from(peer_public),
            None,
            keepalive_seconds,
            index,
            None,
        );
        Self {
            tunn,
            buf: Box::new([0; BUFFER]),
        }
    }

    /// Encrypts an IP packet from the TUN device (starting a handshake if needed).
    ///
    /// # Errors
    /// A protocol error from boringtun.
    pub fn send(&mut self, ip_packet: &[u8]) -> Result<Vec<Output>, TunnelError> {
        let result = self.tunn.encapsulate(ip_packet, &mut self.buf[..]);
        collect(result, Vec::new())
    }

    /// Handles a datagram from the peer: handshake messages, keepalives or data.
    ///
    /// # Errors
    /// A protocol error (bad MAC, replay, unknown session) from boringtun.
    pub fn receive(&mut self, datagram: &[u8]) -> Result<Vec<Output>, TunnelError> {
        let mut out = Vec::new();
        let first = self.tunn.decapsulate(None, datagram, &mut self.buf[..]);
        let flush = matches!(first, TunnResult::WriteToNetwork(_));
        out = collect(first, out)?;
        // After a handshake message, packets queued while waiting for it come out one by one.
        if flush {
            loop {
                let next = self.tunn.decapsulate(None, &[], &mut self.buf[..]);
                if !matches!(next, TunnResult::WriteToNetwork(_)) {
                    break;
                }
                out = collect(next, out)?;
            }
        }
        Ok(out)
    }

    /// Drives timers (handshake retries, keepalives, rekeys); call about every 250 ms.
    ///
    /// # Errors
    /// A protocol error such as an expired connection.
    pub fn tick(&mut self) -> Result<Vec<Output>, TunnelError> {
        let result = self.tunn.update_timers(&mut self.buf[..]);
        match result {
            TunnResult::Err(WireGuardError::ConnectionExpired) => Ok(Vec::new()),
            other => collect(other, Vec::new()),
        }
    }
}

fn collect(result: TunnResult<'_>, mut out: Vec<Output>) -> Result<Vec<Output>, TunnelError> {
    match result {
        TunnResult::Done => {}
        TunnResult::Err(e) => return Err(TunnelError(e)),
        TunnResult::WriteToNetwork(packet) => out.push(Output::Network(packet.to_vec())),
        TunnResult::WriteToTunnelV4(packet, _) | TunnResult::WriteToTunnelV6(packet, _) => {
            out.push(Output::Tunnel(packet.to_vec()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal IPv4/UDP-less packet: 20-byte header with the right total length, then data.
    fn ipv4_packet(payload: &[u8]) -> Vec<u8> {
        let total = u16::try_from(20 + payload.len()).unwrap();
        let mut p = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    fn network(outputs: Vec<Output>) -> Vec<Vec<u8>> {
        outputs
            .into_iter()
            .filter_map(|o| match o {
                Output::Network(d) => Some(d),
                Output::Tunnel(_) => None,
            })
            .collect()
    }

    #[test]
    fn two_tunnels_handshake_and_carry_a_packet_in_memory() {
        let (a_key, b_key) = ([7u8; 32], [9u8; 32]);
        let mut a = Tunnel::new(a_key, public_key(b_key), None, 1);
        let mut b = Tunnel::new(b_key, public_key(a_key), None, 2);
        let packet = ipv4_packet(b"hello through the tunnel");

        // A has no session: the packet is queued and a handshake initiation goes out.
        let init = network(a.send(&packet).unwrap());
        assert_eq!(init.len(), 1);
        assert_eq!(init[0][0], 1, "message type 1 = handshake initiation");
        let response = network(b.receive(&init[0]).unwrap());
        assert_eq!(response[0][0], 2, "message type 2 = handshake response");
        // The response completes A's handshake and releases the queued packet as data.
        let data = network(a.receive(&response[0]).unwrap());
        assert!(
            !data.is_empty() && data.iter().all(|d| d[0] == 4),
            "message type 4 = transport data"
        );
        let delivered: Vec<Output> = data.iter().flat_map(|d| b.receive(d).unwrap()).collect();
        assert!(
            delivered.contains(&Output::Tunnel(packet.clone())),
            "{delivered:?}"
        );
        assert!(
            !data.iter().any(|d| d.windows(5).any(|w| w == b"hello")),
            "payload is encrypted on the wire"
        );

        // Established: B answers directly, no new handshake.
        let reply = ipv4_packet(b"pong");
        let sent = network(b.send(&reply).unwrap());
        assert_eq!(sent.len(), 1);
        assert_eq!(a.receive(&sent[0]).unwrap(), vec![Output::Tunnel(reply)]);
    }

    #[test]
    fn a_datagram_from_a_stranger_is_rejected() {
        let mut a = Tunnel::new([1u8; 32], public_key([2u8; 32]), None, 1);
        let mut stranger = Tunnel::new([3u8; 32], public_key([1u8; 32]), None, 9);
        let init = network(stranger.send(&ipv4_packet(b"x")).unwrap());
        assert!(a.receive(&init[0]).is_err());
    }
}
