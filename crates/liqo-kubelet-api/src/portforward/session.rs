//! The SPDY server of one port-forward connection, as the kubelet runs it: kubectl opens an
//! `error` and a `data` stream per forwarded connection (headers `streamtype`, `port`,
//! `requestid`), each answered with SYN_REPLY at once; once both streams of a request id are
//! open, the backend is asked for the port and bytes flow both ways on the data stream. A
//! failure is written as text on the error stream; the error stream is closed when the data
//! stream's forwarding ends.
//!
//! Flow control: SPDY/3.1 gives every stream and the session a 64 KiB send window that the
//! peer widens with WINDOW_UPDATE. kubectl's spdystream neither sends WINDOW_UPDATE nor heeds
//! it (nor does the kubelet's), so a window is only enforced once the peer shows it keeps one
//! (a WINDOW_UPDATE, or SETTINGS with an initial window); WINDOW_UPDATEs for what we consume
//! are always sent, and ignored by spdystream.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::Target;
use super::flow::Flow;
use super::spdy::{self, Frame, HeaderDecoder, HeaderEncoder, SpdyError};

/// Bytes read from the pod per DATA frame (client-go copies in 32 KiB too).
const CHUNK: usize = 32 * 1024;

/// What the peer sent on a data stream.
#[derive(Debug)]
enum Inbound {
    Data(Bytes),
    /// The peer will send no more (FLAG_FIN). A closed channel without it is a reset.
    Fin,
}

/// The streams of one request id, as they open.
#[derive(Default)]
struct Pending {
    data: Option<(u32, u16, mpsc::Receiver<Inbound>)>,
    error: Option<u32>,
}

/// A request id whose two streams are open.
struct Pair {
    data: u32,
    error: u32,
    port: u16,
    inbound: mpsc::Receiver<Inbound>,
}

/// Serves port-forward streams on `io` until the peer closes it; forwarded connections still
/// open then are dropped.
pub(super) async fn serve<S>(io: S, target: Target)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, writer) = tokio::io::split(io);
    let (out, frames) = mpsc::channel(64);
    let writer = tokio::spawn(write_frames(writer, frames));
    let mut conn = Connection {
        out,
        flow: Arc::new(Flow::new()),
        inbound: HashMap::new(),
        pending: HashMap::new(),
        forwards: JoinSet::new(),
        gone_away: false,
        last_stream: 0,
        target,
    };
    let mut headers = HeaderDecoder::new();
    loop {
        while conn.forwards.try_join_next().is_some() {}
        match spdy::read_frame(&mut reader, &mut headers).await {
            Ok(Some(frame)) => conn.on_frame(frame).await,
            Ok(None) => break,
            Err(e) => {
                tracing::debug!(error = %e, "port-forward connection ends");
                if matches!(e, SpdyError::Malformed(_) | SpdyError::Zlib(_)) {
                    let last_good = conn.last_stream;
                    let _ = conn
                        .out
                        .send(Frame::GoAway {
                            last_good,
                            status: spdy::PROTOCOL_ERROR,
                        })
                        .await;
                }
                break;
            }
        }
    }
    conn.forwards.abort_all();
    drop(conn);
    let _ = writer.await;
}

/// The reader's view of the connection.
struct Connection {
    out: mpsc::Sender<Frame>,
    flow: Arc<Flow>,
    /// Open data streams the peer may still send on.
    inbound: HashMap<u32, mpsc::Sender<Inbound>>,
    pending: HashMap<String, Pending>,
    forwards: JoinSet<()>,
    gone_away: bool,
    last_stream: u32,
    target: Target,
}

impl Connection {
    async fn on_frame(&mut self, frame: Frame) {
        match frame {
            Frame::SynStream {
                stream,
                fin,
                headers,
                ..
            } => self.open(stream, fin, &headers).await,
            Frame::Data { stream, fin, data } => self.receive(stream, fin, data).await,
            Frame::RstStream { stream, .. } => {
                // Dropping the sender tells the forwarding the peer is gone.
                self.inbound.remove(&stream);
                self.flow.close(stream);
            }
            Frame::Settings(entries) => {
                for (id, value) in entries {
                    if id == spdy::SETTINGS_INITIAL_WINDOW_SIZE {
                        self.flow.set_initial(value);
                    }
                }
            }
            // We send no pings, so every ping is the peer's, answered with its id.
            Frame::Ping(id) => self.send(Frame::Ping(id)).await,
            Frame::WindowUpdate { stream, delta } => self.flow.widen(stream, delta),
            Frame::GoAway { .. } => self.gone_away = true,
            Frame::SynReply { .. } | Frame::Headers { .. } | Frame::Other(_) => {}
        }
    }

    async fn send(&self, frame: Frame) {
        let _ = self.out.send(frame).await;
    }

    async fn reset(&self, stream: u32, status: u32) {
        self.send(Frame::RstStream { stream, status }).await;
    }

    /// A SYN_STREAM: checked, answered, and paired with its request id's other stream.
    async fn open(&mut self, stream: u32, fin: bool, headers: &spdy::Headers) {
        if self.gone_away {
            return self.reset(stream, spdy::REFUSED_STREAM).await;
        }
        // Client streams are odd and increasing.
        if stream.is_multiple_of(2) || stream <= self.last_stream {
            return self.reset(stream, spdy::PROTOCOL_ERROR).await;
        }
        self.last_stream = stream;
        let (kind, port) = match stream_kind(headers) {
            Ok(found) => found,
            Err(why) => {
                tracing::debug!(stream, %why, "port-forward stream rejected");
                return self.reset(stream, spdy::CANCEL).await;
            }
        };
        let request_id = spdy::header(headers, "requestid").map_or_else(
            // Clients before request ids open error then data with consecutive ids.
            || match kind {
                Kind::Error => stream.to_string(),
                Kind::Data => stream.saturating_sub(2).to_string(),
            },
            str::to_string,
        );
        let pending = self.pending.entry(request_id.clone()).or_default();
        let taken = match kind {
            Kind::Data => pending.data.is_some(),
            Kind::Error => pending.error.is_some(),
        };
        if taken {
            tracing::debug!(stream, %request_id, "a second stream of one type for a request");
            return self.reset(stream, spdy::PROTOCOL_ERROR).await;
        }
        match kind {
            Kind::Error => pending.error = Some(stream),
            Kind::Data => {
                let (tx, rx) = mpsc::channel(64);
                pending.data = Some((stream, port, rx));
                self.flow.open(stream);
                if fin {
                    let _ = tx.try_send(Inbound::Fin);
                } else {
                    self.inbound.insert(stream, tx);
                }
            }
        }
        self.send(Frame::SynReply {
            stream,
            fin: false,
            headers: Vec::new(),
        })
        .await;
        if let Some(pair) = self.complete(&request_id) {
            let (target, out, flow) = (self.target.clone(), self.out.clone(), self.flow.clone());
            self.forwards.spawn(forward(pair, target, out, flow));
        }
    }

    fn complete(&mut self, request_id: &str) -> Option<Pair> {
        let pending = self.pending.get(request_id)?;
        if pending.data.is_none() || pending.error.is_none() {
            return None;
        }
        let pending = self.pending.remove(request_id)?;
        let (data, port, inbound) = pending.data?;
        Some(Pair {
            data,
            error: pending.error?,
            port,
            inbound,
        })
    }

    async fn receive(&mut self, stream: u32, fin: bool, data: Bytes) {
        let Some(tx) = self.inbound.get(&stream) else {
            // The error stream's bytes (kubectl sends none), or a stream already gone.
            return;
        };
        if !data.is_empty() && tx.send(Inbound::Data(data)).await.is_err() {
            self.inbound.remove(&stream);
            return;
        }
        if fin {
            let _ = tx.send(Inbound::Fin).await;
            self.inbound.remove(&stream);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Data,
    Error,
}

/// The stream's type and port, or why its headers are not a port-forward stream's.
fn stream_kind(headers: &spdy::Headers) -> Result<(Kind, u16), String> {
    let port = spdy::header(headers, "port").ok_or("\"port\" header is required")?;
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("port {port:?} is not 1-65535"))?;
    match spdy::header(headers, "streamtype") {
        Some("data") => Ok((Kind::Data, port)),
        Some("error") => Ok((Kind::Error, port)),
        Some(other) => Err(format!("invalid stream type {other:?}")),
        None => Err("\"streamtype\" header is required".into()),
    }
}

/// How the pod-to-peer direction ended.
enum Ended {
    /// The pod closed its side.
    Eof,
    /// Reading the pod failed.
    Failed(std::io::Error),
    /// The peer reset the data stream or left.
    PeerGone,
}

/// One forwarded connection: connects to the pod's port and copies both ways until the pod
/// closes its side or the peer resets the data stream, then closes the error stream.
async fn forward(pair: Pair, target: Target, out: mpsc::Sender<Frame>, flow: Arc<Flow>) {
    let Pair {
        data,
        error,
        port,
        mut inbound,
    } = pair;
    let ended = match target.connect(port).await {
        Err(refusal) => Ended::Failed(std::io::Error::other(refusal.message)),
        Ok(stream) => {
            let (mut from_pod, mut to_pod) = tokio::io::split(stream);
            let down = pod_to_peer(&mut from_pod, data, &out, &flow);
            let up = peer_to_pod(&mut inbound, &mut to_pod, data, &out);
            tokio::pin!(down, up);
            let mut up_done = false;
            loop {
                tokio::select! {
                    ended = &mut down => break ended,
                    reset = &mut up, if !up_done => {
                        if reset { break Ended::PeerGone }
                        up_done = true;
                    }
                }
            }
        }
    };
    flow.close(data);
    if let Ended::Failed(e) = &ended {
        // As the kubelet reports it; kubectl prints it and drops the connection.
        let message = target.failure(port, &e.to_string());
        let _ = out
            .send(Frame::Data {
                stream: error,
                fin: false,
                data: Bytes::from(message),
            })
            .await;
        let _ = out
            .send(Frame::RstStream {
                stream: data,
                status: spdy::CANCEL,
            })
            .await;
    }
    let _ = out
        .send(Frame::Data {
            stream: error,
            fin: true,
            data: Bytes::new(),
        })
        .await;
}

/// Copies the pod's bytes onto the data stream as its windows allow; FIN at the pod's end.
async fn pod_to_peer<R: AsyncRead + Unpin>(
    from_pod: &mut R,
    stream: u32,
    out: &mpsc::Sender<Frame>,
    flow: &Flow,
) -> Ended {
    let mut buf = vec![0; CHUNK];
    loop {
        let n = match from_pod.read(&mut buf).await {
            Ok(0) => {
                let fin = Frame::Data {
                    stream,
                    fin: true,
                    data: Bytes::new(),
                };
                return if out.send(fin).await.is_ok() {
                    Ended::Eof
                } else {
                    Ended::PeerGone
                };
            }
            Ok(n) => n,
            Err(e) => return Ended::Failed(e),
        };
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            let Some(allowed) = flow.take(stream, rest.len()).await else {
                return Ended::PeerGone;
            };
            let (now, later) = rest.split_at(allowed);
            let frame = Frame::Data {
                stream,
                fin: false,
                data: Bytes::copy_from_slice(now),
            };
            if out.send(frame).await.is_err() {
                return Ended::PeerGone;
            }
            rest = later;
        }
    }
}

/// Writes the peer's bytes to the pod, widening the peer's windows by what was written;
/// shuts the pod's side at FIN. True when the peer reset the stream instead.
async fn peer_to_pod<W: AsyncWrite + Unpin>(
    inbound: &mut mpsc::Receiver<Inbound>,
    to_pod: &mut W,
    stream: u32,
    out: &mpsc::Sender<Frame>,
) -> bool {
    while let Some(item) = inbound.recv().await {
        match item {
            Inbound::Data(bytes) => {
                if to_pod.write_all(&bytes).await.is_err() || to_pod.flush().await.is_err() {
                    // The pod stopped reading: its end of the copy decides.
                    return std::future::pending().await;
                }
                let delta = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
                for id in [stream, 0] {
                    let _ = out.send(Frame::WindowUpdate { stream: id, delta }).await;
                }
            }
            Inbound::Fin => {
                let _ = to_pod.shutdown().await;
                return false;
            }
        }
    }
    true
}

/// Encodes and writes frames in order until every sender is gone or the peer stops reading.
async fn write_frames<W: AsyncWrite + Unpin>(mut w: W, mut frames: mpsc::Receiver<Frame>) {
    let mut headers = HeaderEncoder::new();
    let mut buf = BytesMut::new();
    while let Some(frame) = frames.recv().await {
        buf.clear();
        let mut result = spdy::encode(&frame, &mut headers, &mut buf);
        // What is already queued goes out in the same write.
        while result.is_ok() && buf.len() < 256 * 1024 {
            let Ok(frame) = frames.try_recv() else { break };
            result = spdy::encode(&frame, &mut headers, &mut buf);
        }
        if let Err(e) = result {
            tracing::debug!(error = %e, "port-forward frame not encoded");
            return;
        }
        if w.write_all(&buf).await.is_err() || w.flush().await.is_err() {
            return;
        }
    }
    let _ = w.shutdown().await;
}
