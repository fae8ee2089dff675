//! `/healthz`, `/readyz` and Prometheus `/metrics` over a minimal HTTP/1.1 server: three
//! fixed GET endpoints need no framework.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use prometheus_client::registry::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head read; probes and scrapes send a few hundred bytes.
const MAX_REQUEST: usize = 8 * 1024;

/// Health state shared between the manager and the probe server.
#[derive(Debug, Default)]
pub struct Health {
    ready: AtomicBool,
}

impl Health {
    /// Marks the process ready (or not) for `/readyz`.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Relaxed);
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }
}

/// Serves the probes on `addr` (and the metrics, when `registry` is given) until the task is
/// dropped.
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve(
    addr: SocketAddr,
    health: Arc<Health>,
    registry: Option<Arc<Registry>>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let listener = TcpListener::bind(addr).await?;
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (health, registry) = (health.clone(), registry.clone());
            tokio::spawn(async move {
                if let Err(e) = answer(stream, &health, registry.as_deref()).await {
                    tracing::debug!(error = %e, "probe connection failed");
                }
            });
        }
    }))
}

async fn answer(
    mut stream: TcpStream,
    health: &Health,
    registry: Option<&Registry>,
) -> std::io::Result<()> {
    let mut buf = vec![0; MAX_REQUEST];
    let n = stream.read(&mut buf).await?;
    let head = String::from_utf8_lossy(&buf[..n]);
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("");
    let (status, content_type, body) = route(path, health, registry);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn route(
    path: &str,
    health: &Health,
    registry: Option<&Registry>,
) -> (&'static str, &'static str, String) {
    const TEXT: &str = "text/plain; charset=utf-8";
    match path {
        "/healthz" => ("200 OK", TEXT, "ok".into()),
        "/readyz" if health.is_ready() => ("200 OK", TEXT, "ok".into()),
        "/readyz" => ("503 Service Unavailable", TEXT, "not ready".into()),
        "/metrics" => match registry {
            Some(registry) => {
                let mut body = String::new();
                match prometheus_client::encoding::text::encode(&mut body, registry) {
                    Ok(()) => (
                        "200 OK",
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        body,
                    ),
                    Err(_) => (
                        "500 Internal Server Error",
                        TEXT,
                        "metrics encoding failed".into(),
                    ),
                }
            }
            None => ("404 Not Found", TEXT, "not found".into()),
        },
        _ => ("404 Not Found", TEXT, "not found".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readyz_follows_the_ready_flag_and_metrics_encode() {
        let health = Health::default();
        assert_eq!(route("/readyz", &health, None).0, "503 Service Unavailable");
        health.set_ready(true);
        assert_eq!(route("/readyz", &health, None).0, "200 OK");
        assert_eq!(route("/healthz", &health, None).2, "ok");
        let mut registry = Registry::default();
        let counter = prometheus_client::metrics::counter::Counter::<u64>::default();
        registry.register("liqo_test", "a test counter", counter.clone());
        counter.inc();
        let (status, _, body) = route("/metrics", &health, Some(&registry));
        assert_eq!(status, "200 OK");
        assert!(body.contains("liqo_test_total 1"), "{body}");
    }
}
