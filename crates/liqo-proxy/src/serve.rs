//! The accept loop and one connection's life: head, decision, tunnel.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::request::{self, Request};
use crate::targets::Targets;

/// How long a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long dialling the API server may take before the client gets a 504.
const DIAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `listener` until `shutdown` completes; tunnels already open are cut then (their
/// clients reconnect, as they do when the pod is replaced).
pub async fn serve(listener: TcpListener, targets: Targets, shutdown: impl Future<Output = ()>) {
    let targets = Arc::new(targets);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: the next accept may succeed.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let targets = Arc::clone(&targets);
        tokio::spawn(async move { handle(stream, peer, &targets).await });
    }
}

async fn handle(mut client: TcpStream, peer: SocketAddr, targets: &Targets) {
    let _ = client.set_nodelay(true);
    let head = tokio::time::timeout(HEAD_TIMEOUT, request::read_head(&mut client)).await;
    let (request, early) = match head {
        Err(_) => {
            let _ = answer(
                &mut client,
                "408 Request Timeout",
                "request head not received in time\n",
            )
            .await;
            return;
        }
        Ok(Err(e)) => {
            tracing::debug!(%peer, "bad request: {e}");
            if let Some(status) = e.status() {
                let _ = answer(&mut client, status, &format!("{e}\n")).await;
            }
            return;
        }
        Ok(Ok(parsed)) => parsed,
    };
    match request {
        Request::Health => {
            let _ = answer(&mut client, "200 OK", "ok\n").await;
        }
        Request::Other(what) => {
            tracing::info!(%peer, "refused {what}: only CONNECT is served");
            let _ = answer(
                &mut client,
                "405 Method Not Allowed",
                "liqo-proxy serves only CONNECT to this cluster's API server\n",
            )
            .await;
        }
        Request::Connect { target } if !targets.allows(&target) => {
            tracing::warn!(%peer, %target, "refused CONNECT: not this cluster's API server");
            let body = format!(
                "liqo-proxy forwards only to this cluster's API server ({}); CONNECT to {target} refused\n",
                targets.upstream
            );
            let _ = answer(&mut client, "403 Forbidden", &body).await;
        }
        Request::Connect { target } => {
            tunnel(client, peer, &target, &targets.upstream, &early).await
        }
    }
}

/// Dials the API server and copies bytes both ways until either side closes.
async fn tunnel(
    mut client: TcpStream,
    peer: SocketAddr,
    target: &str,
    upstream: &str,
    early: &[u8],
) {
    let started = Instant::now();
    let dialled = tokio::time::timeout(DIAL_TIMEOUT, TcpStream::connect(upstream)).await;
    let mut server = match dialled {
        Ok(Ok(server)) => server,
        Ok(Err(e)) => {
            tracing::warn!(%peer, %upstream, "cannot reach the API server: {e}");
            let _ = answer(
                &mut client,
                "502 Bad Gateway",
                &format!("cannot reach the API server {upstream}: {e}\n"),
            )
            .await;
            return;
        }
        Err(_) => {
            tracing::warn!(%peer, %upstream, "the API server did not answer in {DIAL_TIMEOUT:?}");
            let _ = answer(
                &mut client,
                "504 Gateway Timeout",
                &format!("the API server {upstream} did not answer in {DIAL_TIMEOUT:?}\n"),
            )
            .await;
            return;
        }
    };
    let _ = server.set_nodelay(true);
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
        || server.write_all(early).await.is_err()
    {
        return;
    }
    tracing::info!(%peer, %target, "tunnel open");
    let (up, down) = tokio::io::copy_bidirectional(&mut client, &mut server)
        .await
        .unwrap_or_default();
    tracing::info!(
        %peer,
        %target,
        up,
        down,
        seconds = started.elapsed().as_secs_f32(),
        "tunnel closed"
    );
}

/// A complete plain-text answer; the connection closes after it.
async fn answer<W: AsyncWrite + Unpin>(w: &mut W, status: &str, body: &str) -> std::io::Result<()> {
    let message = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    w.write_all(message.as_bytes()).await?;
    w.shutdown().await
}
