//! `/healthz` and `/readyz` on `--health-probe-bind-address`, so upstream templates with
//! kubelet probes keep working. The process serves them once its tunnel is up.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A Go-style listen address: `:8083` (all interfaces), `host:port`; empty or `0` disables.
pub fn parse_bind_address(address: &str) -> Option<SocketAddr> {
    match address {
        "" | "0" => None,
        a if a.starts_with(':') => format!("0.0.0.0{a}").parse().ok(),
        a => a.parse().ok(),
    }
}

/// The response to one request line: 200 `ok` for the probe paths, 404 otherwise.
pub fn respond(request_line: &str) -> &'static str {
    let path = request_line.split_whitespace().nth(1).unwrap_or_default();
    match path {
        "/healthz" | "/readyz" => {
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        }
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    }
}

/// Serves probes on `listener` forever.
pub async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let line = request.lines().next().unwrap_or_default();
            let _ = stream.write_all(respond(line).as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
