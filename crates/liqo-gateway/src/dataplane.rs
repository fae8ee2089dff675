//! The packet loop: one thread reads the TUN device, segments, encrypts and sends over UDP;
//! another receives, decrypts, coalesces and writes to the TUN device. The WireGuard state is
//! shared under one mutex taken once per burst (not per packet), so the two directions only
//! contend for the crypto of one burst at a time.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::diagnosis::Snapshot;
use crate::segmentation::{self, Coalescer, Segments, VNET_HDR_LEN, VnetHdr};
use crate::tun::Tun;
use crate::tunnel::{self, MSG_COOKIE_REPLY, MSG_DATA, Output, Tunnel};
use crate::udp::{self, Batch, Udp};

/// Largest packet the TUN device hands over (a 64 KiB GSO super-packet).
const TUN_READ: usize = VNET_HDR_LEN + 65535;
/// Room for the segments of one super-packet, encrypted (small MSS means more headers).
const SEND_BUFFER: usize = 256 << 10;
/// Members of one coalesced super-packet, at most.
const MAX_GROUP: usize = 64;

/// The peer as the packet loop sees it.
#[derive(Debug, Default)]
pub struct PeerState {
    /// The WireGuard session state; `None` until the peer's key is known.
    pub tunnel: Option<Tunnel>,
    /// Where datagrams go: configured (client) or learned from authenticated datagrams
    /// (server).
    pub endpoint: Option<SocketAddr>,
    /// Handshake initiations sent (for the diagnosis).
    initiations: u64,
    /// The last failure to send a datagram, cleared by a completed handshake.
    send_error: Option<String>,
    /// The DNS endpoint and its last resolution failure, cleared by a resolution.
    resolve_error: Option<(String, String)>,
}

impl PeerState {
    /// Sends a handshake message, counting initiations and keeping a failure for the
    /// diagnosis.
    fn send_handshake(&mut self, udp: &Udp, datagram: &[u8], to: SocketAddr) {
        if datagram.first() == Some(&tunnel::MSG_HANDSHAKE_INIT) {
            self.initiations += 1;
        }
        if let Err(e) = udp.send(datagram, to) {
            tracing::debug!(error = %e, %to, "failed to send a handshake message");
            self.send_error = Some(e.to_string());
        }
    }
}

/// Packet counters, for logs.
#[derive(Debug, Default)]
pub struct Counters {
    /// IP packets encrypted and sent.
    pub tx_packets: AtomicU64,
    /// IP packets decrypted and delivered.
    pub rx_packets: AtomicU64,
    /// Datagrams that failed authentication or decoding.
    pub rx_errors: AtomicU64,
}

/// State shared by the packet threads and the control plane.
#[derive(Debug)]
pub struct Shared {
    peer: Mutex<PeerState>,
    udp: Udp,
    private_key: [u8; 32],
    learn_endpoint: bool,
    /// Packet counters.
    pub counters: Counters,
}

impl Shared {
    /// The shared state of a gateway with `private_key`; a server (`learn_endpoint`) takes the
    /// peer's address from its authenticated datagrams.
    pub fn new(udp: Udp, private_key: [u8; 32], learn_endpoint: bool) -> Self {
        Self {
            peer: Mutex::new(PeerState::default()),
            udp,
            private_key,
            learn_endpoint,
            counters: Counters::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, PeerState> {
        // A panicking packet thread aborts the process anyway; the state stays usable.
        self.peer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Configures the single peer (replacing any other). Re-applying the same key keeps the
    /// session; a new key starts over. The endpoint is kept either way. Returns whether the
    /// peer changed.
    pub fn set_peer(&self, peer_public: [u8; 32]) -> bool {
        let mut state = self.lock();
        if state
            .tunnel
            .as_ref()
            .is_some_and(|t| t.peer_public() == peer_public)
        {
            return false;
        }
        state.tunnel = Some(Tunnel::new(self.private_key, peer_public, None, 0));
        true
    }

    /// Sets where datagrams go.
    pub fn set_endpoint(&self, endpoint: SocketAddr) {
        let mut state = self.lock();
        state.endpoint = Some(endpoint);
        state.resolve_error = None;
    }

    /// Records that resolving the endpoint `host` failed with `error`.
    pub fn set_resolve_error(&self, host: &str, error: String) {
        self.lock().resolve_error = Some((host.to_string(), error));
    }

    /// What the diagnosis needs, read at once.
    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        let since_handshake = state.tunnel.as_ref().and_then(Tunnel::since_last_handshake);
        Snapshot {
            peer_known: state.tunnel.is_some(),
            endpoint: state.endpoint,
            since_handshake,
            initiations: state.initiations,
            send_error: since_handshake
                .is_none()
                .then(|| state.send_error.clone())
                .flatten(),
            resolve_error: state.resolve_error.clone(),
        }
    }

    fn note_send_error(&self, error: &io::Error) {
        self.lock().send_error = Some(error.to_string());
    }

    /// The current endpoint.
    pub fn endpoint(&self) -> Option<SocketAddr> {
        self.lock().endpoint
    }

    /// Starts a new handshake now (the peer stopped answering), if the peer and its endpoint
    /// are known.
    pub fn force_handshake(&self) {
        let mut out = [0u8; tunnel::MIN_OUTPUT];
        let mut state = self.lock();
        let endpoint = state.endpoint;
        let (Some(tunnel), Some(to)) = (state.tunnel.as_mut(), endpoint) else {
            return;
        };
        match tunnel.force_handshake(&mut out) {
            Ok(Output::Network(d)) => state.send_handshake(&self.udp, d, to),
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "failed to start a handshake"),
        }
    }

    /// Drives WireGuard's timers (handshake retries, rekeys); call every 250 ms.
    pub fn tick(&self) {
        let mut out = [0u8; tunnel::MIN_OUTPUT];
        let mut state = self.lock();
        let endpoint = state.endpoint;
        let Some(tunnel) = state.tunnel.as_mut() else {
            return;
        };
        match tunnel.tick(&mut out) {
            Ok(Output::Network(d)) => {
                if let Some(to) = endpoint {
                    state.send_handshake(&self.udp, d, to);
                }
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "wireguard timer"),
        }
    }
}

/// Starts the two packet threads. A thread that fails (device or socket gone) reports on
/// `fatal` and stops.
///
/// # Errors
/// The failure to duplicate the TUN handle or spawn a thread.
pub fn spawn(
    shared: Arc<Shared>,
    tun: Tun,
    fatal: tokio::sync::mpsc::UnboundedSender<anyhow::Error>,
) -> io::Result<()> {
    let reader = tun.try_clone()?;
    let (s, f) = (shared.clone(), fatal.clone());
    std::thread::Builder::new()
        .name("tun-to-udp".into())
        .spawn(move || {
            let e = tun_to_udp(&s, reader);
            let _ = f.send(anyhow::Error::new(e).context("TUN to UDP loop stopped"));
        })?;
    std::thread::Builder::new()
        .name("udp-to-tun".into())
        .spawn(move || {
            let e = udp_to_tun(&shared, tun);
            let _ = fatal.send(anyhow::Error::new(e).context("UDP to TUN loop stopped"));
        })?;
    Ok(())
}

/// Reusable buffers of the transmit direction.
struct TxBuffers {
    read: Vec<u8>,
    segments: Vec<u8>,
    segment_lens: Vec<usize>,
    send: Vec<u8>,
    send_lens: Vec<usize>,
    batches: Vec<Batch>,
}

fn tun_to_udp(shared: &Shared, mut tun: Tun) -> io::Error {
    let mut b = TxBuffers {
        read: vec![0; TUN_READ],
        segments: vec![0; SEND_BUFFER],
        segment_lens: Vec::with_capacity(1024),
        send: vec![0; SEND_BUFFER],
        send_lens: Vec::with_capacity(1024),
        batches: Vec::with_capacity(64),
    };
    loop {
        let n = match tun.read(&mut b.read) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return e,
        };
        if let Err(e) = transmit(shared, &mut b, n) {
            return e;
        }
    }
}

/// Segments, encrypts and sends what one TUN read returned.
fn transmit(shared: &Shared, b: &mut TxBuffers, n: usize) -> io::Result<()> {
    let Some(hdr) = VnetHdr::parse(&b.read[..n]) else {
        return Ok(());
    };
    b.segment_lens.clear();
    match segmentation::prepare(hdr, &mut b.read[VNET_HDR_LEN..n]) {
        // Allowed IPs are 0.0.0.0/0, as upstream configures them: IPv6 has no peer.
        Ok(Segments::Single(p)) if !is_ipv4(p) => return Ok(()),
        Ok(Segments::Single(p)) => {
            b.segments[..p.len()].copy_from_slice(p);
            b.segment_lens.push(p.len());
        }
        Ok(Segments::Tcp(s)) => {
            let mut used = 0;
            for i in 0..s.count() {
                if b.segments.len() - used < s.max_segment_len() {
                    break; // absurdly small MSS: the rest is dropped, TCP retransmits
                }
                let len = s.segment(i, &mut b.segments[used..]);
                b.segment_lens.push(len);
                used += len;
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, "dropping a packet from the TUN device");
            return Ok(());
        }
    }

    b.send_lens.clear();
    let endpoint = {
        let mut state = shared.lock();
        let endpoint = state.endpoint;
        let (Some(tunnel), Some(endpoint)) = (state.tunnel.as_mut(), endpoint) else {
            return Ok(()); // no peer or no endpoint yet: dropped, as on a link without carrier
        };
        let (mut src, mut dst, mut initiations) = (0, 0, 0);
        for &len in &b.segment_lens {
            let packet = &b.segments[src..src + len];
            src += len;
            let room = &mut b.send[dst..];
            if room.len() < (len + tunnel::OVERHEAD).max(tunnel::MIN_OUTPUT) {
                break;
            }
            match tunnel.encapsulate(packet, room) {
                Ok(Output::Network(d)) => {
                    // Only the first datagram of a session can be an initiation.
                    initiations += u64::from(d[0] == tunnel::MSG_HANDSHAKE_INIT);
                    dst += d.len();
                    b.send_lens.push(d.len());
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "failed to encrypt a packet"),
            }
        }
        state.initiations += initiations;
        endpoint
    };
    shared
        .counters
        .tx_packets
        .fetch_add(b.segment_lens.len() as u64, Ordering::Relaxed);
    let total: usize = b.send_lens.iter().sum();
    match shared
        .udp
        .send_all(&b.send[..total], &b.send_lens, endpoint, &mut b.batches)
    {
        Ok(()) => Ok(()),
        // Unreachable endpoint and the like: the packets are lost, the loop goes on.
        Err(e) if e.kind() != io::ErrorKind::Unsupported => {
            tracing::debug!(error = %e, %endpoint, "failed to send datagrams");
            shared.note_send_error(&e);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Reusable buffers of the receive direction.
struct RxBuffers {
    recv: Vec<u8>,
    plain: Vec<u8>,
    scratch: Vec<u8>,
    packets: Vec<(usize, usize)>,
    headers: Vec<[u8; VNET_HDR_LEN]>,
    coalescer: Coalescer,
}

fn udp_to_tun(shared: &Shared, mut tun: Tun) -> io::Error {
    let mut b = RxBuffers {
        recv: vec![0; udp::RECV_BUFFER],
        // Plaintext is shorter than its datagram, so decrypting datagram i at the current end
        // of the plaintext always leaves its length free; the extra room covers a handshake
        // answer to a short last datagram.
        plain: vec![0; udp::RECV_BUFFER + tunnel::MIN_OUTPUT],
        scratch: vec![0; udp::RECV_BUFFER],
        packets: Vec::with_capacity(128),
        headers: Vec::with_capacity(128),
        coalescer: Coalescer::default(),
    };
    loop {
        let received = match shared.udp.recv(&mut b.recv) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // An ICMP error queued on the socket from an earlier send: not fatal.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => continue,
            Err(e) => return e,
        };
        decrypt(shared, &mut b, received);
        if let Err(e) = deliver(&mut b, &mut tun) {
            return e;
        }
    }
}

/// Decrypts a received burst into `b.plain`, answering handshakes on the way.
fn decrypt(shared: &Shared, b: &mut RxBuffers, received: udp::Received) {
    b.packets.clear();
    let mut state = shared.lock();
    let Some(tunnel) = state.tunnel.as_mut() else {
        return;
    };
    let mut authenticated = false;
    let mut plain_at = 0;
    for datagram in b.recv[..received.len].chunks(received.segment) {
        let kind = datagram[0];
        match tunnel.decapsulate(Some(received.from.ip()), datagram, &mut b.plain[plain_at..]) {
            Ok(Output::Tunnel(p)) => {
                // Authentic, but outside the allowed IPs (0.0.0.0/0) if not IPv4: dropped.
                if is_ipv4(p) {
                    b.packets.push((plain_at, p.len()));
                    plain_at += p.len();
                }
                authenticated = true;
            }
            Ok(Output::Network(reply)) => {
                // A handshake answer (or a cookie under load) goes back to the sender, then
                // whatever was queued waiting for the session.
                authenticated |= reply[0] != MSG_COOKIE_REPLY;
                send_quietly(&shared.udp, reply, received.from);
                while let Ok(Output::Network(queued)) = tunnel.dequeue(&mut b.scratch) {
                    send_quietly(&shared.udp, queued, received.from);
                }
            }
            Ok(Output::Done) => authenticated |= kind == MSG_DATA,
            Err(e) => {
                shared.counters.rx_errors.fetch_add(1, Ordering::Relaxed);
                tracing::trace!(error = %e, from = %received.from, "dropping a datagram");
            }
        }
    }
    if authenticated && shared.learn_endpoint && state.endpoint != Some(received.from) {
        tracing::info!(endpoint = %received.from, "learned the peer's endpoint");
        state.endpoint = Some(received.from);
    }
    drop(state);
    shared
        .counters
        .rx_packets
        .fetch_add(b.packets.len() as u64, Ordering::Relaxed);
}

fn send_quietly(udp: &Udp, datagram: &[u8], to: SocketAddr) {
    if let Err(e) = udp.send(datagram, to) {
        tracing::debug!(error = %e, %to, "failed to send a handshake message");
    }
}

/// Writes the decrypted packets to the TUN device, TCP segments of one flow coalesced.
fn deliver(b: &mut RxBuffers, tun: &mut Tun) -> io::Result<()> {
    if b.packets.is_empty() {
        return Ok(());
    }
    let plain = &b.plain;
    let groups = b
        .coalescer
        .plan(
            b.packets.iter().map(|&(at, len)| &plain[at..at + len]),
            MAX_GROUP,
        )
        .len();
    // First pass (mutable): rewrite the head of each group.
    b.headers.clear();
    for g in 0..groups {
        let members = b.coalescer.members(g);
        let payload: usize = members
            .iter()
            .map(|&m| segmentation::tcp_payload(slice(&b.plain, b.packets[m])).len())
            .sum();
        let last = *members.last().expect("invariant: a group has members");
        let last_flags = segmentation::tcp_flags(slice(&b.plain, b.packets[last]));
        let (at, len) = b.packets[members[0]];
        let header = Coalescer::finish(
            members.len(),
            &mut b.plain[at..at + len],
            payload,
            last_flags,
        );
        b.headers.push(header.to_bytes());
    }
    // Second pass: one vectored write per group.
    let mut iov = [IoSlice::new(&[]); MAX_GROUP + 1];
    for g in 0..groups {
        let members = b.coalescer.members(g);
        iov[0] = IoSlice::new(&b.headers[g]);
        iov[1] = IoSlice::new(slice(&b.plain, b.packets[members[0]]));
        for (k, &m) in members.iter().enumerate().skip(1) {
            iov[k + 1] = IoSlice::new(segmentation::tcp_payload(slice(&b.plain, b.packets[m])));
        }
        match tun.write(&iov[..members.len() + 1]) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(nix::libc::EBADFD) => return Err(e),
            Err(e) => tracing::debug!(error = %e, "the TUN device refused a packet"),
        }
    }
    Ok(())
}

fn is_ipv4(packet: &[u8]) -> bool {
    packet.first().is_some_and(|b| b >> 4 == 4)
}

fn slice(buf: &[u8], (at, len): (usize, usize)) -> &[u8] {
    &buf[at..at + len]
}
