//! HTTP readiness probes, as the kubelet sends them.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Bound on one probe (the kubelet's default `timeoutSeconds`).
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET http://host:port/path` answered with 2xx or 3xx, sent from network namespace `netns`
/// (the pod's own, where its address is local), else from the agent's.
pub async fn http_get(netns: Option<&str>, host: &str, port: u16, path: &str) -> bool {
    tokio::time::timeout(PROBE_TIMEOUT, get(netns, host, port, path))
        .await
        .unwrap_or(false)
}

async fn get(netns: Option<&str>, host: &str, port: u16, path: &str) -> bool {
    let Ok(ip) = host.parse::<std::net::IpAddr>() else {
        return false;
    };
    let addr = std::net::SocketAddr::new(ip, port);
    let Ok(mut stream) = crate::net::connect_in(netns, addr, PROBE_TIMEOUT).await else {
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
