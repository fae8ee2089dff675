//! The server: one thread per connection, one request per connection (`Connection: close`),
//! enough for `curl`, probes and tests.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// Default listen port.
pub const DEFAULT_PORT: u16 = 8080;
/// Default path of the mounted Secret file.
pub const DEFAULT_SECRET_FILE: &str = "/etc/demo/secret";
/// How long a client may take to send its request line and headers.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server reports about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub pod: String,
    pub namespace: String,
    pub pod_ip: String,
    pub message: String,
    pub secret_file: String,
}

impl Identity {
    /// Reads the identity from environment variables (see the crate docs).
    pub fn from_env(vars: &BTreeMap<String, String>) -> Self {
        let var = |k: &str| vars.get(k).cloned().unwrap_or_default();
        let pod = vars
            .get("POD_NAME")
            .cloned()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        Self {
            pod,
            namespace: var("POD_NAMESPACE"),
            pod_ip: var("POD_IP"),
            message: var("DEMO_MESSAGE"),
            secret_file: vars
                .get("DEMO_SECRET_FILE")
                .cloned()
                .unwrap_or_else(|| DEFAULT_SECRET_FILE.into()),
        }
    }
}

/// The port from `--port N` in `args`, else `env_port`, else [`DEFAULT_PORT`].
pub fn port(mut args: impl Iterator<Item = String>, env_port: Option<&str>) -> Result<u16, String> {
    let mut chosen = env_port.map(str::to_string);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => chosen = Some(args.next().ok_or("--port needs a value")?),
            other => match other.strip_prefix("--port=") {
                Some(v) => chosen = Some(v.to_string()),
                None => return Err(format!("unknown argument {other:?} (only --port N)")),
            },
        }
    }
    match chosen {
        None => Ok(DEFAULT_PORT),
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("port {p:?} is not a number in 1-65535")),
    }
}

/// Serves until the listener fails.
pub fn serve(listener: &TcpListener, identity: &Identity) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let identity = identity.clone();
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &identity) {
                eprintln!("liqo-demo: connection failed: {e}");
            }
        });
    }
}

fn handle(stream: TcpStream, identity: &Identity) -> std::io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let peer = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers: the answer does not depend on them.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let secret = std::fs::read_to_string(&identity.secret_file).ok();
    let (status, body) = respond(request_line.trim_end(), identity, secret.as_deref());
    println!("{peer} \"{}\" {status}", request_line.trim_end());
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// The status line and body for `request_line` (pure).
pub fn respond(
    request_line: &str,
    identity: &Identity,
    secret: Option<&str>,
) -> (&'static str, String) {
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return (
            "405 Method Not Allowed",
            "{\"error\":\"only GET\"}\n".into(),
        );
    }
    if path == "/healthz" {
        return ("200 OK", "{\"status\":\"ok\"}\n".into());
    }
    let body = format!(
        "{{\"pod\":{},\"namespace\":{},\"podIP\":{},\"message\":{},\"secret\":{},\"path\":{}}}\n",
        json_string(&identity.pod),
        json_string(&identity.namespace),
        json_string(&identity.pod_ip),
        json_string(&identity.message),
        secret.map_or_else(|| "null".into(), |s| json_string(s.trim_end())),
        json_string(path),
    );
    ("200 OK", body)
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn identity() -> Identity {
        Identity {
            pod: "demo-1".into(),
            namespace: "demo".into(),
            pod_ip: "10.0.0.5".into(),
            message: "hello \"world\"".into(),
            secret_file: "/nonexistent".into(),
        }
    }

    #[test]
    fn the_answer_names_the_pod_its_config_and_its_secret() {
        let (status, body) = respond("GET /x HTTP/1.1", &identity(), Some("s3cr3t\n"));
        assert_eq!(status, "200 OK");
        assert_eq!(
            body,
            "{\"pod\":\"demo-1\",\"namespace\":\"demo\",\"podIP\":\"10.0.0.5\",\"message\":\"hello \\\"world\\\"\",\"secret\":\"s3cr3t\",\"path\":\"/x\"}\n"
        );
        let (_, body) = respond("GET / HTTP/1.1", &identity(), None);
        assert!(body.contains("\"secret\":null"), "{body}");
        assert_eq!(
            respond("POST / HTTP/1.1", &identity(), None).0,
            "405 Method Not Allowed"
        );
        assert_eq!(
            respond("GET /healthz HTTP/1.1", &identity(), None).0,
            "200 OK"
        );
    }

    #[test]
    fn the_port_comes_from_the_flag_then_the_environment() {
        let args = |a: &[&str]| {
            a.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(port(args(&[]), None), Ok(DEFAULT_PORT));
        assert_eq!(port(args(&[]), Some("9000")), Ok(9000));
        assert_eq!(port(args(&["--port", "9100"]), Some("9000")), Ok(9100));
        assert_eq!(port(args(&["--port=9200"]), None), Ok(9200));
        assert!(port(args(&["--port"]), None).is_err());
        assert!(port(args(&[]), Some("0")).unwrap_err().contains("1-65535"));
        assert!(
            port(args(&["--verbose"]), None)
                .unwrap_err()
                .contains("--verbose")
        );
    }

    #[test]
    fn a_real_connection_gets_the_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let dir = std::env::temp_dir().join(format!("liqo-demo-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let secret = dir.join("secret");
        std::fs::write(&secret, "from-a-secret").unwrap();
        let mut id = identity();
        id.secret_file = secret.display().to_string();
        std::thread::spawn(move || serve(&listener, &id));
        let mut conn = TcpStream::connect(addr).unwrap();
        conn.write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.contains("\"secret\":\"from-a-secret\""), "{answer}");
        assert!(answer.contains("\"path\":\"/hello\""), "{answer}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
