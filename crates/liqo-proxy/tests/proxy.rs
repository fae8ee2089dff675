//! The proxy over real TCP on loopback: an echo server plays the API server.

use std::net::SocketAddr;

use liqo_proxy::targets::Targets;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An echo server (the "API server") and a proxy in front of it that also accepts
/// `api.example:6443`; returns (proxy, upstream).
async fn start() -> (SocketAddr, SocketAddr) {
    let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = upstream.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = s.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    let targets = Targets::new(
        &format!("https://{upstream_addr}"),
        &["https://api.example:6443".into()],
    )
    .unwrap();
    (serve(targets).await, upstream_addr)
}

/// A proxy for `targets` on a loopback port; its address.
async fn serve(targets: Targets) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = listener.local_addr().unwrap();
    tokio::spawn(liqo_proxy::serve::serve(
        listener,
        targets,
        std::future::pending(),
    ));
    proxy
}

/// Sends `request` and returns everything the proxy answers until it closes.
async fn exchange(proxy: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(proxy).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

/// Reads up to and including the blank line of an answer's head.
async fn read_head(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(
            s.read(&mut byte).await.unwrap(),
            1,
            "closed in the head: {head:?}"
        );
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

#[tokio::test]
async fn a_connect_to_the_api_server_tunnels_bytes_both_ways_including_early_ones() {
    let (proxy, upstream) = start().await;
    for target in [
        upstream.to_string(),
        "API.example:6443".into(),
        "kubernetes.default.svc:443".into(),
    ] {
        let mut s = TcpStream::connect(proxy).await.unwrap();
        // The first bytes of the tunnel travel in the same segment as the CONNECT.
        s.write_all(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic c2VjcmV0\r\n\r\nhello ").as_bytes())
            .await
            .unwrap();
        let head = read_head(&mut s).await;
        assert!(head.starts_with("HTTP/1.1 200 "), "{target}: {head}");
        s.write_all(b"world").await.unwrap();
        let mut echoed = [0u8; 11];
        s.read_exact(&mut echoed).await.unwrap();
        assert_eq!(&echoed, b"hello world", "{target}");
    }
}

#[tokio::test]
async fn a_connect_to_anything_else_is_refused_and_never_dialled() {
    let (proxy, upstream) = start().await;
    let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_addr = other.local_addr().unwrap();
    for target in [
        other_addr.to_string(),
        format!("{}:22", upstream.ip()),
        "kubernetes.default.svc:80".into(),
    ] {
        let answer = exchange(proxy, &format!("CONNECT {target} HTTP/1.1\r\n\r\n")).await;
        assert!(
            answer.starts_with("HTTP/1.1 403 Forbidden"),
            "{target}: {answer}"
        );
        assert!(
            answer.contains(&format!("CONNECT to {target} refused")),
            "{answer}"
        );
        assert!(
            answer.contains(&upstream.to_string()),
            "names the API server: {answer}"
        );
    }
    // The first connection the other server ever accepts is this one, not the proxy's.
    let ours = TcpStream::connect(other_addr).await.unwrap();
    let (_, from) = other.accept().await.unwrap();
    assert_eq!(from, ours.local_addr().unwrap());
}

#[tokio::test]
async fn probes_other_methods_and_garbage_get_plain_answers() {
    let (proxy, _) = start().await;
    let health = exchange(proxy, "GET /healthz HTTP/1.1\r\n\r\n").await;
    assert!(
        health.starts_with("HTTP/1.1 200 OK") && health.ends_with("ok\n"),
        "{health}"
    );
    let get = exchange(proxy, "GET http://10.0.0.1/ HTTP/1.1\r\n\r\n").await;
    assert!(get.starts_with("HTTP/1.1 405 "), "{get}");
    let garbage = exchange(proxy, "\x16\x03\x01 not http\r\n\r\n").await;
    assert!(garbage.starts_with("HTTP/1.1 400 "), "{garbage}");
}

#[tokio::test]
async fn an_api_server_that_is_down_gives_a_502_naming_it() {
    // Bound then dropped: nothing listens on that port any more.
    let gone = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gone_addr = gone.local_addr().unwrap();
    drop(gone);
    let targets = Targets::new(&gone_addr.to_string(), &[]).unwrap();
    let proxy = serve(targets).await;
    let answer = exchange(proxy, &format!("CONNECT {gone_addr} HTTP/1.1\r\n\r\n")).await;
    assert!(answer.starts_with("HTTP/1.1 502 Bad Gateway"), "{answer}");
    assert!(
        answer.contains(&format!("cannot reach the API server {gone_addr}")),
        "{answer}"
    );
}
