//! Why a tunnel is (not) up, in one sentence for the Connection's Events. The Connection
//! status only has a value and a latency (wire format), so the cause a user needs, such as the
//! endpoint the client dials and what came back, travels in an Event that `liqoctl` prints
//! when its wait fails.

use std::net::SocketAddr;
use std::time::Duration;

use crate::args::Mode;

/// What the packet loop and the endpoint resolver know, read at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Whether the peer's PublicKey is configured.
    pub peer_known: bool,
    /// Where datagrams go (client: configured or resolved; server: learned).
    pub endpoint: Option<SocketAddr>,
    /// Time since the last completed handshake.
    pub since_handshake: Option<Duration>,
    /// Handshake initiations sent since the start.
    pub initiations: u64,
    /// The last failure to send a datagram.
    pub send_error: Option<String>,
    /// The client's DNS endpoint and its last resolution failure.
    pub resolve_error: Option<(String, String)>,
}

/// The cause, as precisely as the gateway knows it. `connected` is the health check's view;
/// `listen_port` is the server's UDP port.
pub fn explain(mode: Mode, snapshot: &Snapshot, connected: bool, listen_port: u16) -> String {
    let s = snapshot;
    if !s.peer_known {
        return "the peer's PublicKey is not configured yet".into();
    }
    if let (None, Some((host, error))) = (s.endpoint, &s.resolve_error) {
        return format!("cannot resolve the server endpoint {host}: {error}");
    }
    let Some(endpoint) = s.endpoint else {
        return match mode {
            Mode::Client => "no server endpoint configured".into(),
            Mode::Server => format!(
                "no WireGuard handshake from the client yet (listening on UDP port {listen_port})"
            ),
        };
    };
    match s.since_handshake {
        Some(ago) if connected => format!(
            "WireGuard handshake with {endpoint} {} ago; the peer answers PINGs",
            secs(ago)
        ),
        Some(ago) => format!(
            "WireGuard handshake with {endpoint} {} ago, but PINGs to the peer's gateway on UDP port {} get no PONG",
            secs(ago),
            crate::health::PING_PORT
        ),
        None => {
            let mut text = match mode {
                Mode::Client => format!(
                    "no WireGuard handshake answer from the server endpoint {endpoint} after {} initiation(s): check that the address is reachable from this node and the port is open",
                    s.initiations
                ),
                Mode::Server => format!(
                    "no completed WireGuard handshake with the client at {endpoint} after {} initiation(s)",
                    s.initiations
                ),
            };
            if let Some(e) = &s.send_error {
                text.push_str(&format!("; sending to {endpoint} failed: {e}"));
            }
            text
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> SocketAddr {
        "172.31.7.2:30512".parse().unwrap()
    }

    #[test]
    fn an_unanswered_client_names_the_endpoint_and_the_attempts() {
        let s = Snapshot {
            peer_known: true,
            endpoint: Some(endpoint()),
            initiations: 4,
            send_error: Some("Network is unreachable (os error 101)".into()),
            ..Default::default()
        };
        assert_eq!(
            explain(Mode::Client, &s, false, 51840),
            "no WireGuard handshake answer from the server endpoint 172.31.7.2:30512 after 4 \
             initiation(s): check that the address is reachable from this node and the port is \
             open; sending to 172.31.7.2:30512 failed: Network is unreachable (os error 101)"
        );
    }

    #[test]
    fn each_stage_has_its_own_cause() {
        let mut s = Snapshot::default();
        assert_eq!(
            explain(Mode::Client, &s, false, 51840),
            "the peer's PublicKey is not configured yet"
        );
        s.peer_known = true;
        s.resolve_error = Some(("gw.example".into(), "no such host".into()));
        assert_eq!(
            explain(Mode::Client, &s, false, 51840),
            "cannot resolve the server endpoint gw.example: no such host"
        );
        s.resolve_error = None;
        assert_eq!(
            explain(Mode::Server, &s, false, 51840),
            "no WireGuard handshake from the client yet (listening on UDP port 51840)"
        );
        s.endpoint = Some(endpoint());
        s.since_handshake = Some(Duration::from_millis(3200));
        assert_eq!(
            explain(Mode::Client, &s, false, 51840),
            "WireGuard handshake with 172.31.7.2:30512 3s ago, but PINGs to the peer's gateway \
             on UDP port 12345 get no PONG"
        );
        assert_eq!(
            explain(Mode::Client, &s, true, 51840),
            "WireGuard handshake with 172.31.7.2:30512 3s ago; the peer answers PINGs"
        );
    }
}
