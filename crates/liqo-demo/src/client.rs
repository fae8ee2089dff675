//! `liqo-demo get <url>`: one plain-HTTP `GET`, as `curl` in a pod would do it, so tests can
//! reach other pods and Services from inside a pod (`kubectl exec … -- liqo-demo get …`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Bound on connecting and on each read.
const TIMEOUT: Duration = Duration::from_secs(5);

/// `http://<ip>:<port><path>` split into the address and the path (pure).
///
/// # Errors
/// Anything else: the message names the URL and what is expected.
pub fn parse_url(url: &str) -> Result<(SocketAddr, String), String> {
    let bad =
        || format!("url {url:?} is not http://<ip>:<port>[/path] (no names: there is no DNS)");
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let addr = authority.parse::<SocketAddr>().map_err(|_| bad())?;
    Ok((addr, path))
}

/// The status code and body of `GET url`.
///
/// # Errors
/// A bad URL, or the connection failing (named with the address).
pub fn get(url: &str) -> Result<(u16, String), String> {
    let (addr, path) = parse_url(url)?;
    let failed = |e: std::io::Error| format!("GET {url}: {e}");
    let mut conn = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(failed)?;
    conn.set_read_timeout(Some(TIMEOUT)).map_err(failed)?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    conn.write_all(request.as_bytes()).map_err(failed)?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer).map_err(failed)?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or((answer.as_str(), ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("GET {url}: the answer is not HTTP: {head:?}"))?;
    Ok((code, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_an_address_and_a_path() {
        let (addr, path) = parse_url("http://10.96.0.20:80/after-16s").unwrap();
        assert_eq!(addr, "10.96.0.20:80".parse().unwrap());
        assert_eq!(path, "/after-16s");
        assert_eq!(parse_url("http://10.0.0.1:8080").unwrap().1, "/");
        for bad in [
            "https://10.0.0.1:443/",
            "http://web:80/",
            "http://10.0.0.1/",
            "10.0.0.1:80",
        ] {
            let e = parse_url(bad).unwrap_err();
            assert!(e.contains(bad) && e.contains("http://<ip>:<port>"), "{e}");
        }
    }

    #[test]
    fn a_real_server_answers_with_its_code_and_body() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            assert!(String::from_utf8_lossy(&head).starts_with("GET /x HTTP/1.1\r\n"));
            s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone")
                .unwrap();
        });
        assert_eq!(
            get(&format!("http://{addr}/x")).unwrap(),
            (404, "gone".into())
        );
        let refused = get("http://127.0.0.1:1/").unwrap_err();
        assert!(
            refused.starts_with("GET http://127.0.0.1:1/: "),
            "{refused}"
        );
    }
}
