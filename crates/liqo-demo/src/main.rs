//! `liqo-demo`: the workload of the demo and of the offloading tests. An HTTP server that
//! answers every `GET` with where it runs — pod name, namespace, pod IP, a message from the
//! environment (a ConfigMap key in the demo Deployment) and the content of a mounted Secret
//! file — so a test can tell which pod answered, through which path, and that its
//! configuration reached it. It logs one line per request to stdout, for `kubectl logs`.
//!
//! Configuration, all optional, from the environment (Kubernetes style):
//! `PORT` (8080), `POD_NAME` (else the host name), `POD_NAMESPACE`, `POD_IP`, `DEMO_MESSAGE`,
//! `DEMO_SECRET_FILE` (`/etc/demo/secret`). `--port N` overrides `PORT`. `liqo-demo whoami`
//! prints the answer once and exits (for `kubectl exec`); `liqo-demo get http://<ip>:<port>/<path>`
//! prints another server's answer (exit 1 unless 2xx), to reach pods and Services from a pod.

// Its logs are its stdout and stderr, as any container's: that is what `kubectl logs` shows.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod client;
mod http;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    let vars: BTreeMap<String, String> = std::env::vars().collect();
    // `liqo-demo whoami`: the answer of `GET /whoami`, once, for `kubectl exec`.
    if std::env::args().nth(1).as_deref() == Some("whoami") {
        let identity = http::Identity::from_env(&vars);
        let secret = std::fs::read_to_string(&identity.secret_file).ok();
        print!(
            "{}",
            http::respond("GET /whoami", &identity, secret.as_deref()).1
        );
        return ExitCode::SUCCESS;
    }
    // `liqo-demo get <url>`: another server's answer, as curl in a pod.
    if std::env::args().nth(1).as_deref() == Some("get") {
        let Some(url) = std::env::args().nth(2) else {
            eprintln!("liqo-demo get: missing <url> (http://<ip>:<port>/<path>)");
            return ExitCode::from(2);
        };
        // A malformed URL is a usage error, as a missing one is.
        if let Err(e) = client::parse_url(&url) {
            eprintln!("liqo-demo get: {e}");
            return ExitCode::from(2);
        }
        return match client::get(&url) {
            Ok((code, body)) => {
                print!("{body}");
                if (200..300).contains(&code) {
                    ExitCode::SUCCESS
                } else {
                    eprintln!("liqo-demo get: {url} answered {code}");
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("liqo-demo get: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let port = match http::port(
        std::env::args().skip(1),
        vars.get("PORT").map(String::as_str),
    ) {
        Ok(port) => port,
        Err(e) => {
            eprintln!("liqo-demo: {e}");
            return ExitCode::from(2);
        }
    };
    // On its pod IP when it knows it (testenv pods without a network namespace of their own
    // share the host's, each on its own loopback address); else on every address.
    let host = vars.get("POD_IP").map_or("0.0.0.0", String::as_str);
    let listener = match TcpListener::bind((host, port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("liqo-demo: cannot listen on {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("liqo-demo listening on {host}:{port}");
    http::serve(&listener, &http::Identity::from_env(&vars));
    ExitCode::SUCCESS
}
