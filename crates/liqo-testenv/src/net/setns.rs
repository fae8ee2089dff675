//! Sockets in another network namespace: a scoped thread enters the namespace, makes the
//! socket and leaves; the socket stays bound to the namespace it was made in.

use std::net::SocketAddr;
use std::time::Duration;

/// Runs `f` on a thread inside network namespace `netns` (a name under `/run/netns`).
fn inside<T: Send>(
    netns: &str,
    f: impl FnOnce() -> std::io::Result<T> + Send,
) -> std::io::Result<T> {
    let path = format!("{}/{netns}", super::NETNS_DIR);
    std::thread::scope(|s| {
        s.spawn(|| {
            let ns = std::fs::File::open(&path)?;
            nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET)
                .map_err(std::io::Error::from)?;
            f()
        })
        .join()
        .expect("invariant: socket calls do not panic")
    })
}

/// A listener at `addr`, in `netns` when given, else in the caller's namespace.
///
/// # Errors
/// The namespace cannot be entered, or the address cannot be bound.
pub fn listen_in(
    netns: Option<&str>,
    addr: SocketAddr,
) -> std::io::Result<tokio::net::TcpListener> {
    let listener = match netns {
        None => std::net::TcpListener::bind(addr)?,
        Some(ns) => inside(ns, || std::net::TcpListener::bind(addr))?,
    };
    listener.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(listener)
}

/// A TCP connection to `addr` made from inside `netns` (when given), within `timeout`.
///
/// # Errors
/// The namespace cannot be entered, or the connection fails or times out.
pub async fn connect_in(
    netns: Option<&str>,
    addr: SocketAddr,
    timeout: Duration,
) -> std::io::Result<tokio::net::TcpStream> {
    let Some(ns) = netns else {
        return tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr))
            .await
            .map_err(|_| std::io::ErrorKind::TimedOut)?;
    };
    let ns = ns.to_string();
    // The connect blocks the thread it runs on: not a runtime worker.
    let stream = tokio::task::spawn_blocking(move || {
        inside(&ns, || std::net::TcpStream::connect_timeout(&addr, timeout))
    })
    .await
    .map_err(std::io::Error::other)??;
    stream.set_nonblocking(true)?;
    tokio::net::TcpStream::from_std(stream)
}
