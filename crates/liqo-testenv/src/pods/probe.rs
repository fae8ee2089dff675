//! HTTP readiness probes, as the kubelet sends them.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound on one probe (the kubelet's default `timeoutSeconds`).
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET http://host:port/path` answered with 2xx or 3xx.
pub async fn http_get(host: &str, port: u16, path: &str) -> bool {
    tokio::time::timeout(PROBE_TIMEOUT, get(host, port, path))
        .await
        .unwrap_or(false)
}

async fn get(host: &str, port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect((host, port)).await else {
        return false;
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kube-probe/liqo-testenv\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    let Ok(n) = stream.read(&mut head).await else {
        return false;
    };
    // "HTTP/1.1 200 ..." : the status code is the second word.
    let line = String::from_utf8_lossy(&head[..n]);
    let code: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (200..400).contains(&code)
}
