//! Port-forward over the WebSocket channel protocol, as the kubelet serves it: for the i-th
//! `port` parameter, channel 2i carries data both ways and channel 2i+1 the failures (server
//! to caller only). Each binary message is its channel's byte, then the payload; every channel
//! first carries the port, two bytes little-endian. One WebSocket is one connection per port;
//! it is closed (normal closure) once every port's forwarding has ended.

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use super::Target;
use crate::exec::Socket;

/// Serves `ports` of `target` on `ws` until they all end or the caller leaves.
pub(super) async fn serve(ws: Socket, ports: Vec<u16>, target: Target) {
    let (sink, mut messages) = ws.split();
    let (out, queued) = mpsc::channel::<Message>(16);
    let mut to_pods = Vec::new();
    let mut forwards = JoinSet::new();
    for (i, port) in ports.iter().copied().enumerate() {
        let Some(data) = u8::try_from(2 * i).ok().filter(|c| *c < u8::MAX) else {
            break;
        };
        for channel in [data, data + 1] {
            let _ = out
                .send(Message::Binary(framed(channel, &port.to_le_bytes())))
                .await;
        }
        let (tx, rx) = mpsc::channel(16);
        to_pods.push(tx);
        forwards.spawn(forward(port, data, rx, out.clone(), target.clone()));
    }
    drop(out);
    let writer = crate::exec::send_then_close(sink, queued);
    let reader = async move {
        while let Some(Ok(message)) = messages.next().await {
            match message {
                Message::Binary(bytes) => {
                    let Some((&channel, payload)) = bytes.split_first() else {
                        continue;
                    };
                    // Only data channels carry the caller's bytes.
                    let port = usize::from(channel / 2);
                    if channel % 2 == 0
                        && let Some(tx) = to_pods.get(port)
                        && !payload.is_empty()
                    {
                        let _ = tx.send(Bytes::copy_from_slice(payload)).await;
                    }
                }
                Message::Close(_) => return,
                _ => {}
            }
        }
    };
    tokio::select! {
        // Every port is done and the closure sent.
        () = writer => {}
        // The caller left: its connections to the pod are dropped.
        () = reader => forwards.abort_all(),
    }
}

/// One port: connects, then copies both ways until the pod closes its side; a failure goes on
/// the error channel.
async fn forward(
    port: u16,
    data: u8,
    mut from_caller: mpsc::Receiver<Bytes>,
    out: mpsc::Sender<Message>,
    target: Target,
) {
    let failure = match target.connect(port).await {
        Err(refusal) => Some(refusal.message),
        Ok(stream) => {
            let (mut from_pod, mut to_pod) = tokio::io::split(stream);
            let mut buf = vec![0; 32 * 1024];
            let mut caller_open = true;
            loop {
                tokio::select! {
                    read = from_pod.read(&mut buf) => match read {
                        Ok(0) => break None,
                        Ok(n) => {
                            let message = Message::Binary(framed(data, &buf[..n]));
                            if out.send(message).await.is_err() {
                                break None;
                            }
                        }
                        Err(e) => break Some(e.to_string()),
                    },
                    bytes = from_caller.recv(), if caller_open => match bytes {
                        Some(bytes) => {
                            if to_pod.write_all(&bytes).await.is_err() {
                                caller_open = false;
                            }
                        }
                        None => caller_open = false,
                    },
                }
            }
        }
    };
    if let Some(cause) = failure {
        let message = target.failure(port, &cause);
        let _ = out
            .send(Message::Binary(framed(data + 1, message.as_bytes())))
            .await;
    }
}

fn framed(channel: u8, payload: &[u8]) -> Bytes {
    let mut message = Vec::with_capacity(payload.len() + 1);
    message.push(channel);
    message.extend_from_slice(payload);
    Bytes::from(message)
}
