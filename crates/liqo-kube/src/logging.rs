//! Logging of the long-running components (controller manager, virtual kubelet, gateway).

/// Installs the global tracing subscriber: to stderr, filtered by `RUST_LOG` (default `info`),
/// JSON lines when `json` (`--log-json`), otherwise text, coloured only on a terminal.
///
/// # Panics
/// When a global subscriber is already installed (call it once, first thing in `main`).
pub fn init(json: bool) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let fmt = tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        fmt.json().init();
    } else {
        fmt.init();
    }
}
