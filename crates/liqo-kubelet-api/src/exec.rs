//! `/exec`: `kubectl exec` as the API server forwards it to a node that declares
//! `ExtendWebSocketsToKubelet` — a WebSocket upgrade with the Kubernetes channel protocol
//! (`v5.channel.k8s.io`, else `v4`): each binary message starts with its stream (0 stdin,
//! 1 stdout, 2 stderr, 3 the final Status, 4 resize; v5's 255 closes a stream), and the session
//! ends with the exit Status on stream 3. SPDY is not served.

use std::pin::Pin;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::Refusal;
use crate::server::Body;

/// The channel protocols served, preferred first.
const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const STATUS: u8 = 3;
const CLOSE: u8 = 255;

/// Which container runs what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// The pod's namespace (the caller's cluster).
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// The command and its arguments.
    pub command: Vec<String>,
    /// Whether the caller sends stdin.
    pub stdin: bool,
    /// Whether the caller wants stdout.
    pub stdout: bool,
    /// Whether the caller wants stderr.
    pub stderr: bool,
    /// Whether the caller asked for a terminal (passed on; testenv has none).
    pub tty: bool,
}

/// How the command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// It could not run, or ended without a code: the message says why.
    Failed(String),
}

/// A started command: its streams (as asked for) and its end.
pub struct ExecSession {
    /// Where the caller's stdin goes.
    pub stdin: Option<Pin<Box<dyn AsyncWrite + Send>>>,
    /// The command's stdout.
    pub stdout: Option<Pin<Box<dyn AsyncRead + Send>>>,
    /// The command's stderr.
    pub stderr: Option<Pin<Box<dyn AsyncRead + Send>>>,
    /// Resolves when it has ended.
    pub exit: BoxFuture<'static, Exit>,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession").finish_non_exhaustive()
    }
}

impl ExecSession {
    /// A session that only reports `message` as its failure.
    pub fn failed(message: String) -> Self {
        Self {
            stdin: None,
            stdout: None,
            stderr: None,
            exit: Box::pin(async move { Exit::Failed(message) }),
        }
    }
}

impl ExecRequest {
    /// The request for `namespace/pod/container` with `query` (`command` repeated, booleans
    /// as `true|false|1|0`).
    ///
    /// # Errors
    /// 400 when there is no command.
    pub(crate) fn parse(
        namespace: &str,
        pod: &str,
        container: &str,
        query: &str,
    ) -> Result<Self, Refusal> {
        let request = Self::streams(namespace, pod, container, query);
        if request.command.is_empty() {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "exec needs a command (query parameter command)",
            ));
        }
        Ok(request)
    }

    /// An attach to `namespace/pod/container`: the streams of `query`, no command.
    pub(crate) fn attach(namespace: &str, pod: &str, container: &str, query: &str) -> Self {
        let mut request = Self::streams(namespace, pod, container, query);
        request.command.clear();
        request
    }

    fn streams(namespace: &str, pod: &str, container: &str, query: &str) -> Self {
        let mut request = Self {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.into(),
            command: Vec::new(),
            stdin: false,
            stdout: false,
            stderr: false,
            tty: false,
        };
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let on = matches!(value.as_ref(), "true" | "1");
            match key.as_ref() {
                "command" => request.command.push(value.into_owned()),
                "stdin" | "input" => request.stdin = on,
                "stdout" | "output" => request.stdout = on,
                "stderr" | "error" => request.stderr = on,
                "tty" => request.tty = on,
                _ => {}
            }
        }
        request
    }
}

/// The channel protocol of a WebSocket upgrade request, or why it is not one we serve.
pub(crate) fn negotiate(req: &Request<Incoming>) -> Result<&'static str, Refusal> {
    if !is_websocket(req) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "exec is served over WebSocket only (Upgrade: websocket; SPDY is not served)",
        ));
    }
    let offered = header_tokens(req, hyper::header::SEC_WEBSOCKET_PROTOCOL);
    PROTOCOLS
        .into_iter()
        .find(|p| offered.iter().any(|o| o == p))
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "no WebSocket protocol in common: offered {offered:?}, served {PROTOCOLS:?}"
                ),
            )
        })
}

/// The comma-separated values of every `name` header, trimmed and lowercased.
pub(crate) fn header_tokens(
    req: &Request<Incoming>,
    name: hyper::header::HeaderName,
) -> Vec<String> {
    req.headers()
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Whether `req` asks for a WebSocket.
pub(crate) fn is_websocket(req: &Request<Incoming>) -> bool {
    header_tokens(req, UPGRADE).iter().any(|v| v == "websocket")
        && req.headers().contains_key(SEC_WEBSOCKET_KEY)
}

/// Answers the upgrade and runs `session` over the WebSocket once the caller switches.
pub(crate) fn upgrade(
    mut req: Request<Incoming>,
    protocol: &'static str,
    session: ExecSession,
) -> Response<Body> {
    let (response, upgraded) = accept(&mut req, Some(protocol));
    tokio::spawn(async move {
        if let Some(ws) = open(upgraded).await {
            pump(ws, protocol == PROTOCOLS[0], session).await;
        }
    });
    response
}

/// The 101 that switches `req` to a WebSocket speaking `protocol` (none: no
/// `Sec-WebSocket-Protocol`), and the connection once switched.
pub(crate) fn accept(
    req: &mut Request<Incoming>,
    protocol: Option<&'static str>,
) -> (Response<Body>, hyper::upgrade::OnUpgrade) {
    let key = req
        .headers()
        .get(SEC_WEBSOCKET_KEY)
        .map(|k| derive_accept_key(k.as_bytes()))
        .unwrap_or_default();
    let upgraded = hyper::upgrade::on(req);
    let mut response = Response::new(crate::server::full(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&key) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(protocol) = protocol {
        headers.insert(
            hyper::header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static(protocol),
        );
    }
    (response, upgraded)
}

/// The server side of the WebSocket, once the caller has switched.
pub(crate) async fn open(upgraded: hyper::upgrade::OnUpgrade) -> Option<Socket> {
    match upgraded.await {
        Ok(io) => {
            Some(WebSocketStream::from_raw_socket(TokioIo::new(io), Role::Server, None).await)
        }
        Err(e) => {
            tracing::debug!(error = %e, "WebSocket upgrade failed");
            None
        }
    }
}

/// A switched kubelet API connection, as a WebSocket.
pub(crate) type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Moves bytes both ways until the command has ended and its output is sent, then sends the
/// exit Status and closes.
async fn pump<S>(ws: WebSocketStream<S>, v5: bool, session: ExecSession)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sink, mut incoming) = ws.split();
    let (out_tx, out_rx) = mpsc::channel::<Message>(16);
    let ExecSession {
        stdin,
        stdout,
        stderr,
        exit,
    } = session;
    let readers: Vec<_> = [(STDOUT, stdout), (STDERR, stderr)]
        .into_iter()
        .filter_map(|(channel, reader)| {
            Some(tokio::spawn(forward(channel, reader?, out_tx.clone())))
        })
        .collect();
    // The end: output drained, then the exit, then the Status message.
    let finisher = tokio::spawn(async move {
        for reader in readers {
            let _ = reader.await;
        }
        let status = status_message(&exit.await);
        let _ = out_tx
            .send(Message::Binary(framed(STATUS, status.as_bytes())))
            .await;
    });
    let writer = tokio::spawn(send_then_close(sink, out_rx));
    let mut stdin = stdin;
    while let Some(Ok(message)) = incoming.next().await {
        match message {
            Message::Binary(data) if data.first() == Some(&STDIN) => {
                if let Some(w) = stdin.as_mut()
                    && (w.write_all(&data[1..]).await.is_err() || w.flush().await.is_err())
                {
                    stdin = None;
                }
            }
            // v5: the caller closed its stdin.
            Message::Binary(data) if v5 && data.as_ref() == [CLOSE, STDIN] => {
                if let Some(mut w) = stdin.take() {
                    let _ = w.shutdown().await;
                }
            }
            Message::Close(_) => break,
            _ => {}
        }
    }
    drop(stdin);
    // The caller is gone before the command ended (Ctrl-C, a dropped connection): nobody reads
    // its output any more, so it is stopped (dropping the session kills it) instead of left
    // running with this task waiting on it.
    if !finisher.is_finished() {
        finisher.abort();
    }
    let _ = finisher.await;
    let _ = writer.await;
}

/// Sends `reader`'s bytes on `channel` until it ends.
async fn forward(
    channel: u8,
    mut reader: Pin<Box<dyn AsyncRead + Send>>,
    out: mpsc::Sender<Message>,
) {
    let mut buf = vec![0; 16 * 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if out
                    .send(Message::Binary(framed(channel, &buf[..n])))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

fn framed(channel: u8, data: &[u8]) -> Bytes {
    let mut frame = Vec::with_capacity(data.len() + 1);
    frame.push(channel);
    frame.extend_from_slice(data);
    Bytes::from(frame)
}

/// The metav1.Status kubectl reads from stream 3: Success, or the exit code as a cause.
fn status_message(exit: &Exit) -> String {
    let value = match exit {
        Exit::Code(0) => serde_json::json!({"metadata": {}, "status": "Success"}),
        Exit::Code(code) => serde_json::json!({
            "metadata": {},
            "status": "Failure",
            "message": format!("command terminated with non-zero exit code: exit status {code}"),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
        }),
        Exit::Failed(message) => serde_json::json!({
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": "InternalError",
        }),
    };
    value.to_string()
}

/// Sends `queued` in order, then a normal closure (client-go reads it as the end of every
/// stream, any other as an error); stops early when the peer stops reading.
pub(crate) async fn send_then_close<S>(mut sink: S, mut queued: mpsc::Receiver<Message>)
where
    S: futures::Sink<Message> + Unpin,
{
    while let Some(message) = queued.recv().await {
        if sink.send(message).await.is_err() {
            return;
        }
    }
    let normal = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = sink.send(Message::Close(Some(normal))).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_gives_the_command_and_streams() {
        let req = ExecRequest::parse(
            "demo",
            "web",
            "demo",
            "command=sh&command=-c&command=echo+a%26b&stdin=true&stdout=true&stderr=1",
        )
        .unwrap();
        assert_eq!(req.command, ["sh", "-c", "echo a&b"]);
        assert!(req.stdin && req.stdout && req.stderr && !req.tty);
        let none = ExecRequest::parse("demo", "web", "demo", "stdout=true").unwrap_err();
        assert_eq!(none.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn exit_codes_become_the_status_kubectl_reads() {
        assert!(status_message(&Exit::Code(0)).contains("\"Success\""));
        let failed: serde_json::Value =
            serde_json::from_str(&status_message(&Exit::Code(3))).unwrap();
        assert_eq!(failed["reason"], "NonZeroExitCode");
        assert_eq!(failed["details"]["causes"][0]["message"], "3");
    }
}
