//! The pinger on real loopback sockets: a PING from the peer (the tunnel is up) makes a pinger
//! still waiting for its first PONG ping at once instead of at its next tick, and the PONG
//! then connects.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use liqo_api::networking::ConnectionStatusValue;
use liqo_gateway::checker::{self, PingerConfig};
use liqo_gateway::health::{Message, MsgType, PING_BUFFER};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Far longer than the test: only the immediate first tick fires.
const INTERVAL: Duration = Duration::from_secs(600);
const BOUND: Duration = Duration::from_secs(5);

async fn next_ping(peer: &UdpSocket) -> (Message, std::net::SocketAddr) {
    let mut buf = [0u8; PING_BUFFER];
    let (n, from) = tokio::time::timeout(BOUND, peer.recv_from(&mut buf))
        .await
        .expect("a PING well before the next tick")
        .unwrap();
    let message = Message::decode(&buf[..n]).unwrap();
    assert_eq!(message.msg_type, MsgType::Ping);
    (message, from)
}

#[tokio::test]
async fn a_ping_from_the_peer_brings_the_next_ping_forward_until_connected() {
    // The peer's tunnel address is a loopback alias: 127.0.0.0/8 is all local on Linux.
    // An ephemeral port: the fixed check port may be taken on the host (a gateway, another run).
    let peer_addr = Ipv4Addr::new(127, 18, 0, 2);
    let peer = UdpSocket::bind((peer_addr, 0)).await.unwrap();
    let peer_port = peer.local_addr().unwrap().port();
    let socket = Arc::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap());
    let (heard_tx, heard_rx) = mpsc::channel(8);
    let (updates_tx, mut updates) = mpsc::channel(8);
    let config = PingerConfig {
        peer_cluster_id: "peer-id".into(),
        peer_addr,
        peer_port,
        interval: INTERVAL,
        loss_threshold: 5,
    };
    let pinger = tokio::spawn(checker::ping(socket, config, heard_rx, updates_tx, || {}));

    // The first tick's PING is lost (no session yet, say): not answered.
    let (first, _) = next_ping(&peer).await;
    assert_eq!(first.cluster_id, "peer-id");

    // The peer's own PING arrives: ours goes out now, not in 10 minutes.
    let peers_ping = Message::ping("local-id", Timestamp::now());
    heard_tx.send((peers_ping, Timestamp::now())).await.unwrap();
    let (second, from) = next_ping(&peer).await;
    assert_ne!(second.time_stamp, first.time_stamp, "a new PING");

    // Its PONG connects.
    let pong = second.pong();
    heard_tx.send((pong, Timestamp::now())).await.unwrap();
    let update = tokio::time::timeout(BOUND, updates.recv())
        .await
        .expect("an update")
        .expect("the pinger runs");
    assert_eq!(update.value, ConnectionStatusValue::Connected);
    assert!(from.ip().is_loopback());
    pinger.abort();
}
