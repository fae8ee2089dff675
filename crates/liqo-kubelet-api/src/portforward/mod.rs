//! `/portForward/{namespace}/{pod}`: `kubectl port-forward` as the API server forwards it, in
//! the three forms the kubelet serves:
//! - a WebSocket speaking `SPDY/3.1+portforward.k8s.io`: SPDY/3.1 carried in binary messages
//!   (kubectl 1.30+, proxied as is to a node that declares `ExtendWebSocketsToKubelet`);
//! - an HTTP upgrade to `SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io` (an
//!   API server that does not proxy WebSockets to the node);
//! - a WebSocket speaking the `v4.channel.k8s.io` channel protocol with `?port=` parameters
//!   (kube-rs, older kubectl through a translating API server).
//!
//! Each forwarded connection is one [`Backend::port_forward`](crate::Backend::port_forward).

mod channel;
mod dictionary;
mod flow;
mod session;
mod spdy;

use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderName, HeaderValue, SEC_WEBSOCKET_PROTOCOL, UPGRADE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::exec::{self, Socket};
use crate::server::Body;
use crate::{Backend, PortForwardRequest, PortStream, Refusal};

/// The SPDY subprotocol, as `X-Stream-Protocol-Version`.
const SPDY_PROTOCOL: &str = "portforward.k8s.io";
/// The same, tunnelled in a WebSocket.
const TUNNEL_PROTOCOL: &str = "SPDY/3.1+portforward.k8s.io";
/// The channel protocol.
const CHANNEL_PROTOCOL: &str = "v4.channel.k8s.io";
const STREAM_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("x-stream-protocol-version");

/// The pod whose ports are forwarded, and who connects to them.
#[derive(Clone)]
pub(crate) struct Target {
    backend: Arc<dyn Backend>,
    namespace: String,
    pod: String,
}

impl Target {
    pub(crate) fn new(backend: Arc<dyn Backend>, namespace: &str, pod: &str) -> Self {
        Self {
            backend,
            namespace: namespace.into(),
            pod: pod.into(),
        }
    }

    fn connect(&self, port: u16) -> BoxFuture<'static, Result<Box<dyn PortStream>, Refusal>> {
        self.backend.port_forward(PortForwardRequest {
            namespace: self.namespace.clone(),
            pod: self.pod.clone(),
            port,
        })
    }

    /// A failure as the kubelet words it on the error stream.
    fn failure(&self, port: u16, cause: &str) -> String {
        format!(
            "error forwarding port {port} to pod {}/{}: {cause}",
            self.namespace, self.pod
        )
    }
}

/// How the caller asked to be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// SPDY over the upgraded HTTP connection; the version header echoed when one was sent.
    Spdy { versioned: bool },
    /// SPDY inside WebSocket binary messages.
    Tunnel,
    /// The channel protocol for these ports (`protocol`: the subprotocol agreed, if any).
    Channel {
        ports: Vec<u16>,
        protocol: Option<&'static str>,
    },
}

/// The protocol of a port-forward request, or why it is not one we serve.
pub(crate) fn negotiate(req: &Request<Incoming>) -> Result<Protocol, Refusal> {
    let bad = |message: String| Refusal::new(StatusCode::BAD_REQUEST, message);
    if exec::is_websocket(req) {
        let offered = exec::header_tokens(req, SEC_WEBSOCKET_PROTOCOL);
        if offered.contains(&TUNNEL_PROTOCOL.to_ascii_lowercase()) {
            return Ok(Protocol::Tunnel);
        }
        let protocol = if offered.is_empty() {
            None
        } else if offered.iter().any(|o| o == CHANNEL_PROTOCOL) {
            Some(CHANNEL_PROTOCOL)
        } else {
            return Err(bad(format!(
                "no WebSocket protocol in common: offered {offered:?}, served \
                 [{TUNNEL_PROTOCOL:?}, {CHANNEL_PROTOCOL:?}]"
            )));
        };
        let ports = ports(req.uri().query().unwrap_or("")).map_err(bad)?;
        return Ok(Protocol::Channel { ports, protocol });
    }
    if !exec::header_tokens(req, UPGRADE)
        .iter()
        .any(|u| u == "spdy/3.1")
    {
        return Err(bad(format!(
            "port-forward needs an upgrade: Upgrade: SPDY/3.1, or a WebSocket speaking \
             {TUNNEL_PROTOCOL} or {CHANNEL_PROTOCOL}"
        )));
    }
    let versions = exec::header_tokens(req, STREAM_PROTOCOL_VERSION);
    if !versions.is_empty() && !versions.iter().any(|v| v == SPDY_PROTOCOL) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            format!(
                "unable to upgrade: unable to negotiate protocol: client supports {versions:?}, \
                 server supports [{SPDY_PROTOCOL:?}]"
            ),
        ));
    }
    Ok(Protocol::Spdy {
        versioned: !versions.is_empty(),
    })
}

/// The ports of `?port=80&port=8080` (or `port=80,8080`; `ports` as kube-rs spells it).
fn ports(query: &str) -> Result<Vec<u16>, String> {
    let mut ports = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key != "port" && key != "ports" {
            continue;
        }
        for port in value.split(',') {
            let parsed = port.trim().parse::<u16>().ok().filter(|p| *p > 0);
            ports.push(parsed.ok_or_else(|| format!("port {port:?} is not 1-65535"))?);
        }
    }
    if ports.is_empty() {
        return Err("query parameter \"port\" is required".into());
    }
    Ok(ports)
}

/// Answers the upgrade and serves `target`'s ports once the caller switches.
pub(crate) fn upgrade(
    mut req: Request<Incoming>,
    protocol: Protocol,
    target: Target,
) -> Response<Body> {
    match protocol {
        Protocol::Spdy { versioned } => {
            let upgraded = hyper::upgrade::on(&mut req);
            tokio::spawn(async move {
                match upgraded.await {
                    Ok(io) => session::serve(TokioIo::new(io), target).await,
                    Err(e) => tracing::debug!(error = %e, "port-forward upgrade failed"),
                }
            });
            spdy_switch(versioned)
        }
        Protocol::Tunnel => {
            let (response, upgraded) = exec::accept(&mut req, Some(TUNNEL_PROTOCOL));
            tokio::spawn(async move {
                if let Some(ws) = exec::open(upgraded).await {
                    tunnel(ws, target).await;
                }
            });
            response
        }
        Protocol::Channel { ports, protocol } => {
            let (response, upgraded) = exec::accept(&mut req, protocol);
            tokio::spawn(async move {
                if let Some(ws) = exec::open(upgraded).await {
                    channel::serve(ws, ports, target).await;
                }
            });
            response
        }
    }
}

/// The 101 of a SPDY upgrade.
fn spdy_switch(versioned: bool) -> Response<Body> {
    let mut response = Response::new(crate::server::full(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(UPGRADE, HeaderValue::from_static("SPDY/3.1"));
    if versioned {
        headers.insert(
            STREAM_PROTOCOL_VERSION,
            HeaderValue::from_static(SPDY_PROTOCOL),
        );
    }
    response
}

/// Runs the SPDY server on the bytes of `ws`'s binary messages, each write one message.
async fn tunnel(ws: Socket, target: Target) {
    let (ours, theirs) = tokio::io::duplex(256 * 1024);
    let session = tokio::spawn(session::serve(ours, target));
    let (mut sink, mut messages) = ws.split();
    let (mut from_session, mut to_session) = tokio::io::split(theirs);
    let inbound = async move {
        while let Some(Ok(message)) = messages.next().await {
            match message {
                // Binary messages are the SPDY bytes (written in the guard); a session gone
                // ends the copy.
                Message::Binary(bytes) if to_session.write_all(&bytes).await.is_err() => break,
                Message::Close(_) => break,
                // Text is not SPDY; pings are answered by the WebSocket itself.
                _ => {}
            }
        }
        // The session reads the end of the connection.
        let _ = to_session.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0; 64 * 1024];
        while let Ok(n @ 1..) = from_session.read(&mut buf).await {
            if sink
                .send(Message::Binary(Bytes::copy_from_slice(&buf[..n])))
                .await
                .is_err()
            {
                return;
            }
        }
        // A normal closure: client-go reads it as the end, any other as an error.
        let normal = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let _ = sink.send(Message::Close(Some(normal))).await;
    };
    tokio::pin!(inbound, outbound);
    tokio::select! {
        // The session ends on the shutdown; what it still writes is sent until then.
        () = &mut inbound => outbound.await,
        // The session has ended (or the caller is gone): dropping the inbound half ends it.
        () = &mut outbound => {}
    }
    drop(session);
}

#[cfg(test)]
mod codec_tests;
#[cfg(test)]
mod tests;
