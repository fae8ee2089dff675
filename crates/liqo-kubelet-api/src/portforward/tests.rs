//! The SPDY server driven frame by frame over in-memory connections (pairing, half-close,
//! failures, flow control, the HTTP upgrade).

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use hyper::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};

use super::spdy::{self, Frame, HeaderDecoder, HeaderEncoder, Headers};
use super::{Target, ports, session};
use crate::{Backend, LogRequest, LogStream, PortForwardRequest, PortStream, Refusal};

const ECHO: u16 = 7;
const SOURCE: u16 = 19;
/// What the SOURCE port sends before closing: more than a 64 KiB window.
const SOURCE_BYTES: usize = 200 * 1024;

fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn port_parameters_are_read_as_the_kubelet_reads_them() {
    assert_eq!(ports("port=80&port=8080,9090"), Ok(vec![80, 8080, 9090]));
    assert_eq!(ports("ports=80%2C1234"), Ok(vec![80, 1234]));
    assert!(ports("").unwrap_err().contains("\"port\" is required"));
    assert!(ports("port=0").unwrap_err().contains("not 1-65535"));
}

/// Port ECHO echoes until the caller's FIN; SOURCE sends SOURCE_BYTES and closes; the rest
/// refuse.
struct Ports;

impl Backend for Ports {
    fn logs(&self, _: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>> {
        Box::pin(async { Err(Refusal::new(StatusCode::NOT_FOUND, "no logs here")) })
    }

    fn port_forward(
        &self,
        request: PortForwardRequest,
    ) -> BoxFuture<'static, Result<Box<dyn PortStream>, Refusal>> {
        Box::pin(async move {
            let (ours, mut pod) = tokio::io::duplex(16 * 1024);
            match request.port {
                ECHO => tokio::spawn(async move {
                    let (mut r, mut w) = tokio::io::split(pod);
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                    let _ = w.shutdown().await;
                }),
                SOURCE => tokio::spawn(async move {
                    let _ = pod.write_all(&vec![1; SOURCE_BYTES]).await;
                    let _ = pod.shutdown().await;
                }),
                other => {
                    return Err(Refusal::new(
                        StatusCode::BAD_GATEWAY,
                        format!("dial tcp 127.0.0.1:{other}: connection refused"),
                    ));
                }
            };
            Ok(Box::new(ours) as Box<dyn PortStream>)
        })
    }
}

fn target() -> Target {
    Target::new(Arc::new(Ports), "demo", "web")
}

/// kubectl's end of a SPDY connection, frame by frame.
struct Peer {
    r: ReadHalf<DuplexStream>,
    w: WriteHalf<DuplexStream>,
    encoder: HeaderEncoder,
    decoder: HeaderDecoder,
}

impl Peer {
    /// A peer of a fresh server session.
    fn connect() -> Self {
        let (ours, server) = tokio::io::duplex(64 * 1024);
        tokio::spawn(session::serve(server, target()));
        Self::over(ours)
    }

    fn over(io: DuplexStream) -> Self {
        let (r, w) = tokio::io::split(io);
        Self {
            r,
            w,
            encoder: HeaderEncoder::new(),
            decoder: HeaderDecoder::new(),
        }
    }

    async fn send(&mut self, frame: Frame) {
        let mut wire = BytesMut::new();
        spdy::encode(&frame, &mut self.encoder, &mut wire).unwrap();
        self.w.write_all(&wire).await.unwrap();
    }

    /// The next frame; a server that sends nothing for 10 s has failed.
    async fn next(&mut self) -> Option<Frame> {
        let read = spdy::read_frame(&mut self.r, &mut self.decoder);
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .expect("the server answers within 10 s")
            .unwrap()
    }

    /// The next frame that is not a WINDOW_UPDATE.
    async fn next_not_window(&mut self) -> Frame {
        loop {
            match self.next().await.expect("a frame") {
                Frame::WindowUpdate { .. } => {}
                frame => return frame,
            }
        }
    }

    /// Opens the error and data streams of `request` (error first, as kubectl does), checks
    /// both are replied to, and returns the data stream's id.
    async fn open_pair(&mut self, error: u32, request: &str, port: u16) -> u32 {
        let port = port.to_string();
        for (stream, kind) in [(error, "error"), (error + 2, "data")] {
            let h = headers(&[
                ("streamtype", kind),
                ("port", &port),
                ("requestid", request),
            ]);
            self.send(Frame::SynStream {
                stream,
                associated: 0,
                priority: 0,
                fin: false,
                headers: h,
            })
            .await;
            let reply = self.next_not_window().await;
            assert!(
                matches!(reply, Frame::SynReply { stream: s, .. } if s == stream),
                "{reply:?}"
            );
        }
        error + 2
    }

    async fn data(&mut self, stream: u32, fin: bool, data: &'static [u8]) {
        let data = Bytes::from_static(data);
        self.send(Frame::Data { stream, fin, data }).await;
    }
}

fn data_frame(stream: u32, fin: bool, data: &'static [u8]) -> Frame {
    Frame::Data {
        stream,
        fin,
        data: Bytes::from_static(data),
    }
}

#[tokio::test]
async fn two_request_ids_echo_and_end_as_kubectl_ends_them() {
    let mut peer = Peer::connect();
    let first = peer.open_pair(1, "0", ECHO).await;
    let second = peer.open_pair(5, "1", ECHO).await;
    peer.data(first, false, b"hello").await;
    assert_eq!(
        peer.next_not_window().await,
        data_frame(first, false, b"hello")
    );
    peer.data(second, false, b"world").await;
    assert_eq!(
        peer.next_not_window().await,
        data_frame(second, false, b"world")
    );
    peer.send(Frame::Ping(1)).await;
    assert_eq!(peer.next_not_window().await, Frame::Ping(1));

    // The caller's FIN reaches the pod as a half-close; the pod's end comes back as FIN on
    // the data stream, then the error stream closes with nothing on it.
    peer.data(first, true, b"bye").await;
    assert_eq!(
        peer.next_not_window().await,
        data_frame(first, false, b"bye")
    );
    assert_eq!(peer.next_not_window().await, data_frame(first, true, b""));
    assert_eq!(peer.next_not_window().await, data_frame(1, true, b""));

    // A reset data stream (kubectl's local connection failed) also closes the error stream.
    peer.send(Frame::RstStream {
        stream: second,
        status: spdy::CANCEL,
    })
    .await;
    assert_eq!(peer.next_not_window().await, data_frame(5, true, b""));

    // Consumed bytes widen the caller's windows, stream and session, though kubectl ignores it.
    let mut peer = Peer::connect();
    let stream = peer.open_pair(1, "0", ECHO).await;
    peer.data(stream, false, b"12345").await;
    let mut updates = Vec::new();
    while updates.len() < 2 {
        if let Frame::WindowUpdate { stream, delta } = peer.next().await.unwrap() {
            updates.push((stream, delta));
        }
    }
    updates.sort_unstable();
    assert_eq!(updates, [(0, 5), (stream, 5)]);
}

#[tokio::test]
async fn a_refused_port_is_reported_on_the_error_stream() {
    let mut peer = Peer::connect();
    let data = peer.open_pair(1, "0", 1).await;
    let Frame::Data {
        stream: 1,
        fin: false,
        data: message,
    } = peer.next_not_window().await
    else {
        panic!("no message on the error stream")
    };
    assert_eq!(
        String::from_utf8_lossy(&message),
        "error forwarding port 1 to pod demo/web: dial tcp 127.0.0.1:1: connection refused"
    );
    assert_eq!(
        peer.next_not_window().await,
        Frame::RstStream {
            stream: data,
            status: spdy::CANCEL
        }
    );
    assert_eq!(peer.next_not_window().await, data_frame(1, true, b""));
}

/// Reads DATA on `stream` until `limit` bytes or its FIN; the bytes read and whether FIN came.
async fn receive(peer: &mut Peer, stream: u32, limit: usize) -> (usize, bool) {
    let mut total = 0;
    while total < limit {
        match peer.next_not_window().await {
            Frame::Data {
                stream: s,
                fin,
                data,
            } if s == stream => {
                total += data.len();
                if fin {
                    return (total, true);
                }
            }
            other => panic!("not data of stream {stream}: {other:?}"),
        }
    }
    (total, false)
}

#[tokio::test]
async fn a_peer_that_keeps_windows_gets_no_more_than_they_allow() {
    let mut peer = Peer::connect();
    let window = 65_536;
    peer.send(Frame::Settings(vec![(
        spdy::SETTINGS_INITIAL_WINDOW_SIZE,
        window,
    )]))
    .await;
    let stream = peer.open_pair(1, "0", SOURCE).await;
    let window = window as usize;
    assert_eq!(receive(&mut peer, stream, window).await, (window, false));
    // A ping is answered in order: had the server sent past the window, that data would
    // come before the answer.
    peer.send(Frame::Ping(3)).await;
    assert_eq!(peer.next_not_window().await, Frame::Ping(3));
    let rest = SOURCE_BYTES - window;
    let delta = u32::try_from(rest).unwrap();
    for id in [stream, 0] {
        peer.send(Frame::WindowUpdate { stream: id, delta }).await;
    }
    assert_eq!(receive(&mut peer, stream, rest + 1).await, (rest, true));
    assert_eq!(peer.next_not_window().await, data_frame(1, true, b""));
}

#[tokio::test]
async fn kubectl_keeping_no_windows_gets_everything() {
    let mut peer = Peer::connect();
    let stream = peer.open_pair(1, "0", SOURCE).await;
    let all = receive(&mut peer, stream, SOURCE_BYTES + 1).await;
    assert_eq!(all, (SOURCE_BYTES, true));
}

#[tokio::test]
async fn streams_that_are_not_port_forward_streams_are_reset() {
    let mut peer = Peer::connect();
    let cases = [
        (1, headers(&[("streamtype", "data")]), spdy::CANCEL),
        (
            3,
            headers(&[("port", "80"), ("streamtype", "other")]),
            spdy::CANCEL,
        ),
        (
            5,
            headers(&[("port", "none"), ("streamtype", "data")]),
            spdy::CANCEL,
        ),
        (
            6,
            headers(&[("port", "80"), ("streamtype", "data")]),
            spdy::PROTOCOL_ERROR,
        ),
    ];
    for (stream, headers, status) in cases {
        peer.send(Frame::SynStream {
            stream,
            associated: 0,
            priority: 0,
            fin: false,
            headers,
        })
        .await;
        assert_eq!(
            peer.next_not_window().await,
            Frame::RstStream { stream, status }
        );
    }
    // After GOAWAY, no new stream is taken.
    peer.send(Frame::GoAway {
        last_good: 0,
        status: 0,
    })
    .await;
    let h = headers(&[("port", "7"), ("streamtype", "error"), ("requestid", "9")]);
    peer.send(Frame::SynStream {
        stream: 9,
        associated: 0,
        priority: 0,
        fin: false,
        headers: h,
    })
    .await;
    assert_eq!(
        peer.next_not_window().await,
        Frame::RstStream {
            stream: 9,
            status: spdy::REFUSED_STREAM
        }
    );
}

/// An HTTP/1.1 connection to the port-forward handler (no authentication): the request's
/// response head, and the connection after it.
async fn upgrade(request: &str) -> (String, DuplexStream) {
    let (mut client, server) = tokio::io::duplex(64 * 1024);
    let service = hyper::service::service_fn(|req: hyper::Request<hyper::body::Incoming>| async {
        let response = match super::negotiate(&req) {
            Ok(protocol) => super::upgrade(req, protocol, target()),
            Err(refusal) => refusal.into_response(),
        };
        Ok::<_, std::convert::Infallible>(response)
    });
    tokio::spawn(
        hyper::server::conn::http1::Builder::new()
            .serve_connection(hyper_util::rt::TokioIo::new(server), service)
            .with_upgrades(),
    );
    client.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(client.read_u8().await.unwrap());
    }
    (
        String::from_utf8(head).unwrap().to_ascii_lowercase(),
        client,
    )
}

#[tokio::test]
async fn the_spdy_upgrade_switches_then_forwards() {
    let (head, io) = upgrade(
        "POST /portForward/demo/web HTTP/1.1\r\nhost: node\r\nconnection: Upgrade\r\n\
         upgrade: SPDY/3.1\r\nx-stream-protocol-version: portforward.k8s.io\r\n\
         content-length: 0\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("http/1.1 101"), "{head}");
    for header in [
        "connection: upgrade\r\n",
        "upgrade: spdy/3.1\r\n",
        "x-stream-protocol-version: portforward.k8s.io\r\n",
    ] {
        assert!(head.contains(header), "{header:?} missing: {head}");
    }
    let mut peer = Peer::over(io);
    let stream = peer.open_pair(1, "0", ECHO).await;
    peer.data(stream, false, b"through the upgrade").await;
    assert_eq!(
        peer.next_not_window().await,
        data_frame(stream, false, b"through the upgrade")
    );

    let (head, _) = upgrade(
        "POST /portForward/demo/web HTTP/1.1\r\nhost: node\r\nconnection: Upgrade\r\n\
         upgrade: SPDY/3.1\r\nx-stream-protocol-version: v4.channel.k8s.io\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("http/1.1 403"), "{head}");
    let (head, _) = upgrade("GET /portForward/demo/web HTTP/1.1\r\nhost: node\r\n\r\n").await;
    assert!(head.starts_with("http/1.1 400"), "{head}");
}
