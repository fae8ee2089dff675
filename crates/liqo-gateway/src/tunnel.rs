//! A sans-I/O WireGuard tunnel around boringtun's `noise::Tunn`: packets in, packets out, no
//! sockets, so the protocol is tested in memory and the I/O loop stays thin.
//!
//! Every call writes into a caller-owned buffer and returns a slice of it: the hot path does
//! not allocate.

use std::net::IpAddr;

use boringtun::noise::{Tunn, TunnResult, errors::WireGuardError};
use boringtun::x25519::{PublicKey, StaticSecret};

/// Bytes WireGuard adds to an IP packet: 16-byte data header and 16-byte AEAD tag.
pub const OVERHEAD: usize = 32;
/// Smallest output buffer: a handshake initiation is 148 bytes.
pub const MIN_OUTPUT: usize = 148;
/// WireGuard message type of a handshake initiation.
pub const MSG_HANDSHAKE_INIT: u8 = 1;
/// WireGuard message type of a handshake response.
pub const MSG_HANDSHAKE_RESPONSE: u8 = 2;
/// WireGuard message type of a cookie reply.
pub const MSG_COOKIE_REPLY: u8 = 3;
/// WireGuard message type of transport data.
pub const MSG_DATA: u8 = 4;

/// What the caller must do with what the tunnel produced (a slice of its output buffer).
#[derive(Debug, PartialEq, Eq)]
pub enum Output<'a> {
    /// Nothing to do.
    Done,
    /// Send this datagram to the peer over UDP.
    Network(&'a [u8]),
    /// Write this decrypted IP packet to the TUN device.
    Tunnel(&'a [u8]),
}

/// A WireGuard protocol failure.
#[derive(Debug, thiserror::Error)]
#[error("wireguard: {0:?}")]
pub struct TunnelError(pub WireGuardError);

/// One WireGuard peer relationship.
pub struct Tunnel {
    tunn: Tunn,
    peer_public: [u8; 32],
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
        Self { tunn, peer_public }
    }

    /// The peer's public key.
    pub fn peer_public(&self) -> [u8; 32] {
        self.peer_public
    }

    /// Encrypts an IP packet from the TUN device into `out` (at least `packet.len() +`
    /// [`OVERHEAD`] and [`MIN_OUTPUT`] bytes). Without a session the packet is queued and a
    /// handshake initiation comes out instead (or nothing, if one is in flight).
    ///
    /// # Errors
    /// A protocol error from boringtun.
    pub fn encapsulate<'a>(
        &mut self,
        packet: &[u8],
        out: &'a mut [u8],
    ) -> Result<Output<'a>, TunnelError> {
        assert!(
            out.len() >= (packet.len() + OVERHEAD).max(MIN_OUTPUT),
            "invariant: output buffer sized for the packet"
        );
        convert(self.tunn.encapsulate(packet, out))
    }

    /// Handles a datagram from `source`: handshake messages, keepalives or data; `out` must be
    /// at least as long as the datagram and [`MIN_OUTPUT`]. After an [`Output::Network`] (a
    /// handshake answer), call [`Tunnel::dequeue`] until it returns [`Output::Done`] to send
    /// the packets queued while the handshake was pending.
    ///
    /// # Errors
    /// A protocol error (bad MAC, replay, unknown session) from boringtun.
    pub fn decapsulate<'a>(
        &mut self,
        source: Option<IpAddr>,
        datagram: &[u8],
        out: &'a mut [u8],
    ) -> Result<Output<'a>, TunnelError> {
        if datagram.is_empty() {
            return Ok(Output::Done);
        }
        assert!(
            out.len() >= datagram.len().max(MIN_OUTPUT),
            "invariant: output buffer sized for the datagram"
        );
        convert(self.tunn.decapsulate(source, datagram, out))
    }

    /// The next packet queued before the session existed, encrypted, or [`Output::Done`].
    ///
    /// # Errors
    /// A protocol error from boringtun.
    pub fn dequeue<'a>(&mut self, out: &'a mut [u8]) -> Result<Output<'a>, TunnelError> {
        convert(self.tunn.decapsulate(None, &[], out))
    }

    /// Drives timers (handshake retries, rekeys); call about every 250 ms.
    ///
    /// # Errors
    /// A protocol error other than an expired connection (which only resets the sessions).
    pub fn tick<'a>(&mut self, out: &'a mut [u8]) -> Result<Output<'a>, TunnelError> {
        match self.tunn.update_timers(out) {
            TunnResult::Err(WireGuardError::ConnectionExpired) => Ok(Output::Done),
            other => convert(other),
        }
    }

    /// A new handshake initiation now, even if one is in flight (`out` of at least
    /// [`MIN_OUTPUT`] bytes). For when the peer stopped answering: after a peer restart the old
    /// session is dead, and WireGuard's own timers would wait 15 s to notice.
    ///
    /// # Errors
    /// A protocol error from boringtun.
    pub fn force_handshake<'a>(&mut self, out: &'a mut [u8]) -> Result<Output<'a>, TunnelError> {
        convert(self.tunn.format_handshake_initiation(out, true))
    }

    /// Time since the last completed handshake, if any.
    pub fn since_last_handshake(&self) -> Option<std::time::Duration> {
        self.tunn.stats().0
    }
}

fn convert(result: TunnResult<'_>) -> Result<Output<'_>, TunnelError> {
    match result {
        TunnResult::Done => Ok(Output::Done),
        TunnResult::Err(e) => Err(TunnelError(e)),
        TunnResult::WriteToNetwork(packet) => Ok(Output::Network(packet)),
        TunnResult::WriteToTunnelV4(packet, _) | TunnResult::WriteToTunnelV6(packet, _) => {
            Ok(Output::Tunnel(packet))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUF: usize = 2048;

    /// A minimal IPv4 packet: 20-byte header with the right total length, then data.
    fn ipv4_packet(payload: &[u8]) -> Vec<u8> {
        let total = u16::try_from(20 + payload.len()).unwrap();
        let mut p = vec![
            0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    fn network(output: Output<'_>) -> Vec<u8> {
        match output {
            Output::Network(d) => d.to_vec(),
            other => panic!("expected a datagram, got {other:?}"),
        }
    }

    /// Every queued packet, encrypted.
    fn drain(t: &mut Tunnel) -> Vec<Vec<u8>> {
        let mut out = [0u8; BUF];
        let mut all = Vec::new();
        while let Output::Network(d) = t.dequeue(&mut out).unwrap() {
            all.push(d.to_vec());
        }
        all
    }

    /// Two tunnels (A initiating) that completed a handshake; what A queued meanwhile is
    /// returned encrypted.
    fn handshaken(a_key: [u8; 32], b_key: [u8; 32]) -> (Tunnel, Tunnel, Vec<Vec<u8>>) {
        let mut a = Tunnel::new(a_key, public_key(b_key), None, 1);
        let mut b = Tunnel::new(b_key, public_key(a_key), None, 2);
        let mut out = [0u8; BUF];
        let init = network(a.encapsulate(&ipv4_packet(b"x"), &mut out).unwrap());
        let response = network(b.decapsulate(None, &init, &mut out).unwrap());
        network(a.decapsulate(None, &response, &mut out).unwrap());
        let queued = drain(&mut a);
        (a, b, queued)
    }

    #[test]
    fn two_tunnels_handshake_and_carry_a_packet_in_memory() {
        let (a_key, b_key) = ([7u8; 32], [9u8; 32]);
        let mut a = Tunnel::new(a_key, public_key(b_key), None, 1);
        let mut b = Tunnel::new(b_key, public_key(a_key), None, 2);
        let packet = ipv4_packet(b"hello through the tunnel");
        let mut out = [0u8; BUF];

        // A has no session: the packet is queued and a handshake initiation goes out.
        let init = network(a.encapsulate(&packet, &mut out).unwrap());
        assert_eq!(init[0], MSG_HANDSHAKE_INIT);
        assert_eq!(init.len(), MIN_OUTPUT);
        let response = network(b.decapsulate(None, &init, &mut out).unwrap());
        assert_eq!(response[0], MSG_HANDSHAKE_RESPONSE);
        // The response completes A's handshake: a keepalive, then the queued packet as data.
        let keepalive = network(a.decapsulate(None, &response, &mut out).unwrap());
        assert_eq!(keepalive[0], MSG_DATA);
        assert_eq!(keepalive.len(), OVERHEAD, "an empty data message");
        let data = drain(&mut a);
        assert_eq!(data.len(), 1);
        assert_eq!(data[0][0], MSG_DATA);
        assert_eq!(data[0].len(), packet.len() + OVERHEAD);
        assert_eq!(
            b.decapsulate(None, &keepalive, &mut out).unwrap(),
            Output::Done
        );
        assert_eq!(
            b.decapsulate(None, &data[0], &mut out).unwrap(),
            Output::Tunnel(&packet[..])
        );
        assert!(
            !data[0].windows(5).any(|w| w == b"hello"),
            "payload is encrypted on the wire"
        );

        // Established: B answers directly, no new handshake.
        let reply = ipv4_packet(b"pong");
        let sent = network(b.encapsulate(&reply, &mut out).unwrap());
        assert_eq!(
            a.decapsulate(None, &sent, &mut out).unwrap(),
            Output::Tunnel(&reply[..])
        );
        assert!(a.since_last_handshake().is_some());
    }

    #[test]
    fn a_replayed_datagram_is_rejected() {
        let (_a, mut b, data) = handshaken([3u8; 32], [4u8; 32]);
        let mut out = [0u8; BUF];
        assert!(matches!(
            b.decapsulate(None, &data[0], &mut out),
            Ok(Output::Tunnel(_))
        ));
        assert!(b.decapsulate(None, &data[0], &mut out).is_err());
    }

    #[test]
    fn a_forced_handshake_recovers_from_a_restarted_peer() {
        let (a_key, b_key) = ([5u8; 32], [6u8; 32]);
        let (mut a, _b, _) = handshaken(a_key, b_key);
        let mut out = [0u8; BUF];

        // B restarts: A's session is dead and A keeps sending into it.
        let mut b = Tunnel::new(b_key, public_key(a_key), None, 3);
        let stale = network(a.encapsulate(&ipv4_packet(b"lost"), &mut out).unwrap());
        assert_eq!(stale[0], MSG_DATA);
        assert!(b.decapsulate(None, &stale, &mut out).is_err());

        let init = network(a.force_handshake(&mut out).unwrap());
        assert_eq!(init[0], MSG_HANDSHAKE_INIT);
        let response = network(b.decapsulate(None, &init, &mut out).unwrap());
        network(a.decapsulate(None, &response, &mut out).unwrap());
        let packet = ipv4_packet(b"back");
        let data = network(a.encapsulate(&packet, &mut out).unwrap());
        assert_eq!(
            b.decapsulate(None, &data, &mut out).unwrap(),
            Output::Tunnel(&packet[..])
        );
    }

    #[test]
    fn a_datagram_from_a_stranger_is_rejected() {
        let mut a = Tunnel::new([1u8; 32], public_key([2u8; 32]), None, 1);
        let mut stranger = Tunnel::new([3u8; 32], public_key([1u8; 32]), None, 9);
        let mut out = [0u8; BUF];
        let init = network(stranger.encapsulate(&ipv4_packet(b"x"), &mut out).unwrap());
        assert!(a.decapsulate(None, &init, &mut out).is_err());
    }
}
