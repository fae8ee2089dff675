//! The connection check on the wire: one UDP socket on `0.0.0.0:12345` answers every PING
//! with a PONG and hands PONGs to the pinger, which probes the peer's tunnel address and
//! reports health changes ([`Update`]s).

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::health::{Health, Message, MsgType, PING_BUFFER, PING_PORT, Update};

/// What the pinger needs.
#[derive(Debug, Clone)]
pub struct PingerConfig {
    /// The peer's cluster ID, sent in every PING.
    pub peer_cluster_id: String,
    /// The peer's tunnel address.
    pub peer_addr: Ipv4Addr,
    /// The peer's connection-check port: [`PING_PORT`] but in tests.
    pub peer_port: u16,
    /// Interval between PINGs.
    pub interval: Duration,
    /// PINGs lost before Error.
    pub loss_threshold: u32,
}

/// A PONG (or a PING from the peer, which only wakes the pinger) and when it arrived.
pub type Pong = (Message, Timestamp);

/// Binds the connection-check socket.
///
/// # Errors
/// The port is taken (another gateway in this network namespace?).
pub async fn bind() -> std::io::Result<Arc<UdpSocket>> {
    let socket = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, PING_PORT)).await?;
    Ok(Arc::new(socket))
}

/// Answers PINGs and forwards PONGs, and the PINGs too, to `pongs` (dropped if nobody pings),
/// forever.
pub async fn respond(socket: Arc<UdpSocket>, pongs: mpsc::Sender<Pong>) {
    let mut buf = [0u8; PING_BUFFER];
    loop {
        let (n, from) = match socket.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(error = %e, "connection-check receive failed");
                continue;
            }
        };
        let message = match Message::decode(&buf[..n]) {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!(error = %e, %from, "ignoring a connection-check datagram");
                continue;
            }
        };
        match message.msg_type {
            MsgType::Ping => {
                let pong = message.clone().pong().encode();
                if let Err(e) = socket.send_to(&pong, from).await {
                    tracing::debug!(error = %e, %from, "failed to answer a PING");
                }
                let _ = pongs.try_send((message, Timestamp::now()));
            }
            MsgType::Pong => {
                let _ = pongs.try_send((message, Timestamp::now()));
            }
        }
    }
}

/// PINGs unanswered before the pinger asks for a new handshake.
const SILENT_PINGS: u32 = 2;
/// The PING pace while not connected: a peer whose key arrives after our first handshake
/// initiation is otherwise retried only after `SILENT_PINGS × interval` (4 s with upstream's
/// 2 s template), which was most of the time `liqoctl peer` spent waiting for the Connection.
const SEEKING_INTERVAL: Duration = Duration::from_millis(250);

/// Pings the peer every interval and reports every health event on `updates`, forever. After
/// [`SILENT_PINGS`] unanswered PINGs (and again after as many more) it calls `on_silence`, so a
/// restarted peer gets a new handshake without waiting for WireGuard's 15 s timers.
pub async fn ping(
    socket: Arc<UdpSocket>,
    config: PingerConfig,
    mut pongs: mpsc::Receiver<Pong>,
    updates: mpsc::Sender<Update>,
    on_silence: impl Fn() + Send + 'static,
) {
    let mut health = Health::new(Timestamp::now(), config.interval, config.loss_threshold);
    let mut unanswered = 0u32;
    let pace = |connected: bool| {
        if connected {
            config.interval
        } else {
            config.interval.min(SEEKING_INTERVAL)
        }
    };
    let mut paced_connected = false;
    let mut ping_tick = tokio::time::interval(pace(paced_connected));
    let mut observe_tick = tokio::time::interval(health.observer_period());
    let target = SocketAddr::V4(SocketAddrV4::new(config.peer_addr, config.peer_port));
    loop {
        let update = tokio::select! {
            _ = ping_tick.tick() => {
                if unanswered >= SILENT_PINGS {
                    tracing::debug!(unanswered, "peer silent, starting a new handshake");
                    on_silence();
                    unanswered = 0;
                }
                unanswered += 1;
                let ping = Message::ping(&config.peer_cluster_id, Timestamp::now()).encode();
                if let Err(e) = socket.send_to(&ping, target).await {
                    tracing::trace!(error = %e, %target, "failed to send a PING");
                }
                None
            }
            _ = observe_tick.tick() => health.observe(Timestamp::now()),
            Some((pong, at)) = pongs.recv() => {
                if pong.msg_type == MsgType::Ping {
                    // The peer reaches us, so the tunnel is up: until our first PONG, ping now
                    // rather than at the next tick (up to an interval after the handshake, as
                    // our PINGs before it had no session to travel in). Not counted as
                    // unanswered: the handshake logic keeps its pace.
                    if !health.is_connected() {
                        let ping = Message::ping(&config.peer_cluster_id, Timestamp::now()).encode();
                        let _ = socket.send_to(&ping, target).await;
                    }
                    None
                } else if pong.cluster_id != config.peer_cluster_id {
                    tracing::debug!(cluster_id = %pong.cluster_id, "PONG for another peer");
                    None
                } else {
                    match pong.timestamp() {
                        Ok(sent) => {
                            unanswered = 0;
                            health.on_pong(sent, at)
                        }
                        Err(e) => {
                            tracing::debug!(error = %e, "ignoring a PONG");
                            None
                        }
                    }
                }
            }
        };
        if health.is_connected() != paced_connected {
            paced_connected = health.is_connected();
            ping_tick = tokio::time::interval(pace(paced_connected));
            // The first tick of a new interval is immediate: skip it, a PING just went out.
            ping_tick.reset();
        }
        if let Some(update) = update
            && updates.send(update).await.is_err()
        {
            return;
        }
    }
}
