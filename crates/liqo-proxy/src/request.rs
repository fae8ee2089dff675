//! The head of a proxy request: read up to its blank line, parsed (pure, apart from reading).

use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;

/// What a client asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `CONNECT host:port`: a tunnel to that authority.
    Connect {
        /// The authority as written, lower-cased.
        target: String,
    },
    /// `GET /healthz`: the liveness/readiness probe.
    Health,
    /// Any other method or path, as `METHOD path` for the answer.
    Other(String),
}

/// Why a head could not be read or parsed: each maps to an HTTP status for the answer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeadError {
    /// The connection ended before the blank line.
    #[error("connection closed before the end of the request head")]
    Closed,
    /// More than [`MAX_HEAD`] bytes without a blank line.
    #[error("request head larger than {MAX_HEAD} bytes")]
    TooLarge,
    /// Not `METHOD target HTTP/1.x`.
    #[error("malformed request line {0:?}")]
    Malformed(String),
}

impl HeadError {
    /// The status line of the answer, or `None` when nobody is left to answer.
    pub fn status(&self) -> Option<&'static str> {
        match self {
            Self::Closed => None,
            Self::TooLarge => Some("431 Request Header Fields Too Large"),
            Self::Malformed(_) => Some("400 Bad Request"),
        }
    }
}

/// Reads the head from `reader`; returns it parsed, and any bytes that came after the blank
/// line (a client may send its TLS hello right behind the CONNECT).
///
/// # Errors
/// See [`HeadError`]; I/O errors count as [`HeadError::Closed`].
pub async fn read_head<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<(Request, Vec<u8>), HeadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = find_blank_line(&buf) {
            let rest = buf.split_off(end);
            return Ok((parse(&buf)?, rest));
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        let n = reader
            .read(&mut chunk)
            .await
            .map_err(|_| HeadError::Closed)?;
        if n == 0 {
            return Err(HeadError::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Offset just past the first `\r\n\r\n` (or bare `\n\n`, which lenient clients send).
fn find_blank_line(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses the request line of `head`; headers are ignored (a `Proxy-Authorization` header is
/// never read, so never logged).
///
/// # Errors
/// [`HeadError::Malformed`] unless the first line is `METHOD target HTTP/1.x`.
pub fn parse(head: &[u8]) -> Result<Request, HeadError> {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..line_end]);
    let line = line.trim_end_matches('\r');
    let malformed = || HeadError::Malformed(truncate(line));
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(malformed());
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(malformed());
    }
    Ok(match (method, target) {
        ("CONNECT", target) => Request::Connect {
            target: target.to_ascii_lowercase(),
        },
        ("GET" | "HEAD", "/healthz") => Request::Health,
        (method, target) => Request::Other(format!("{method} {}", truncate(target))),
    })
}

/// At most 100 characters of untrusted text, for messages and logs.
fn truncate(text: &str) -> String {
    text.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connect_names_its_target_lower_cased() {
        let head = b"CONNECT API.Example:6443 HTTP/1.1\r\nHost: api.example:6443\r\n\r\n";
        assert_eq!(
            parse(head),
            Ok(Request::Connect {
                target: "api.example:6443".into()
            })
        );
    }

    #[test]
    fn health_and_other_requests_are_told_apart() {
        assert_eq!(parse(b"GET /healthz HTTP/1.1\r\n\r\n"), Ok(Request::Health));
        assert_eq!(
            parse(b"GET http://10.0.0.1/ HTTP/1.1\r\n\r\n"),
            Ok(Request::Other("GET http://10.0.0.1/".into()))
        );
    }

    #[test]
    fn a_line_that_is_not_http_is_malformed() {
        for line in [
            &b"CONNECT\r\n\r\n"[..],
            b"CONNECT a:1 SPDY/3\r\n\r\n",
            b"CONNECT a:1 HTTP/1.1 extra\r\n\r\n",
            b"\r\n\r\n",
        ] {
            assert!(
                matches!(parse(line), Err(HeadError::Malformed(_))),
                "{line:?}"
            );
        }
    }

    #[tokio::test]
    async fn bytes_after_the_head_are_kept_for_the_tunnel() {
        let mut input: &[u8] = b"CONNECT a:443 HTTP/1.1\r\n\r\n\x16\x03\x01hello";
        let (request, rest) = read_head(&mut input).await.unwrap();
        assert_eq!(
            request,
            Request::Connect {
                target: "a:443".into()
            }
        );
        assert_eq!(rest, b"\x16\x03\x01hello");
    }

    #[tokio::test]
    async fn an_endless_head_is_refused_and_a_cut_one_is_closed() {
        let big = vec![b'a'; MAX_HEAD + 4096];
        let mut input: &[u8] = &big;
        assert_eq!(read_head(&mut input).await, Err(HeadError::TooLarge));
        let mut cut: &[u8] = b"CONNECT a:443 HTTP/1.1\r\n";
        assert_eq!(read_head(&mut cut).await, Err(HeadError::Closed));
        assert_eq!(HeadError::Closed.status(), None);
    }
}
